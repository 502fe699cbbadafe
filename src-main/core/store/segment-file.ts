// Sealed segments: one chain's final events and headers over a block range, written once as a
// SQLite image (rows first, indexes after: a bulk build) inside the checksummed envelope the
// snapshots use, with a summary the planner reads instead of opening the file, and a Bloom
// filter over transaction and block hashes beside it. A segment is never rewritten: a repair,
// a merge or a purge writes a new one and swaps it in through the manifest.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { emptyBloomFilter } from './bloom.ts';
import { createBulkInserter } from './bulk-insert.ts';
import { packRows, sameAsRowBefore, unpackRows, valueAt, type PackedRows } from './packed-rows.ts';
import {
  eventColumnCount,
  eventInsertColumns,
  eventRowPlaceholders,
  lookupIndexesSql,
  positionIndexSql,
  segmentSchemaSql,
} from './chain-schema.ts';
import { openDatabase, openDatabaseWithRoom, openSealedImage, utf8Parameters } from './database.ts';
import {
  fsyncDirectory,
  fsyncDirectoryAsync,
  writeFileDurably,
  writeFileDurablyAsync,
} from './durable-file.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';

export interface SegmentSummary {
  id: number;
  file: string;
  chainId: number;
  /** The block range the segment answers for (every row is inside it). */
  fromBlock: number;
  toBlock: number;
  /** Block times of its rows, in seconds; null when none carried a time. */
  minTime: number | null;
  maxTime: number | null;
  /**
   * Canonical rows per minute (its start, in seconds) over the segment's last hour, so the
   * events-per-minute chart never opens a segment.
   */
  recentMinutes?: Record<string, number>;
  /** Canonical rows (not removed). */
  events: number;
  /** Rows kept as removed by a reorg. */
  removed: number;
  /** Canonical rows per contract and event name: "contractId event" → count. */
  counts: Record<string, number>;
  bytes: number;
  sha256: string;
  bloomSha256: string;
  /** The Bloom filter file's size (absent in manifests written before it was recorded). */
  bloomBytes?: number;
}

export const countKey = (contractId: string, eventName: string | null): string =>
  `${contractId} ${eventName ?? ''}`;

/** Rows as selected from a source's events table, columns in schema order. */
export type EventTuple = (string | number | null)[];

const ROWS_PER_INSERT = 200;

export function selectEventTuples(
  db: Database,
  where: string,
  params: (string | number)[],
): EventTuple[] {
  const statement = db.prepare(
    `SELECT ${eventInsertColumns} FROM events WHERE ${where} ORDER BY block_number, log_index`,
  );
  try {
    statement.bind(params);
    const rows: EventTuple[] = [];
    while (statement.step()) rows.push(statement.get() as EventTuple);
    return rows;
  } finally {
    statement.free();
  }
}

export type BlockTuple = [
  chainId: number,
  number: number,
  hash: string,
  parentHash: string,
  timestamp: number | null,
];

export function selectBlockTuples(
  db: Database,
  where: string,
  params: (string | number)[],
): BlockTuple[] {
  const statement = db.prepare(
    `SELECT chain_id, number, hash, parent_hash, timestamp FROM blocks WHERE ${where} ORDER BY number`,
  );
  try {
    statement.bind(params);
    const rows: BlockTuple[] = [];
    while (statement.step()) rows.push(statement.get() as BlockTuple);
    return rows;
  } finally {
    statement.free();
  }
}

export function insertEventTuples(
  db: Database,
  rows: readonly EventTuple[],
  conflict: '' | 'OR IGNORE' = '',
): void {
  const sql = (count: number): string =>
    `INSERT ${conflict} INTO events (${eventInsertColumns}) VALUES ${new Array(count).fill(eventRowPlaceholders).join(', ')}`;
  const full = rows.length >= ROWS_PER_INSERT ? db.prepare(sql(ROWS_PER_INSERT)) : undefined;
  const single = db.prepare(sql(1));
  try {
    let index = 0;
    for (; full && index + ROWS_PER_INSERT <= rows.length; index += ROWS_PER_INSERT)
      full.run(utf8Parameters(rows.slice(index, index + ROWS_PER_INSERT).flat()));
    for (; index < rows.length; index++) single.run(utf8Parameters(rows[index]!));
  } finally {
    full?.free();
    single.free();
  }
}

function insertBlockTuples(db: Database, rows: readonly BlockTuple[]): void {
  const statement = db.prepare(
    'INSERT OR REPLACE INTO blocks (chain_id, number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?, ?)',
  );
  try {
    for (const row of rows) statement.run(row);
  } finally {
    statement.free();
  }
}

export interface BuiltSegment {
  summary: SegmentSummary;
  image: Uint8Array;
  bloom: Uint8Array;
}

// Column positions in an EventTuple.
export const CONTRACT = 1;
export const BLOCK_NUMBER = 2;
const BLOCK_HASH = 3;
export const TIMESTAMP = 4;
const TRANSACTION_HASH = 6;
const EVENT_NAME = 9;
export const STATUS = 14;

/** Room for a row in a segment file, indexes included (919–1,130 bytes measured), and some. */
const FILE_BYTES_PER_ROW = 1_200;
const emptySegmentFiles = new WeakMap<SqlJsStatic, Uint8Array>();

/**
 * The database a segment is built in: an empty segment (its tables and position index) with room
 * after it for about the size the finished file will have (see openDatabaseWithRoom: at COMMIT,
 * SQLite's pages written out in order grew a 4.5 MB file a dozen times, each a copy of all of it,
 * 15–24 ms a segment, a quarter of the builder's time).
 */
function openSegmentDatabase(SQL: SqlJsStatic, expectedRows: number): Database {
  let empty = emptySegmentFiles.get(SQL);
  if (!empty) {
    const template = openDatabase(SQL);
    try {
      template.run(segmentSchemaSql);
      template.run(positionIndexSql);
      empty = template.export();
    } finally {
      template.close();
    }
    emptySegmentFiles.set(SQL, empty);
  }
  return openDatabaseWithRoom(
    SQL,
    empty,
    Math.max(0, expectedRows * FILE_BYTES_PER_ROW - empty.length),
  );
}

/**
 * The image up to its last page, as its header counts them: the commit cuts a pre-sized file to
 * its pages, and this keeps a segment free of the zeroed rest should a release of sql.js not.
 */
function pagesOnly(image: Uint8Array): Uint8Array {
  const header = Buffer.from(image.buffer, image.byteOffset, Math.min(image.length, 100));
  if (header.length < 100) return image;
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
  const bytes = pageSize * header.readUInt32BE(28);
  return bytes > 0 && bytes < image.length ? image.subarray(0, bytes) : image;
}

/**
 * A segment being built: rows go in with only the position index (they come in block order,
 * so it grows at its end), and the summary and Bloom filter are kept as they come; finish()
 * builds the other indexes in one pass each and exports the image.
 */
export interface SegmentBuilder {
  readonly chainId: number;
  readonly db: Database;
  readonly rows: number;
  readonly fromBlock: number;
  readonly toBlock: number;
  /** Rows packed in eventInsertColumns' order (packEventRows, or packRows of EventTuples). */
  append(events: PackedRows, blocks?: readonly BlockTuple[]): void;
  finish(id: number): BuiltSegment;
  discard(): void;
}

export function createSegmentBuilder(
  SQL: SqlJsStatic,
  chainId: number,
  expectedRows: number,
): SegmentBuilder {
  const db = openSegmentDatabase(SQL, expectedRows);
  // A segment being built is thrown away whole if anything fails, so it needs no rollback
  // journal; its pages stay in SQLite's cache instead of being copied through sql.js's file.
  db.run('PRAGMA journal_mode = OFF; PRAGMA cache_size = -262144;');
  // One transaction from the first row to the indexes: a commit per batch wrote every dirty page
  // out to sql.js's in-memory file again (a quarter of the append time), once is enough.
  db.run('BEGIN');
  const inserter = createBulkInserter(SQL, db, 'events', eventInsertColumns);
  const bloom = emptyBloomFilter(Math.max(expectedRows, 1) * 2);
  const counts: Record<string, number> = {};
  let minTime: number | null = null;
  let maxTime: number | null = null;
  const perMinute = new Map<number, number>();
  let fromBlock = Infinity;
  let toBlock = -Infinity;
  let rows = 0;
  let canonical = 0;
  // The contract and event, and the status, of the row before (rows of one run share them).
  let countedAs = '';
  let status = '';
  return {
    chainId,
    db,
    get rows() {
      return rows;
    },
    get fromBlock() {
      return fromBlock;
    },
    get toBlock() {
      return toBlock;
    },
    append(events, blocks = []) {
      if (inserter) inserter.insert(events);
      else insertEventTuples(db, unpackRows(events));
      insertBlockTuples(db, blocks);
      // Rows come in block order, a transaction's together: a hash like the row before's is
      // in the filter already (adding it again was most of this loop's time), and a row of the
      // same contract and event as the one before counts under the same key.
      for (let row = 0; row < events.rows; row++) {
        if (!sameAsRowBefore(events, row, TRANSACTION_HASH))
          bloom.add(valueAt(events, row, TRANSACTION_HASH) as string);
        if (!sameAsRowBefore(events, row, BLOCK_HASH))
          bloom.add(valueAt(events, row, BLOCK_HASH) as string);
        const block = valueAt(events, row, BLOCK_NUMBER) as number;
        if (block < fromBlock) fromBlock = block;
        if (block > toBlock) toBlock = block;
        const time = valueAt(events, row, TIMESTAMP) as number | null;
        if (time !== null) {
          if (minTime === null || time < minTime) minTime = time;
          if (maxTime === null || time > maxTime) maxTime = time;
        }
        if (!sameAsRowBefore(events, row, CONTRACT) || !sameAsRowBefore(events, row, EVENT_NAME))
          countedAs = countKey(
            valueAt(events, row, CONTRACT) as string,
            valueAt(events, row, EVENT_NAME) as string | null,
          );
        if (!sameAsRowBefore(events, row, STATUS)) status = valueAt(events, row, STATUS) as string;
        if (status === 'removed') continue;
        canonical++;
        if (time !== null) {
          const minute = Math.floor(time / 60) * 60;
          perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
        }
        counts[countedAs] = (counts[countedAs] ?? 0) + 1;
      }
      for (const block of blocks) {
        if (block[1] < fromBlock) fromBlock = block[1];
        if (block[1] > toBlock) toBlock = block[1];
      }
      rows += events.rows;
    },
    finish(id) {
      let image: Uint8Array;
      try {
        inserter?.free();
        db.run(lookupIndexesSql);
        db.run('COMMIT');
        image = pagesOnly(db.export());
      } finally {
        db.close();
      }
      const encoded = encodeSnapshot(image);
      return {
        image: encoded,
        bloom: bloom.bits,
        summary: {
          id,
          file: `seg-${chainId}-${fromBlock}-${toBlock}-${id}.sqlite`,
          chainId,
          fromBlock,
          toBlock,
          minTime,
          maxTime,
          recentMinutes: lastHourOf(perMinute, maxTime),
          events: canonical,
          removed: rows - canonical,
          counts,
          bytes: encoded.length,
          sha256: imageHashOf(encoded),
          bloomSha256: createHash('sha256').update(bloom.bits).digest('hex'),
          bloomBytes: bloom.bits.length,
        },
      };
    },
    discard() {
      inserter?.free();
      db.close();
    },
  };
}

/** The per-minute counts of the hour that ends with the segment's newest row. */
function lastHourOf(
  perMinute: Map<number, number>,
  maxTime: number | null,
): Record<string, number> {
  const recent: Record<string, number> = {};
  if (maxTime === null) return recent;
  const since = Math.floor(maxTime / 60) * 60 - 59 * 60;
  for (const [minute, count] of perMinute) if (minute >= since) recent[minute] = count;
  return recent;
}

/** Builds a segment in one step from rows already selected (a seal of the head, a merge). */
export function buildSegment(
  SQL: SqlJsStatic,
  identity: { id: number; chainId: number },
  events: readonly EventTuple[],
  blocks: readonly BlockTuple[],
): BuiltSegment {
  const builder = createSegmentBuilder(SQL, identity.chainId, events.length);
  try {
    builder.append(packRows(events, eventColumnCount), blocks);
  } catch (error) {
    builder.discard();
    throw error;
  }
  return builder.finish(identity.id);
}

/** The SHA-256 of the image, as the envelope's header records it. */
function imageHashOf(encoded: Uint8Array): string {
  return Buffer.from(encoded.buffer, encoded.byteOffset + 8, 32).toString('hex');
}

export const bloomFileOf = (segmentFile: string): string => `${segmentFile}.bloom`;

/** A built segment's two files, each written first under its name with .tmp, then renamed. */
function segmentFiles(dir: string, segment: BuiltSegment): { path: string; bytes: Uint8Array }[] {
  return [
    { path: join(dir, segment.summary.file), bytes: segment.image },
    { path: join(dir, bloomFileOf(segment.summary.file)), bytes: segment.bloom },
  ];
}

/** Writes a built segment and its filter durably (not yet listed anywhere). */
export function writeSegment(dir: string, segment: BuiltSegment): void {
  for (const { path, bytes } of segmentFiles(dir, segment)) {
    writeFileDurably(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
  fsyncDirectory(dir);
}

/**
 * writeSegment without holding the calling thread: both files are written and flushed at once on
 * libuv's threads. The segment builder's thread spent a fifth of a backfill blocked in these
 * writes and flushes, time it now spends building the next segment.
 */
export async function writeSegmentAsync(dir: string, segment: BuiltSegment): Promise<void> {
  const files = segmentFiles(dir, segment);
  await Promise.all(files.map(({ path, bytes }) => writeFileDurablyAsync(`${path}.tmp`, bytes)));
  for (const { path } of files) await rename(`${path}.tmp`, path);
  await fsyncDirectoryAsync(dir);
}

export type SegmentReadResult<T> = { ok: T } | { damaged: string };

/** Opens a sealed segment as an in-memory database, after checking it is the file listed. */
export function openSegment(
  SQL: SqlJsStatic,
  dir: string,
  summary: SegmentSummary,
  /** Hash the whole image (at a segment's first open in a process; reopens skip it). */
  verifyChecksum = true,
): SegmentReadResult<Database> {
  const path = join(dir, summary.file);
  if (!existsSync(path)) return { damaged: 'missing: the file listed in the manifest is gone' };
  const file = readFileSync(path);
  if (file.length !== summary.bytes)
    return {
      damaged: `truncated or grown: ${file.length} bytes, the manifest lists ${summary.bytes}`,
    };
  const decoded = decodeSnapshot(file, { verifyChecksum });
  if ('reason' in decoded) return { damaged: decoded.reason };
  // The envelope's own hash covers the image (checked by decodeSnapshot); matching it with the
  // manifest's tells the file listed from another valid segment put in its place.
  if (imageHashOf(file) !== summary.sha256)
    return { damaged: 'not the segment the manifest lists (another image in its place)' };
  return { ok: openSealedImage(SQL, decoded.image) };
}

export function readSegmentBloom(
  dir: string,
  summary: SegmentSummary,
): SegmentReadResult<Uint8Array> {
  const path = join(dir, bloomFileOf(summary.file));
  if (!existsSync(path)) return { damaged: 'its Bloom filter file is missing' };
  const bits = readFileSync(path);
  if (createHash('sha256').update(bits).digest('hex') !== summary.bloomSha256)
    return { damaged: 'its Bloom filter file does not match the manifest' };
  return { ok: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength) };
}
