// Atomic snapshots of the whole database. Each file is a header (magic, SHA-256, length) and
// the SQLite image; it is written to a temp file, fsync'd and renamed over the current one, and
// the one it replaces is kept as the previous good snapshot. A damaged file is moved aside,
// never overwritten, and the previous good one is used.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';

const MAGIC = Buffer.from('VIGILDB1');
const HEADER_BYTES = MAGIC.length + 32 + 8;

export const snapshotFileNames = {
  current: 'store.sqlite',
  previous: 'store.prev.sqlite',
  temp: 'store.sqlite.tmp',
} as const;

export interface LoadedSnapshot {
  /** The SQLite image, or undefined when no usable snapshot exists (a fresh directory). */
  bytes: Uint8Array | undefined;
  source: 'current' | 'previous' | 'none';
  /** Damaged files found and moved aside, each with what was wrong. */
  problems: { path: string; movedTo: string; reason: string }[];
}

export function encodeSnapshot(image: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  createHash('sha256').update(image).digest().copy(header, MAGIC.length);
  header.writeBigUInt64LE(BigInt(image.length), MAGIC.length + 32);
  return Buffer.concat([header, image]);
}

/** The SQLite image inside a snapshot file, or the reason it cannot be trusted. */
export function decodeSnapshot(
  file: Buffer,
  options: { verifyChecksum?: boolean } = {},
): { image: Uint8Array } | { reason: string } {
  if (file.length < HEADER_BYTES)
    return { reason: `truncated: ${file.length} bytes, shorter than its header` };
  if (!file.subarray(0, MAGIC.length).equals(MAGIC))
    return { reason: 'not a Vigil snapshot (bad magic bytes)' };
  const length = Number(file.readBigUInt64LE(MAGIC.length + 32));
  const image = file.subarray(HEADER_BYTES);
  if (image.length !== length)
    return { reason: `truncated: ${image.length} of ${length} bytes present` };
  const expected = file.subarray(MAGIC.length, MAGIC.length + 32);
  if (
    options.verifyChecksum !== false &&
    !createHash('sha256').update(image).digest().equals(expected)
  )
    return { reason: 'checksum mismatch: the file was damaged' };
  return { image: new Uint8Array(image.buffer, image.byteOffset, image.byteLength) };
}

export function writeSnapshot(dataDir: string, image: Uint8Array): number {
  const encoded = encodeSnapshot(image);
  const tempPath = join(dataDir, snapshotFileNames.temp);
  writeFileDurably(tempPath, encoded);
  const currentPath = join(dataDir, snapshotFileNames.current);
  if (existsSync(currentPath)) renameSync(currentPath, join(dataDir, snapshotFileNames.previous));
  renameSync(tempPath, currentPath);
  fsyncDirectory(dataDir);
  return encoded.length;
}

export function loadSnapshot(dataDir: string, now = Date.now()): LoadedSnapshot {
  const problems: LoadedSnapshot['problems'] = [];
  for (const source of ['current', 'previous'] as const) {
    const path = join(dataDir, snapshotFileNames[source]);
    if (!existsSync(path)) continue;
    const decoded = decodeSnapshot(readFileSync(path));
    if ('image' in decoded) return { bytes: decoded.image, source, problems };
    const movedTo = `${path}.damaged-${now}`;
    renameSync(path, movedTo);
    problems.push({ path, movedTo, reason: decoded.reason });
  }
  return { bytes: undefined, source: 'none', problems };
}
