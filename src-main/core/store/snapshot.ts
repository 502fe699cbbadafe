// Atomic snapshots of the whole database. Each file is a header (magic, SHA-256, length) and
// the SQLite image; it is written to a temp file, fsync'd and renamed over the current one, and
// the one it replaces is kept as the previous good snapshot. A damaged file is moved aside,
// never overwritten, and the previous good one is used. With the data directory's key the
// header holds the image's MAC instead of its SHA-256: a snapshot edited on disk and written
// back with a fresh checksum fails, is quarantined (moved aside) and never loaded.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';
import {
  checkSeal,
  sealAccepted,
  type IntegrityProblem,
  type StoreIntegrity,
} from './record-seal.ts';

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
  /** Files that failed their MAC (moved aside, never loaded). */
  forged: IntegrityProblem[];
}

const SNAPSHOT_DOMAIN = 'snapshot';

export function encodeSnapshot(image: Uint8Array, integrity?: StoreIntegrity): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  const digest = integrity
    ? Buffer.from(integrity.mac.sign(SNAPSHOT_DOMAIN, image), 'hex')
    : createHash('sha256').update(image).digest();
  digest.copy(header, MAGIC.length);
  header.writeBigUInt64LE(BigInt(image.length), MAGIC.length + 32);
  return Buffer.concat([header, image]);
}

/** The SQLite image inside a snapshot file, or the reason it cannot be trusted. */
export function decodeSnapshot(
  file: Buffer,
  options: { verifyChecksum?: boolean; integrity?: StoreIntegrity } = {},
): { image: Uint8Array } | { reason: string; forged?: true } {
  if (file.length < HEADER_BYTES)
    return { reason: `truncated: ${file.length} bytes, shorter than its header` };
  if (!file.subarray(0, MAGIC.length).equals(MAGIC))
    return { reason: 'not a Vigil snapshot (bad magic bytes)' };
  const length = Number(file.readBigUInt64LE(MAGIC.length + 32));
  const image = file.subarray(HEADER_BYTES);
  if (image.length !== length)
    return { reason: `truncated: ${image.length} of ${length} bytes present` };
  const expected = file.subarray(MAGIC.length, MAGIC.length + 32);
  if (options.integrity) {
    const verdict = checkSeal(options.integrity, SNAPSHOT_DOMAIN, image, expected.toString('hex'));
    if (!sealAccepted(options.integrity, verdict))
      return {
        reason:
          verdict === 'unsealed'
            ? 'it carries a plain checksum where its MAC should be: it was written outside Vigil'
            : 'it fails its MAC: it was edited or damaged outside Vigil',
        forged: true,
      };
  } else if (
    options.verifyChecksum !== false &&
    !createHash('sha256').update(image).digest().equals(expected)
  )
    return { reason: 'checksum mismatch: the file was damaged' };
  // The image stays a Buffer over the file's bytes: sql.js keeps a Buffer it is given as the
  // in-memory file (Buffer.slice is a view), where a plain Uint8Array would be copied once more
  // (a 9 MB segment opened costs one allocation of its size, not two).
  return { image };
}

export function writeSnapshot(
  dataDir: string,
  image: Uint8Array,
  integrity?: StoreIntegrity,
): number {
  const encoded = encodeSnapshot(image, integrity);
  const tempPath = join(dataDir, snapshotFileNames.temp);
  writeFileDurably(tempPath, encoded);
  const currentPath = join(dataDir, snapshotFileNames.current);
  if (existsSync(currentPath)) renameSync(currentPath, join(dataDir, snapshotFileNames.previous));
  renameSync(tempPath, currentPath);
  fsyncDirectory(dataDir);
  return encoded.length;
}

export function loadSnapshot(
  dataDir: string,
  now = Date.now(),
  integrity?: StoreIntegrity,
): LoadedSnapshot {
  const problems: LoadedSnapshot['problems'] = [];
  const forged: IntegrityProblem[] = [];
  for (const source of ['current', 'previous'] as const) {
    const path = join(dataDir, snapshotFileNames[source]);
    if (!existsSync(path)) continue;
    const decoded = decodeSnapshot(readFileSync(path), integrity ? { integrity } : {});
    if ('image' in decoded) return { bytes: decoded.image, source, problems, forged };
    const movedTo = `${path}.${decoded.forged ? 'quarantined' : 'damaged'}-${now}`;
    renameSync(path, movedTo);
    problems.push({ path, movedTo, reason: decoded.reason });
    if (decoded.forged)
      forged.push({
        record: 'snapshot',
        path,
        message: `Snapshot ${path}: ${decoded.reason}; it was not loaded and is kept as ${movedTo}.`,
        quarantinedTo: movedTo,
      });
  }
  return { bytes: undefined, source: 'none', problems, forged };
}

/** Rewrites both snapshot files with their MACs, image unchanged: a directory adopted once. */
export function sealSnapshots(dataDir: string, integrity: StoreIntegrity): void {
  for (const name of [snapshotFileNames.current, snapshotFileNames.previous]) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    const decoded = decodeSnapshot(readFileSync(path), { integrity });
    if (!('image' in decoded)) continue;
    const temp = join(dataDir, snapshotFileNames.temp);
    writeFileDurably(temp, encodeSnapshot(decoded.image, { ...integrity, adopting: false }));
    renameSync(temp, path);
  }
  fsyncDirectory(dataDir);
}
