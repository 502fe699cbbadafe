// Writing that survives a crash: every byte written and fsync'd before a function returns, and
// renames made durable by syncing their directory. The journal, its compaction, snapshots and
// segment files all rest on these.
import { closeSync, fsyncSync, openSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

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

/**
 * writeFileDurably on libuv's threads: the thread that calls it goes on with other work while the
 * bytes are written and flushed (the segment builder builds the next segment meanwhile).
 */
export async function writeFileDurablyAsync(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length)
      written += (await file.write(bytes, written, bytes.length - written)).bytesWritten;
    await file.sync();
  } finally {
    await file.close();
  }
}

/** fsyncDirectory on libuv's threads. */
export async function fsyncDirectoryAsync(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // As in fsyncDirectory: where a directory cannot be opened, the rename is still atomic.
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
