// Writing that survives a crash: every byte written and fsync'd before a function returns, and
// renames made durable by syncing their directory. The journal, its compaction and snapshots
// all rest on these three.
import { closeSync, fsyncSync, openSync, statSync, writeSync } from 'node:fs';

/** Writes all of `bytes` to an open file and fsyncs it: when this returns, they are on disk. */
export function writeAllAndSync(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
  fsyncSync(fd);
}

/** Writes a whole file durably, to be renamed into place afterwards (an atomic replace). */
export function writeFileDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeAllAndSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename in `dir` durable (where the platform can open a directory). */
export function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
  }
}

/**
 * Immutable files whose sizes a manifest records (sealed segments), so the size on disk is
 * summed from the manifest instead of listing a folder that grows with history.
 */
export interface SealedFiles {
  /** Folders that hold only these files and their manifest: a size walk skips them. */
  directories: string[];
  bytes: number;
}

/** A file's size, 0 when it is not there (replaced or removed meanwhile). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
