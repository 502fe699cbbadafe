// The audit log's sealed part: older entries written once into immutable segment files under
// `audit/`, listed in a manifest that is replaced atomically, so the operator snapshot holds
// only the newest entries and no snapshot rewrites the whole history.
//
// A segment is an SQLite image with the live table's schema and indexes, in the snapshot
// envelope (magic, SHA-256, length). JSON Lines would check a little faster, but every query
// the Audit view makes (filters, text search, order, counts) would need a second, hand-written
// implementation and an index beside it; an image runs the very SQL the live table runs, and
// sql.js opens one of a few MB in milliseconds. Opened segments sit in an LRU cache under a
// byte budget.
//
// A segment that is missing, of the wrong size, or fails its checksum is moved aside (never
// deleted), stays listed in the manifest, and is reported; its entries read as absent, which the
// hash-chain check then names as missing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { AuditEntry } from '../audit-chain/index.ts';
import { configureDatabase, inTransaction, openSealedImage } from './database.ts';
import { fileBytes, fsyncDirectory, writeFileDurably, type SealedFiles } from './durable-file.ts';
import { forEachAuditEntry, insertAuditEntry } from './audit-log.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import type { IntegrityProblem, StoreIntegrity } from './record-seal.ts';

export const AUDIT_DIR = 'audit';
const MANIFEST = 'manifest.json';
const MANIFEST_PREVIOUS = 'manifest.prev.json';
const MANIFEST_TEMP = 'manifest.json.tmp';

/** What the manifest knows of a segment, so most reads skip it without opening it. */
export interface SealedSegment {
  file: string;
  fromSeq: number;
  toSeq: number;
  count: number;
  minAt: number;
  maxAt: number;
  /** The hash the segment's first entry links to, and its last entry's hash. */
  prevHash: string;
  lastHash: string;
  /** SHA-256 (hex) of the SQLite image, as in the file's header; and the file's size. */
  sha256: string;
  bytes: number;
  actors: string[];
  actions: string[];
}

export interface DamagedSegment {
  file: string;
  fromSeq: number;
  toSeq: number;
  reason: string;
  /** Where the file was moved; null when it was not there at all. */
  movedTo: string | null;
}

interface Manifest {
  version: 1;
  segments: SealedSegment[];
}

/** The step boundaries of sealing, for kill -9 tests (see store/index.ts, VIGIL_CRASH_AT). */
export type SealCrashPoint =
  | 'audit.seal.segmentWritten'
  | 'audit.seal.segmentRenamed'
  | 'audit.seal.manifestWritten'
  | 'audit.seal.manifestSwapped'
  | 'audit.seal.liveDeleted';

// A segment's format is its own, fixed for files already written: the live table's columns
// today, but not tied to its migrations, which may change the live table and not old files.
const SEGMENT_SCHEMA = `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );`;
// Built after the rows are in: one sorted build each instead of a b-tree insert per row.
const SEGMENT_INDEXES = `
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE INDEX audit_by_action ON audit_log (action, seq);
  CREATE INDEX audit_by_subject ON audit_log (subject, seq);`;

/**
 * The image's SHA-256 as the envelope's header records it (after the 8 magic bytes), which
 * decodeSnapshot has checked against the image: no second pass over the bytes.
 */
function headerChecksum(file: Buffer): string {
  return file.subarray(8, 40).toString('hex');
}

function manifestChecksum(segments: SealedSegment[]): string {
  return createHash('sha256').update(JSON.stringify(segments)).digest('hex');
}

// With the data directory's key the manifest also carries its MAC: a checksum anyone can
// recompute does not stop someone who edits the list of sealed history on disk.
const MANIFEST_DOMAIN = 'audit-manifest';

function readManifest(
  path: string,
  integrity: StoreIntegrity | undefined,
): Manifest | { reason: string; forged?: true } {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Manifest & {
      sha256?: string;
      mac?: string;
    };
    if (parsed.version !== 1 || !Array.isArray(parsed.segments))
      return { reason: 'not a Vigil audit manifest' };
    if (parsed.sha256 !== manifestChecksum(parsed.segments))
      return { reason: 'checksum mismatch: the file was damaged or edited' };
    if (
      integrity &&
      !(parsed.mac === undefined && integrity.adopting) &&
      !integrity.mac.verify(MANIFEST_DOMAIN, JSON.stringify(parsed.segments), parsed.mac ?? '')
    )
      return { reason: 'MAC mismatch: the file was written or edited outside Vigil', forged: true };
    return { version: 1, segments: parsed.segments };
  } catch (error) {
    return { reason: `unreadable: ${(error as Error).message}` };
  }
}

export interface AuditArchive {
  /** Listed segments in sequence order, damaged ones included. */
  readonly segments: readonly SealedSegment[];
  /** The last sealed entry's place in the chain, if anything is sealed. */
  tail(): { seq: number; hash: string } | undefined;
  /** Damaged segments and manifests found so far (at open, or when a segment was opened). */
  problems(): DamagedSegment[];
  isAvailable(segment: SealedSegment): boolean;
  /**
   * Runs `read` on the segment's database, opening it (and checking its checksum) if it is not
   * cached. Returns undefined, without calling `read`, when the segment is damaged.
   */
  withSegment<T>(segment: SealedSegment, read: (db: Database) => T): T | undefined;
  /**
   * Seals live entries `fromSeq..toSeq` (read from `live`) into a new segment and lists it:
   * file written and fsync'd, then the manifest swapped. The caller deletes them from the live
   * table afterwards (see audit-history.ts for the order and why it is crash-safe).
   */
  seal(live: Database, fromSeq: number, toSeq: number): SealedSegment;
  /** Copies the manifest into `folder` (evidence of tampering; segments are immutable). */
  copyManifestTo(folder: string): void;
  /** Manifests that failed their MAC at open (moved aside, not used). */
  readonly forged: readonly IntegrityProblem[];
  /** Writes the manifest again with its MAC: a directory adopted once. */
  sealManifest(): void;
  /** The segments as the manifest lists them, what was moved aside beside them, the manifests. */
  sealedFiles(): SealedFiles;
  close(): void;
}

export interface AuditArchiveOptions {
  SQL: SqlJsStatic;
  dataDir: string;
  /** Memory the cache of opened segments may use, in bytes of SQLite image. */
  cacheBytes: number;
  /** The data directory's MAC key, to seal and check the manifest. */
  integrity?: StoreIntegrity;
  crashPoint?: (point: SealCrashPoint) => void;
  now?: () => number;
}

export function openAuditArchive(options: AuditArchiveOptions): AuditArchive {
  const { SQL, cacheBytes } = options;
  const now = options.now ?? Date.now;
  const crashPoint = options.crashPoint ?? (() => undefined);
  const dir = join(options.dataDir, AUDIT_DIR);
  const damaged = new Map<string, DamagedSegment>();
  const manifestProblems: DamagedSegment[] = [];
  const forged: IntegrityProblem[] = [];
  const cache = new Map<string, { db: Database; bytes: number; pinned: number }>();
  let cachedBytes = 0;

  function moveAside(path: string): string {
    const movedTo = `${path}.damaged-${now()}`;
    renameSync(path, movedTo);
    return movedTo;
  }

  function loadManifest(): SealedSegment[] {
    for (const name of [MANIFEST, MANIFEST_PREVIOUS]) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      const read = readManifest(path, options.integrity);
      if ('segments' in read) return read.segments;
      const movedTo = moveAside(path);
      manifestProblems.push({
        file: name,
        fromSeq: 0,
        toSeq: 0,
        reason: `the audit manifest is ${read.reason}`,
        movedTo,
      });
      if (read.forged)
        forged.push({
          record: 'audit-manifest',
          path,
          message: `The audit segment manifest ${path} fails its MAC: it was written or edited outside Vigil. It was not used (kept as ${movedTo}).`,
          quarantinedTo: movedTo,
        });
    }
    return [];
  }

  let segments = loadManifest();

  function markDamaged(segment: SealedSegment, reason: string): void {
    const path = join(dir, segment.file);
    const movedTo = existsSync(path) ? moveAside(path) : null;
    damaged.set(segment.file, {
      file: segment.file,
      fromSeq: segment.fromSeq,
      toSeq: segment.toSeq,
      reason,
      movedTo,
    });
  }

  // What can be seen without reading the files: presence and size. The checksum is checked when
  // a segment is opened (by a read, the check at start past its checkpoint, or a full verify).
  for (const segment of segments) {
    const path = join(dir, segment.file);
    if (!existsSync(path)) {
      markDamaged(segment, 'is missing');
      continue;
    }
    const size = statSync(path).size;
    if (size !== segment.bytes)
      markDamaged(segment, `has ${size} bytes where ${segment.bytes} were written`);
  }

  function evictOverBudget(): void {
    for (const [file, cached] of cache) {
      if (cachedBytes <= cacheBytes) return;
      if (cached.pinned > 0) continue;
      cached.db.close();
      cache.delete(file);
      cachedBytes -= cached.bytes;
    }
  }

  function open(
    segment: SealedSegment,
  ): { db: Database; bytes: number; pinned: number } | undefined {
    const cached = cache.get(segment.file);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(segment.file);
      cache.set(segment.file, cached);
      return cached;
    }
    if (damaged.has(segment.file)) return undefined;
    const path = join(dir, segment.file);
    if (!existsSync(path)) {
      markDamaged(segment, 'is missing');
      return undefined;
    }
    const file = readFileSync(path);
    const decoded = decodeSnapshot(file);
    if (!('image' in decoded)) {
      markDamaged(segment, `failed its check (${decoded.reason})`);
      return undefined;
    }
    if (headerChecksum(file) !== segment.sha256) {
      markDamaged(segment, 'is not the file the manifest lists (its checksum differs)');
      return undefined;
    }
    const db = openSealedImage(SQL, decoded.image);
    const entry = { db, bytes: decoded.image.length, pinned: 0 };
    cache.set(segment.file, entry);
    cachedBytes += entry.bytes;
    evictOverBudget();
    return entry;
  }

  function writeManifest(next: SealedSegment[]): void {
    const text = JSON.stringify({
      version: 1,
      segments: next,
      sha256: manifestChecksum(next),
      ...(options.integrity
        ? { mac: options.integrity.mac.sign(MANIFEST_DOMAIN, JSON.stringify(next)) }
        : {}),
    });
    const temp = join(dir, MANIFEST_TEMP);
    writeFileDurably(temp, Buffer.from(text));
    crashPoint('audit.seal.manifestWritten');
    // The one being replaced stays as the fallback, as snapshots do. A crash between the two
    // renames leaves only the previous manifest, which still matches the live table: the
    // snapshot that drops the newly sealed entries is written only after this returns.
    const current = join(dir, MANIFEST);
    if (existsSync(current)) renameSync(current, join(dir, MANIFEST_PREVIOUS));
    renameSync(temp, current);
    fsyncDirectory(dir);
  }

  return {
    get segments() {
      return segments;
    },
    tail() {
      const last = segments.at(-1);
      return last ? { seq: last.toSeq, hash: last.lastHash } : undefined;
    },
    problems: () => [...manifestProblems, ...damaged.values()],
    isAvailable: (segment) => !damaged.has(segment.file),
    sealedFiles() {
      let bytes = 0;
      for (const segment of segments) if (!damaged.has(segment.file)) bytes += segment.bytes;
      for (const problem of [...manifestProblems, ...damaged.values()])
        if (problem.movedTo) bytes += fileBytes(problem.movedTo);
      for (const name of [MANIFEST, MANIFEST_PREVIOUS]) bytes += fileBytes(join(dir, name));
      return { directories: [dir], bytes };
    },
    withSegment(segment, read) {
      const opened = open(segment);
      if (!opened) return undefined;
      opened.pinned++;
      try {
        return read(opened.db);
      } finally {
        opened.pinned--;
        evictOverBudget();
      }
    },
    seal(live, fromSeq, toSeq) {
      mkdirSync(dir, { recursive: true });
      const segmentDb = new SQL.Database();
      let summary: Omit<SealedSegment, 'file' | 'sha256' | 'bytes'> | undefined;
      let image: Uint8Array;
      try {
        configureDatabase(segmentDb);
        segmentDb.run(SEGMENT_SCHEMA);
        const actors = new Set<string>();
        const actions = new Set<string>();
        let first: AuditEntry | undefined;
        let last: AuditEntry | undefined;
        let minAt = Number.MAX_SAFE_INTEGER;
        let maxAt = Number.MIN_SAFE_INTEGER;
        let count = 0;
        inTransaction(segmentDb, () => {
          forEachAuditEntry(live, { fromSeq, toSeq }, (entry) => {
            insertAuditEntry(segmentDb, entry);
            first ??= entry;
            last = entry;
            actors.add(entry.actor);
            actions.add(entry.action);
            minAt = Math.min(minAt, entry.at);
            maxAt = Math.max(maxAt, entry.at);
            count++;
          });
        });
        if (!first || !last || count !== toSeq - fromSeq + 1)
          throw new Error(
            `Cannot seal audit entries ${fromSeq}..${toSeq}: the live table holds ${count} of them.`,
          );
        segmentDb.run(SEGMENT_INDEXES);
        summary = {
          fromSeq,
          toSeq,
          count,
          minAt,
          maxAt,
          prevHash: (first as AuditEntry).prevHash,
          lastHash: (last as AuditEntry).hash,
          actors: [...actors].sort(),
          actions: [...actions].sort(),
        };
        image = segmentDb.export();
      } finally {
        segmentDb.close();
      }
      const encoded = encodeSnapshot(image);
      const file = `seg-${fromSeq}-${toSeq}.sqlite`;
      // A file of this name left by a crash before its manifest swap was never listed, so
      // nothing refers to it: it is replaced by the same entries again.
      const temp = join(dir, `${file}.tmp`);
      writeFileDurably(temp, encoded);
      crashPoint('audit.seal.segmentWritten');
      renameSync(temp, join(dir, file));
      fsyncDirectory(dir);
      crashPoint('audit.seal.segmentRenamed');
      const segment: SealedSegment = {
        file,
        ...summary,
        sha256: headerChecksum(encoded),
        bytes: encoded.length,
      };
      const next = [...segments, segment];
      writeManifest(next);
      segments = next;
      crashPoint('audit.seal.manifestSwapped');
      return segment;
    },
    forged,
    sealManifest() {
      if (!existsSync(join(dir, MANIFEST))) return;
      // Twice, so the fallback copy is sealed as well.
      writeManifest(segments);
      writeManifest(segments);
    },
    copyManifestTo(folder) {
      for (const name of [MANIFEST, MANIFEST_PREVIOUS]) {
        const path = join(dir, name);
        if (existsSync(path)) writeFileDurably(join(folder, `audit-${name}`), readFileSync(path));
      }
    },
    close() {
      for (const cached of cache.values()) cached.db.close();
      cache.clear();
      cachedBytes = 0;
    },
  };
}
