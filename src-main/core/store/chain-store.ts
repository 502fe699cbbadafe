// The chain-data store: a small in-memory head (sql.js) for what is recent or not yet final,
// recovered at start from its last image plus an append-only log of what was ingested since;
// and immutable sealed segments on disk for final ranges, listed in a manifest (a base and a log
// of edits, see segment-manifest.ts). Its cost grows with new data, never with history: an
// ingested batch writes one log record; a seal writes one segment, one manifest edit and the
// (small) head image once.
// Everything here can be fetched from the chain again; nothing of it is journaled.
//
// Crash safety, in the order things reach the disk:
// - seal: segment file → manifest (listing it, lastSeal = next head generation) → head image of
//   that generation → a new, empty log of that generation. A start that finds the manifest
//   ahead of the head image cuts the head again (the rows are in the segment).
// - a log whose generation is older than the head image's is already inside the image.
// - a backfill segment: written whole on the builder's thread (segment-build-thread.ts), then
//   listed here in the manifest, then its cursors logged; listed in the order builds began, so
//   a cursor in the manifest never passes rows still being built.
// - merge, repair, purge, retention: new segment files → manifest without the old ones → old
//   files deleted. Files the manifest does not list are leftovers of an interrupted step and
//   are deleted.
// - unseal (a range reopened for a deep reorg or a repair): the rows go into the log, which is
//   fsync'd, then the manifest drops the segments; replay finishes an unseal the manifest missed.
//   The log is not fsync'd record by record, so without that fsync a power cut could keep the
//   manifest (fsync'd) and lose the record: the rows would be in neither, behind cursors that
//   say they are stored, and never fetched again.
// - a damaged segment: the range to fetch again is logged and fsync'd, then the manifest drops
//   the segment (the same reason: a manifest without the segment and a log without the range
//   would forget the range). A start that finds it still listed finds it damaged again.
// In general: a write that relies on another is made after that one is durable. The manifest is
// fsync'd before a log record that relies on it (a backfill segment's cursors); a log record is
// fsync'd before a manifest that relies on it (the two above).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { Logger } from '../ports/index.ts';
import type { EventRow, Reconciliation, ReorgRecord, Retention } from '../../ipc/contract.ts';
import { bloomFilter, type BloomFilter } from './bloom.ts';
import {
  applyCanonicalRange,
  blockHeaderAt,
  commitChainData,
  comparePositions,
  countEvents,
  decodeCursor,
  encodeCursor,
  eventBlocksAtOrBelow,
  eventByIdentity,
  eventsFromPackedRows,
  eventsPerMinute,
  packEventRows,
  positionOf,
  queryEventsIn,
  ROWS_BOUND_IN_PLACE_FROM,
  storedBlockHash,
  storedIdentities,
  type BlockHeader,
  type CanonicalRange,
  type ChainDataBatch,
  type ChainDataCommitResult,
  type EventIdentity,
  type EventPosition,
  type EventsQuery,
} from './chain-data.ts';
import { headSchemaSql, OLD_HEAD_INDEXES_SQL } from './chain-schema.ts';
import {
  configureDatabase,
  inTransaction,
  openDatabase,
  openDatabaseWithRoom,
  selectAll,
  selectOne,
} from './database.ts';
import { fileBytes, writeFileDurably, type SealedFiles } from './durable-file.ts';
import {
  appendToIngestLog,
  readIngestLog,
  startIngestLog,
  type BinaryRecords,
  type IngestLog,
} from './ingest-log.ts';
import { readPackedRecord, writePackedRecord, type PackedRows } from './packed-rows.ts';
import { createSegmentBuildThread } from './segment-build-thread.ts';
import { createSegmentCache } from './segment-cache.ts';
import {
  bloomFileOf,
  buildSegment,
  type BuiltSegment,
  insertEventTuples,
  openSegment,
  readSegmentBloom,
  selectBlockTuples,
  selectEventTuples,
  writeSegment,
  type BlockTuple,
  type EventTuple,
  type SegmentSummary,
  BLOCK_NUMBER,
  CONTRACT,
  STATUS,
  TIMESTAMP,
} from './segment-file.ts';
import {
  emptyManifest,
  editLogPathOf,
  openManifestWriter,
  readManifest,
  type SegmentManifest,
} from './segment-manifest.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import type { IntegrityProblem, StoreIntegrity } from './record-seal.ts';
import {
  insertReorg,
  listReconciliations,
  listReorgs,
  countReorgs,
  saveReconciliation,
  type NewReconciliation,
  type NewReorg,
} from './sync-log.ts';

export interface ChainStoreTuning {
  /** Final rows of a chain in the head that make a seal worth writing. */
  sealMinEvents?: number;
  /** A chain's final rows are sealed at least this often, however few (0: only by count). */
  sealMaxAgeMs?: number;
  /** Segments are cut and merged to about this many rows. */
  segmentTargetEvents?: number;
  /** Memory for opened segments. */
  segmentCacheBytes?: number;
  /** The head image is rewritten once its log has grown this large. */
  headLogMaxBytes?: number;
}

export interface ChainStoreProblem {
  /** What was found, in words for the operator. */
  message: string;
  path: string;
  movedTo?: string;
}

/** A block range whose stored events were lost (a damaged segment) and must be fetched again. */
export interface RefetchRange {
  chainId: number;
  fromBlock: number;
  toBlock: number;
  contractIds: string[];
}

/** Rows of one contract that retention deleted from one sealed segment. */
export interface RetentionDeletion {
  contractId: string;
  segmentFile: string;
  rows: number;
  fromBlock: number;
  toBlock: number;
}

export interface ChainStoreStats {
  segments: number;
  segmentBytes: number;
  headEvents: number;
  headBytes: number;
  openSegments: number;
  openSegmentBytes: number;
  /** Bytes this process has written for chain data (log, images, segments, manifest). */
  bytesWritten: number;
}

export interface ChainStore {
  readonly problems: readonly ChainStoreProblem[];
  /** The manifest, if it failed its MAC at open (quarantined; its chain data is fetched again). */
  readonly forged: readonly IntegrityProblem[];
  /** Writes the manifest again, sealed with the key: a directory adopted once. */
  sealManifest(): void;
  commit(batch: ChainDataBatch): ChainDataCommitResult;
  /**
   * Makes a range equal to the canonical chain (see chain-data.ts) and, when `reorg` is given,
   * records it with its counts filled in; sealed segments in the range come back into the head.
   */
  applyCanonicalRange(
    range: CanonicalRange,
    reorg?: Omit<NewReorg, 'eventsRemoved' | 'eventsAdded'>,
  ): { removed: EventRow[]; added: EventRow[]; reorg: ReorgRecord | undefined };
  saveReconciliation(result: NewReconciliation, id?: number): Reconciliation;
  listReconciliations(filter: { chainId?: number; id?: number; limit: number }): Reconciliation[];
  listReorgs(chainId: number | undefined, limit: number): ReorgRecord[];
  countReorgs(chainId: number): number;
  queryEvents(query: EventsQuery): { rows: EventRow[]; nextCursor?: string };
  blockHeaderAt(chainId: number, number: number): BlockHeader | undefined;
  storedBlockHash(chainId: number, number: number): string | undefined;
  eventBlocksAtOrBelow(
    chainId: number,
    atOrBelow: number,
    limit: number,
  ): { number: number; hash: string }[];
  storedIdentities(
    chainId: number,
    contractIds: readonly string[],
    fromBlock: number,
    toBlock: number,
  ): EventIdentity[];
  /** The stored event (canonical or removed) with this identity. */
  eventByIdentity(chainId: number, blockHash: string, logIndex: number): EventRow | undefined;
  countEvents(): Map<number, number>;
  eventsPerMinute(chainId: number, minutes: number): { minute: number; count: number }[];
  /** Each contract's cursor on a chain (absent: nothing ingested yet). */
  cursors(chainId: number): Map<string, number>;
  /** Drops every row of contracts (and chains) the operator no longer watches. */
  purge(keep: { contractIds: ReadonlySet<string>; chainIds: ReadonlySet<number> }): void;
  /**
   * Deletes sealed rows older than each contract's retention (days: by block time before
   * `nowSeconds`; events: beyond its newest N). The head is never touched: it is recent.
   */
  applyRetention(policies: ReadonlyMap<string, Retention>, nowSeconds: number): RetentionDeletion[];
  /** Ranges lost with a damaged segment, waiting to be fetched again. */
  pendingRefetches(): RefetchRange[];
  /** A lost range was fetched again (through applyCanonicalRange). */
  refetched(range: RefetchRange): void;
  /** Seals what is final and big enough, merges small segments, rewrites a long log. */
  maintain(now?: number): { sealed: number; merged: number };
  stats(): ChainStoreStats;
  /** The sealed segments and their filters, as the manifest lists them. */
  sealedFiles(): SealedFiles;
  /** Writes the head image (at close, so the next start replays nothing). */
  checkpoint(): void;
  close(options?: { checkpoint?: boolean }): void;
}

type HeadRecord =
  /** packedEvents: the batch's events packed (packEventRows), for its insert and its log record. */
  | { t: 'commit'; batch: ChainDataBatch; packedEvents?: PackedRows }
  | {
      t: 'canonical';
      range: CanonicalRange;
      reorg?: Omit<NewReorg, 'eventsRemoved' | 'eventsAdded'>;
    }
  | { t: 'reconciliation'; result: NewReconciliation; id?: number }
  | { t: 'purge'; contractIds: string[]; chainIds: number[] }
  | { t: 'unseal'; segmentIds: number[]; events: EventTuple[]; blocks: BlockTuple[] }
  | { t: 'refetch'; range: RefetchRange; done: boolean };

/** The kind byte of a head log record whose commit's rows are written packed. */
const PACKED_COMMIT = 1;

/**
 * A commit of many rows (a dense chain's unconfirmed blocks, thousands of rows a batch) is logged
 * with its rows packed as they were for its insert; JSON of 12,000 rows as objects took 45 ms.
 * Every other record is JSON, and logs written before hold only JSON.
 */
const headRecordsBinary: BinaryRecords<HeadRecord> = {
  encode(record) {
    if (record.t !== 'commit' || !record.packedEvents) return undefined;
    const { events: _events, ...rest } = record.batch;
    return writePackedRecord(PACKED_COMMIT, rest, record.packedEvents);
  },
  decode(payload) {
    if (payload[0] !== PACKED_COMMIT)
      throw new Error(`The head log has a record of an unknown kind (${payload[0]}).`);
    const { header, packed } = readPackedRecord(payload);
    const rest = header as Omit<ChainDataBatch, 'events'>;
    return {
      t: 'commit',
      batch: { ...rest, events: eventsFromPackedRows(packed) },
      packedEvents: packed,
    };
  },
};

const HEAD_FILE = 'head.sqlite';
const LOG_FILE = 'head.log';
const MANIFEST_FILE = 'manifest.json';
const SEGMENTS_DIR = 'segments';
const DAMAGED_DIR = 'damaged';

const defaults = {
  sealMinEvents: 20_000,
  sealMaxAgeMs: 60 * 60_000,
  // About 4.6 MB a segment with its indexes (919 bytes a row): opened (read, checked and loaded
  // into sql.js) in about 5 ms, which is what a page pays when its segment is not in the cache.
  // At twice the size (and with a second copy of each image, since saved) a random block range
  // over 5M events took 71 ms at p95; now under 40.
  segmentTargetEvents: 5_000,
  // Segments kept open (their images in memory) for pages read again. Look-ups across the whole
  // history rarely read a segment twice, and at 256 MB 200 of them at 5M events left the process
  // at 550–700 MB, over the 500 MB an idle Vigil may hold; at 96 MB, about 390 MB, and 330–360 MB
  // with the small page cache of openSealedImage. That still holds about 20 full segments, more
  // than the pages an operator pages through near the newest.
  segmentCacheBytes: 96 * 1024 * 1024,
  headLogMaxBytes: 64 * 1024 * 1024,
};

/**
 * Room for the head's file to grow into without copies, at least (as much again as its image if
 * larger): a 1M-event backfill leaves 48,000 rows not yet final in it, about 60 MB.
 */
const HEAD_ROOM_BYTES = 128 * 1024 * 1024;

/** An empty head: its tables and indexes, as an image. */
function emptyHeadImage(SQL: SqlJsStatic): Uint8Array {
  const db = openDatabase(SQL);
  try {
    db.run(headSchemaSql);
    return db.export();
  } finally {
    db.close();
  }
}

/** Segments handed to the builder's thread and not yet written, before the engine waits. */
const SEGMENTS_WRITING_AT_MOST = 3;

/** Named steps of the writes above, where crash tests stop the process (see crashPoint). */
export type ChainStoreCrashPoint =
  | 'seal.segment-written'
  | 'seal.manifest-written'
  | 'seal.head-written'
  | 'merge.segment-written'
  | 'merge.manifest-written'
  | 'unseal.logged'
  | 'unseal.manifest-written'
  | 'damaged.logged'
  | 'damaged.manifest-written'
  | 'head.image-written';

export async function openChainStore(parts: {
  SQL: SqlJsStatic;
  dir: string;
  log: Logger;
  tuning?: ChainStoreTuning;
  /** Fault injection for crash tests: called at each named step; may end the process. */
  crashPoint?: (point: ChainStoreCrashPoint) => void;
  /** The data directory's MAC key: the manifest is sealed with it and checked against it. */
  integrity?: StoreIntegrity;
}): Promise<ChainStore> {
  const { SQL, dir, log } = parts;
  const crashPoint = parts.crashPoint ?? (() => undefined);
  const tuning = { ...defaults, ...parts.tuning };
  const segmentsDir = join(dir, SEGMENTS_DIR);
  mkdirSync(segmentsDir, { recursive: true });
  const problems: ChainStoreProblem[] = [];
  const forged: IntegrityProblem[] = [];
  let bytesWritten = 0;

  /** Moves a damaged file into damaged/ (or copies it there, for a log cut in place). */
  const moveAside = (path: string, reason: string, how: 'move' | 'copy' = 'move'): string => {
    const damagedDir = join(dir, DAMAGED_DIR);
    mkdirSync(damagedDir, { recursive: true });
    const movedTo = join(damagedDir, `${path.split('/').pop()}.${Date.now()}`);
    if (how === 'move') renameSync(path, movedTo);
    else copyFileSync(path, movedTo);
    problems.push({ message: reason, path, movedTo });
    log.error(`${reason}; ${how === 'move' ? 'moved' : 'copied'} aside to ${movedTo}.`, {
      path,
      movedTo,
    });
    return movedTo;
  };

  // ---- the manifest -----------------------------------------------------------------------
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifest: SegmentManifest;
  let lostAllSegments = false;
  const editLogPath = editLogPathOf(manifestPath);
  const readResult = readManifest(manifestPath, { integrity: parts.integrity });
  let manifestRead = { editLogBytes: 0, edits: 0 };
  if ('manifest' in readResult) {
    manifest = readResult.manifest;
    manifestRead = readResult;
  } else {
    manifest = emptyManifest();
    // An edit log whose base is missing or not trusted is set aside with it, never replayed
    // over the new base started below (which could reuse its generation).
    if (existsSync(editLogPath))
      moveAside(
        editLogPath,
        `The segment manifest's edit log ${editLogPath} is set aside with its base`,
      );
    if ('damaged' in readResult) {
      // Without a trusted list no segment can be trusted either: all of it is fetched again.
      const movedTo = moveAside(
        manifestPath,
        `The segment manifest ${manifestPath} is damaged (${readResult.damaged})`,
      );
      if (readResult.forged)
        forged.push({
          record: 'chain-manifest',
          path: manifestPath,
          message: `The chain segment manifest ${manifestPath} fails its MAC: it was edited outside Vigil. It was not used (kept as ${movedTo}); the chain data it listed is fetched again.`,
          quarantinedTo: movedTo,
        });
      for (const name of readdirSync(segmentsDir))
        moveAside(join(segmentsDir, name), `Segment ${name} is not listed in a trusted manifest`);
      lostAllSegments = true;
    }
  }
  const manifestWriter = openManifestWriter(
    manifestPath,
    { manifest, ...manifestRead },
    parts.integrity,
  );
  /**
   * Makes the manifest in memory the one on disk (one edit appended, or a new base); `change`,
   * when the caller knows it, spares comparing the lists before and after.
   */
  const saveManifest = (change?: { add: SegmentSummary[]; remove: number[] }): void => {
    const saved = manifestWriter.save(manifest, change);
    manifest = saved.manifest;
    bytesWritten += saved.bytesWritten;
  };

  // Leftovers of an interrupted write or merge: files the manifest does not list.
  const listed = new Set(
    manifest.segments.flatMap((segment) => [segment.file, bloomFileOf(segment.file)]),
  );
  for (const name of readdirSync(segmentsDir))
    if (!listed.has(name)) rmSync(join(segmentsDir, name), { force: true });

  // ---- the head ---------------------------------------------------------------------------
  const headPath = join(dir, HEAD_FILE);
  const logPath = join(dir, LOG_FILE);
  let headGeneration = 0;
  let head: Database;
  let headLost = false;
  {
    let image: Uint8Array | undefined;
    if (existsSync(headPath)) {
      const decoded = decodeSnapshot(readFileSync(headPath));
      if ('image' in decoded) image = decoded.image;
      else {
        moveAside(headPath, `The chain head image ${headPath} is damaged (${decoded.reason})`);
        headLost = true;
      }
    }
    head = openHead(image ?? emptyHeadImage(SQL));
    if (image) headGeneration = Number(headMeta(head, 'generation') ?? 0);
  }

  /** Open for appending once the head is recovered. */
  let appendLog: IngestLog<HeadRecord> | undefined;
  const cachedBlooms = new Map<number, BloomFilter>();
  /** Segments whose whole image was hashed once in this process; reopening one skips that. */
  const verifiedSegments = new Set<number>();
  const cache = createSegmentCache(tuning.segmentCacheBytes);
  /** Filter sizes of segments listed before the manifest recorded them (see sealedFiles). */
  const bloomSizes = new Map<number, number>();
  /** Events per chain, counted once and kept up to date (undefined: count again). */
  let eventCounts: Map<number, number> | undefined;

  // Replays the log over the image, unless the image already holds it (an older generation)
  // or the image was lost (the log alone means nothing without it).
  const opened = readIngestLog<HeadRecord>(logPath, {
    binary: headRecordsBinary,
    // Records written whole are kept before they are cut: a later release's, or damage.
    beforeCuttingDamage: (path) =>
      moveAside(
        path,
        'The chain head log has a record this release cannot read, or damage before its end; the log is cut there and what it held after is fetched again',
        'copy',
      ),
  });
  if (opened.droppedTailBytes > 0 && !opened.damagedMidway && !opened.undecodable)
    log.warn(
      `The chain head log ended in ${opened.droppedTailBytes} bytes of a torn write; cut off (that tail is fetched again).`,
    );
  const unsealedIds = new Set<number>();
  if (!headLost && opened.generation === headGeneration) {
    for (const record of opened.records) {
      applyRecord(record);
      if (record.t === 'unseal') for (const id of record.segmentIds) unsealedIds.add(id);
    }
  }
  let logNeedsRestart = headLost || opened.generation !== headGeneration;
  if (unsealedIds.size > 0 && manifest.segments.some((segment) => unsealedIds.has(segment.id))) {
    // The crash came between logging an unseal and dropping its segments from the manifest.
    removeSegmentsFromManifest(unsealedIds);
  }
  if (manifest.lastSeal && manifest.lastSeal.headGeneration > headGeneration && !headLost) {
    // The crash came between writing a seal's manifest and the head image after it.
    cutHead(manifest.lastSeal.chainId, manifest.lastSeal.throughBlock);
    headGeneration = manifest.lastSeal.headGeneration - 1;
    logNeedsRestart = true;
  }
  // Cursors are never behind what sealed data vouches for: a segment built from a backfill is
  // listed before its cursors are logged, and a crash between the two must not fetch (and so
  // store) its range twice. A lost head image falls back to these alone.
  inTransaction(head, () => {
    if (headLost || lostAllSegments) head.run('DELETE FROM cursors');
    for (const [chainId, cursors] of Object.entries(manifest.sealedCursors))
      for (const [contractId, through] of Object.entries(cursors))
        head.run(
          'INSERT INTO cursors (chain_id, contract_id, indexed_through) VALUES (?, ?, ?) ON CONFLICT (chain_id, contract_id) DO UPDATE SET indexed_through = max(indexed_through, excluded.indexed_through)',
          [Number(chainId), contractId, through],
        );
  });
  if (logNeedsRestart) writeHeadImage(headGeneration + 1);
  else appendLog = appendToIngestLog<HeadRecord>(logPath, headGeneration, headRecordsBinary);
  const headLog = (): IngestLog<HeadRecord> => appendLog!;

  const lastSealAt = new Map<number, number>();

  // ---- helpers over the head --------------------------------------------------------------

  /** The head from its image, with room to grow (see openDatabaseWithRoom). */
  function openHead(image: Uint8Array): Database {
    const db = openDatabaseWithRoom(SQL, image, Math.max(HEAD_ROOM_BYTES, image.length));
    configureHead(db);
    return db;
  }

  /**
   * The head's pages all stay in SQLite's cache: its indexes on hashes are written in random
   * order, and past the default 2 MB cache every page touched was copied in and out of sql.js's
   * in-memory file (inserts fell from 11k to 3k rows/s as the head grew to 80k rows).
   */
  function configureHead(db: Database): void {
    configureDatabase(db);
    db.run('PRAGMA cache_size = -262144');
    db.run(OLD_HEAD_INDEXES_SQL);
  }

  function headMeta(db: Database, key: string): string | undefined {
    return selectOne<{ value: string }>(db, 'SELECT value FROM head_meta WHERE key = ?', [key])
      ?.value;
  }

  function applyRecord(record: HeadRecord): unknown {
    switch (record.t) {
      case 'commit':
        return inTransaction(head, () =>
          commitChainData(head, record.batch, { SQL, packedEvents: record.packedEvents }),
        );
      case 'canonical':
        return inTransaction(head, () => {
          const changed = applyCanonicalRange(head, record.range, { SQL });
          const recorded = record.reorg
            ? insertReorg(head, {
                ...record.reorg,
                eventsRemoved: changed.removed.length,
                eventsAdded: changed.added.length,
              })
            : undefined;
          return { ...changed, reorg: recorded };
        });
      case 'reconciliation':
        return inTransaction(head, () => saveReconciliation(head, record.result, record.id));
      case 'purge':
        return inTransaction(head, () => purgeHead(record.contractIds, record.chainIds));
      case 'unseal':
        return inTransaction(head, () => {
          insertEventTuples(head, record.events, 'OR IGNORE');
          const insertBlock = head.prepare(
            'INSERT OR REPLACE INTO blocks (chain_id, number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?, ?)',
          );
          try {
            for (const block of record.blocks) insertBlock.run(block);
          } finally {
            insertBlock.free();
          }
        });
      case 'refetch':
        if (record.done)
          head.run('DELETE FROM head_meta WHERE key = ?', [refetchKey(record.range)]);
        else
          head.run('INSERT OR REPLACE INTO head_meta (key, value) VALUES (?, ?)', [
            refetchKey(record.range),
            JSON.stringify(record.range),
          ]);
        return undefined;
    }
  }

  function refetchKey(range: RefetchRange): string {
    return `refetch:${range.chainId}:${range.fromBlock}:${range.toBlock}`;
  }

  function purgeHead(contractIds: readonly string[], chainIds: readonly number[]): void {
    for (const id of contractIds) {
      head.run('DELETE FROM events WHERE contract_id = ?', [id]);
      head.run('DELETE FROM cursors WHERE contract_id = ?', [id]);
    }
    for (const chainId of chainIds) {
      for (const table of [
        'events',
        'blocks',
        'cursors',
        'chain_state',
        'reorgs',
        'reconciliations',
      ])
        head.run(`DELETE FROM ${table} WHERE chain_id = ?`, [chainId]);
    }
  }

  /** Applies a record to the head and logs it; the record is durable as far as a kill -9 goes. */
  function record<T>(entry: HeadRecord): T {
    const logged =
      entry.t === 'commit' &&
      !entry.packedEvents &&
      entry.batch.events.length >= ROWS_BOUND_IN_PLACE_FROM
        ? { ...entry, packedEvents: packEventRows(entry.batch.events) }
        : entry;
    const result = applyRecord(logged) as T;
    headLog().append(logged);
    return result;
  }

  /** Removes from the head what a seal through `throughBlock` moved into segments. */
  function cutHead(chainId: number, throughBlock: number): void {
    inTransaction(head, () => {
      head.run(
        "DELETE FROM events WHERE chain_id = ? AND block_number <= ? AND status != 'pending'",
        [chainId, throughBlock],
      );
      head.run('DELETE FROM blocks WHERE chain_id = ? AND number <= ?', [chainId, throughBlock]);
    });
  }

  /** Writes the head image of a new generation and starts that generation's empty log. */
  function writeHeadImage(generation: number): void {
    head.run('INSERT OR REPLACE INTO head_meta (key, value) VALUES (?, ?)', [
      'generation',
      String(generation),
    ]);
    const pages = selectOne<{ page_count: number }>(head, 'PRAGMA page_count')?.page_count ?? 0;
    const free =
      selectOne<{ freelist_count: number }>(head, 'PRAGMA freelist_count')?.freelist_count ?? 0;
    // Rows leave the head at every seal; without this its image would keep their pages.
    const vacuum = free > pages / 2;
    if (vacuum) head.run('VACUUM');
    const image = head.export();
    const encoded = encodeSnapshot(image);
    if (vacuum) {
      // VACUUM cut the head's file to its pages, and the room after them with it.
      head.close();
      head = openHead(image);
    } else {
      configureHead(head);
    }
    const temp = `${headPath}.tmp`;
    writeFileDurably(temp, encoded);
    renameSync(temp, headPath);
    // No fsync of the folder here: starting the log below renames in the same folder and
    // fsyncs it, which makes both renames durable. A power cut between them can leave the new
    // log with the old image; the start then ignores that log (wrong generation) and keeps the
    // old image, which is only losing the old log's records, and those were never fsync'd
    // anyway (what they held is fetched again). A seal's cut is redone from the manifest's
    // lastSeal, as after a crash at seal.manifest-written.
    bytesWritten += encoded.length;
    crashPoint('head.image-written');
    appendLog?.close();
    startIngestLog(logPath, generation);
    appendLog = appendToIngestLog<HeadRecord>(logPath, generation, headRecordsBinary);
    headGeneration = generation;
  }

  // ---- segments ---------------------------------------------------------------------------

  function removeSegmentsFromManifest(
    ids: ReadonlySet<number>,
    added: SegmentSummary[] = [],
  ): void {
    const removed = manifest.segments.filter((segment) => ids.has(segment.id));
    manifest = {
      ...manifest,
      segments: [...manifest.segments.filter((segment) => !ids.has(segment.id)), ...added].sort(
        (a, b) => a.chainId - b.chainId || a.fromBlock - b.fromBlock || a.id - b.id,
      ),
    };
    saveManifest();
    for (const segment of removed) {
      cache.drop(segment.id);
      cachedBlooms.delete(segment.id);
      rmSync(join(segmentsDir, segment.file), { force: true });
      rmSync(join(segmentsDir, bloomFileOf(segment.file)), { force: true });
    }
    eventCounts = undefined;
  }

  /** A damaged segment: moved aside, dropped from the manifest, its range fetched again. */
  function segmentDamaged(segment: SegmentSummary, reason: string): void {
    const path = join(segmentsDir, segment.file);
    const message = `Sealed segment ${segment.file} (chain ${segment.chainId}, blocks ${segment.fromBlock}–${segment.toBlock}) is damaged: ${reason}. Its range is fetched again from the chain`;
    if (existsSync(path)) moveAside(path, message);
    else {
      problems.push({ message, path });
      log.error(message);
    }
    const bloomPath = join(segmentsDir, bloomFileOf(segment.file));
    if (existsSync(bloomPath)) renameSync(bloomPath, `${bloomPath}.damaged-${Date.now()}`);
    const contractIds = [
      ...new Set(Object.keys(segment.counts).map((key) => key.slice(0, key.indexOf(' ')))),
    ];
    const range: RefetchRange = {
      chainId: segment.chainId,
      fromBlock: segment.fromBlock,
      toBlock: segment.toBlock,
      contractIds,
    };
    record({ t: 'refetch', range, done: false });
    headLog().sync();
    crashPoint('damaged.logged');
    removeSegmentsFromManifest(new Set([segment.id]));
    crashPoint('damaged.manifest-written');
  }

  function openedSegment(segment: SegmentSummary): Database | undefined {
    const cached = cache.get(segment.id);
    if (cached) return cached;
    const result = openSegment(SQL, segmentsDir, segment, !verifiedSegments.has(segment.id));
    if ('damaged' in result) {
      segmentDamaged(segment, result.damaged);
      return undefined;
    }
    verifiedSegments.add(segment.id);
    cache.put(segment.id, result.ok, segment.bytes);
    return result.ok;
  }

  function bloomOf(segment: SegmentSummary): BloomFilter | undefined {
    const cached = cachedBlooms.get(segment.id);
    if (cached) return cached;
    const result = readSegmentBloom(segmentsDir, segment);
    if ('damaged' in result) {
      segmentDamaged(segment, result.damaged);
      return undefined;
    }
    const filter = bloomFilter(result.ok);
    cachedBlooms.set(segment.id, filter);
    return filter;
  }

  function newSegment(chainId: number, events: EventTuple[], blocks: BlockTuple[]): SegmentSummary {
    return writeBuilt(buildSegment(SQL, { id: manifest.nextSegmentId, chainId }, events, blocks));
  }

  function writeBuilt(built: BuiltSegment): SegmentSummary {
    manifest = { ...manifest, nextSegmentId: manifest.nextSegmentId + 1 };
    writeSegment(segmentsDir, built);
    bytesWritten += built.image.length + built.bloom.length;
    return built.summary;
  }

  // ---- final backfill ranges, built straight into segments --------------------------------
  //
  // A batch that is wholly final (a backfill far behind the head) skips the head and its log:
  // its rows go to a segment built on the builder's thread (segment-build-thread.ts), with no
  // log record. Its cursors are held back until that segment is written and listed, then
  // logged; a crash before loses the rows and the cursor advance together, and the range is
  // fetched again. Segments are listed in the order they were started, so a listed cursor
  // never passes rows still being built. A batch for the head waits until its chain's builds
  // are listed, so the head's cursors never pass unsealed rows either.
  //
  // Rows on the builder's thread cannot be read here: a read over their blocks first waits for
  // their segment to be written and lists it (settleBuilds), so every read sees every row
  // committed. An event just fired on is found without waiting (byIdentity).

  interface PendingBuild {
    buildId: number;
    chainId: number;
    rows: number;
    fromBlock: number;
    toBlock: number;
    cursors: Map<string, number>;
    confirmedThrough: number;
    lastAppendAt: number;
    /**
     * Its rows by block hash, then at their log index: an event just fired on is read before it
     * is listed. Keyed a block at a time, not by a text of hash and index a row (the rows of a
     * block share its hash), so holding a dense build's rows makes no string a row.
     */
    byIdentity: Map<string, EventRow[]>;
  }
  const builds = new Map<number, PendingBuild>();
  /** Builds finished and being written by the builder's thread, oldest first. */
  const sealing: (PendingBuild & { segmentId: number })[] = [];
  const buildThread = createSegmentBuildThread(segmentsDir);

  /** Builds of a chain whose rows are not listed yet: being built, or being written. */
  const unlistedBuilds = (chainId: number | undefined): PendingBuild[] =>
    [...sealing, ...builds.values()].filter(
      (build) => chainId === undefined || build.chainId === chainId,
    );

  /** Lists every build of the chain (or all) whose rows overlap the blocks, waiting for them. */
  function settleBuilds(
    chainId: number | undefined,
    fromBlock = -Infinity,
    toBlock = Infinity,
  ): void {
    const overlapping = unlistedBuilds(chainId).filter(
      (build) => build.fromBlock <= toBlock && build.toBlock >= fromBlock,
    );
    if (overlapping.length === 0) return;
    for (const build of overlapping)
      if (builds.get(build.chainId) === build) sealBuild(build.chainId);
    listWrittenBuilds(0);
  }

  /** The chains whose unsealed rows the head holds that a read of `chainId` (or all) covers. */
  function headChainIds(chainId: number | undefined): number[] {
    return chainId === undefined
      ? selectAll<{ chain_id: number }>(head, 'SELECT DISTINCT chain_id FROM cursors').map(
          (row) => row.chain_id,
        )
      : [chainId];
  }

  function buildable(batch: ChainDataBatch): boolean {
    if (batch.confirmedThrough === undefined || batch.events.length === 0) return false;
    for (const event of batch.events)
      if (event.status !== 'confirmed' || event.blockNumber > batch.confirmedThrough) return false;
    for (const block of batch.blocks) if (block.number > batch.confirmedThrough) return false;
    // Pending rows the batch would confirm live in the head: let the head take it.
    return (
      selectOne(
        head,
        "SELECT 1 AS found FROM events WHERE chain_id = ? AND status = 'pending' AND block_number <= ? LIMIT 1",
        [batch.chainId, batch.confirmedThrough],
      ) === undefined
    );
  }

  function addToBuild(batch: ChainDataBatch): ChainDataCommitResult {
    // Segments are cut at a block boundary near their target size whatever the batches' size
    // (a backfill range can hold several targets' worth): a look-up that misses the cache reads,
    // hashes and loads one whole segment, and that time grows with the segment.
    let events = [...batch.events].sort((a, b) => a.blockNumber - b.blockNumber);
    const appended: EventRow[] = [];
    let after = -Infinity;
    while (events.length > 0) {
      const room = tuning.segmentTargetEvents - (builds.get(batch.chainId)?.rows ?? 0);
      // Rows below the block of the first row that does not fit; a block larger than a whole
      // segment goes into one alone.
      let cutBlock = events.length > room ? events[Math.max(room, 0)]!.blockNumber : Infinity;
      if (cutBlock === events[0]!.blockNumber) {
        if (builds.has(batch.chainId)) {
          sealBuild(batch.chainId);
          continue;
        }
        cutBlock = events.find((event) => event.blockNumber > cutBlock)?.blockNumber ?? Infinity;
      }
      const through = cutBlock === Infinity ? undefined : cutBlock - 1;
      const below = events.filter((event) => event.blockNumber < cutBlock);
      for (const event of appendToBuild(batch, below, after, through)) appended.push(event);
      events = events.filter((event) => event.blockNumber >= cutBlock);
      after = cutBlock - 1;
    }
    listWrittenBuilds();
    return { inserted: appended, confirmed: [] };
  }

  /**
   * Appends rows of a batch to its chain's segment being built, with the batch's block headers
   * above `after`; `through` (when the rest of the batch goes to the next segment) also holds
   * the batch's headers and cursors back to the last block appended. Returns the events appended:
   * a segment has no unique index to refuse a row twice (see chain-schema.ts), so one whose
   * identity the segment being built holds already (a provider may list a log twice) is left out.
   * A block is never split between segments, so the one being built is where a repeat would be.
   */
  function appendToBuild(
    batch: ChainDataBatch,
    batchEvents: readonly ChainDataBatch['events'][number][],
    after: number,
    through: number | undefined,
  ): EventRow[] {
    let build = builds.get(batch.chainId);
    if (!build) {
      build = {
        buildId: buildThread.begin(batch.chainId, tuning.segmentTargetEvents),
        chainId: batch.chainId,
        rows: 0,
        fromBlock: Infinity,
        toBlock: -Infinity,
        cursors: new Map(),
        confirmedThrough: batch.confirmedThrough!,
        lastAppendAt: Date.now(),
        byIdentity: new Map(),
      };
      builds.set(batch.chainId, build);
    }
    const lastBlock = through ?? Infinity;
    const blocks: BlockTuple[] = batch.blocks
      .filter((block) => block.number > after && block.number <= lastBlock)
      .map((block) => [batch.chainId, block.number, block.hash, block.parentHash, block.timestamp]);
    const events: EventRow[] = [];
    let blockHash: string | undefined;
    let ofBlock: EventRow[] = [];
    for (const event of batchEvents) {
      if (event.blockHash !== blockHash) {
        blockHash = event.blockHash;
        const known = build.byIdentity.get(blockHash);
        if (known) ofBlock = known;
        else build.byIdentity.set(blockHash, (ofBlock = []));
      }
      if (ofBlock[event.logIndex] !== undefined) continue;
      ofBlock[event.logIndex] = event;
      events.push(event);
      if (event.blockNumber < build.fromBlock) build.fromBlock = event.blockNumber;
      if (event.blockNumber > build.toBlock) build.toBlock = event.blockNumber;
    }
    buildThread.append(build.buildId, packEventRows(events), blocks);
    for (const block of blocks) {
      if (block[1] < build.fromBlock) build.fromBlock = block[1];
      if (block[1] > build.toBlock) build.toBlock = block[1];
    }
    build.rows += events.length;
    for (const cursor of batch.cursors)
      build.cursors.set(cursor.contractId, Math.min(cursor.indexedThrough, lastBlock));
    build.confirmedThrough = Math.max(build.confirmedThrough, batch.confirmedThrough!);
    build.lastAppendAt = Date.now();
    if (eventCounts)
      eventCounts.set(batch.chainId, (eventCounts.get(batch.chainId) ?? 0) + events.length);
    if (build.rows >= tuning.segmentTargetEvents) sealBuild(batch.chainId);
    return events;
  }

  /** Hands the chain's segment being built to the builder's thread to finish and write. */
  function sealBuild(chainId: number): void {
    const build = builds.get(chainId);
    if (!build) return;
    builds.delete(chainId);
    const segmentId = manifest.nextSegmentId;
    manifest = { ...manifest, nextSegmentId: segmentId + 1 };
    buildThread.finish(build.buildId, segmentId);
    sealing.push({ ...build, segmentId });
    // When the builder falls behind, the engine waits for it rather than queueing rows without
    // bound. Three segments handed over and not yet written (15,000 rows, about 15 MB queued)
    // keep both threads busy: with one, each waited for the other at every segment (the engine
    // thread spent 23 % of a backfill waiting, the builder 22 % idle; 1M: 32–36k → 38k ev/s).
    listWrittenBuilds(SEGMENTS_WRITING_AT_MOST);
  }

  /**
   * Lists the segments the builder's thread has written, oldest first, each followed by the
   * cursors it vouches for, blocking until no more than `leaveUnlisted` builds are still
   * being written (0: every one handed over is listed).
   */
  function listWrittenBuilds(leaveUnlisted = Infinity): void {
    const written: { build: PendingBuild; summary: SegmentSummary }[] = [];
    while (sealing.length > 0) {
      const next = sealing[0]!;
      const reply =
        sealing.length > leaveUnlisted
          ? buildThread.waitFor(next.buildId)
          : buildThread.poll(next.buildId);
      if (!reply) break;
      sealing.shift();
      if ('error' in reply) {
        listSegments(written.splice(0));
        buildFailed(next, reply.error);
        continue;
      }
      written.push({ build: next, summary: reply.summary });
    }
    listSegments(written);
  }

  /**
   * Lists written segments in the manifest in one edit, then records the cursors they vouch for.
   * One edit for all that are written (not one each): every manifest edit is flushed to disk, and
   * on a file system that orders data before metadata (ext4's default) that flush waited for the
   * segment files still being written, about 30 ms each, 6 s of a 1M-event backfill.
   */
  function listSegments(written: { build: PendingBuild; summary: SegmentSummary }[]): void {
    if (written.length === 0) return;
    for (const { summary } of written) bytesWritten += summary.bytes + (summary.bloomBytes ?? 0);
    crashPoint('seal.segment-written');
    const sealedCursors = { ...manifest.sealedCursors };
    for (const { build } of written) {
      const chainCursors = { ...sealedCursors[build.chainId] };
      for (const [contractId, through] of build.cursors)
        chainCursors[contractId] = Math.max(chainCursors[contractId] ?? -1, through);
      sealedCursors[build.chainId] = chainCursors;
    }
    const added = written.map(({ summary }) => summary);
    manifest = { ...manifest, segments: [...manifest.segments, ...added], sealedCursors };
    saveManifest({ add: added, remove: [] });
    crashPoint('seal.manifest-written');
    for (const { build } of written)
      record({
        t: 'commit',
        batch: {
          chainId: build.chainId,
          events: [],
          blocks: [],
          cursors: [...build.cursors].map(([contractId, indexedThrough]) => ({
            contractId,
            indexedThrough,
          })),
          confirmedThrough: build.confirmedThrough,
        },
      });
  }

  /**
   * A segment the builder could not write (its disk full, say): its rows are not stored, and
   * builds after it may already vouch for later blocks, so its range is fetched again, as a
   * damaged segment's is.
   */
  function buildFailed(build: PendingBuild, reason: string): void {
    const message = `Building a segment of chain ${build.chainId} (blocks ${build.fromBlock}–${build.toBlock}) failed: ${reason}. Its range is fetched again from the chain`;
    problems.push({ message, path: segmentsDir });
    log.error(message);
    eventCounts = undefined;
    if (build.rows === 0) return;
    record({
      t: 'refetch',
      range: {
        chainId: build.chainId,
        fromBlock: build.fromBlock,
        toBlock: build.toBlock,
        contractIds: [...build.cursors.keys()],
      },
      done: false,
    });
  }

  /** Seals a chain's final head rows through `throughBlock` into one segment. */
  function seal(chainId: number, throughBlock: number): void {
    const where = "chain_id = ? AND block_number <= ? AND status != 'pending'";
    const events = selectEventTuples(head, where, [chainId, throughBlock]);
    const blocks = selectBlockTuples(head, 'chain_id = ? AND number <= ?', [chainId, throughBlock]);
    if (events.length === 0 && blocks.length === 0) return;
    const summary = newSegment(chainId, events, blocks);
    crashPoint('seal.segment-written');
    const cursors: Record<string, number> = { ...manifest.sealedCursors[chainId] };
    for (const row of selectAll<{ contract_id: string; indexed_through: number }>(
      head,
      'SELECT contract_id, indexed_through FROM cursors WHERE chain_id = ?',
      [chainId],
    ))
      cursors[row.contract_id] = Math.max(
        cursors[row.contract_id] ?? -1,
        Math.min(row.indexed_through, throughBlock),
      );
    manifest = {
      ...manifest,
      segments: [...manifest.segments, summary],
      lastSeal: { chainId, throughBlock, headGeneration: headGeneration + 1 },
      sealedCursors: { ...manifest.sealedCursors, [chainId]: cursors },
    };
    saveManifest({ add: [summary], remove: [] });
    crashPoint('seal.manifest-written');
    cutHead(chainId, throughBlock);
    writeHeadImage(headGeneration + 1);
    crashPoint('seal.head-written');
  }

  /** The rows of segments, in block order, for a merge or an unseal. */
  function rowsOf(
    segments: readonly SegmentSummary[],
  ): { events: EventTuple[]; blocks: BlockTuple[] } | undefined {
    const events: EventTuple[] = [];
    const blocks: BlockTuple[] = [];
    for (const segment of segments) {
      const db = openedSegment(segment);
      if (!db) return undefined;
      events.push(...selectEventTuples(db, '1 = 1', []));
      blocks.push(...selectBlockTuples(db, '1 = 1', []));
    }
    return { events, blocks };
  }

  /**
   * Rewrites segments without the rows `drop` picks ('all': the whole segment goes unread); a
   * segment left without rows is dropped, one that loses none stays as it is. New files first,
   * then the manifest swaps them in and the old files are deleted (see the top of this file).
   * Returns what each read segment lost.
   */
  function rewriteSegmentsWithout(
    candidates: readonly SegmentSummary[],
    drop: (segment: SegmentSummary) => 'all' | ((row: EventTuple) => boolean),
  ): { segment: SegmentSummary; rows: EventTuple[] }[] {
    const replaced = new Set<number>();
    const replacements: SegmentSummary[] = [];
    const removed: { segment: SegmentSummary; rows: EventTuple[] }[] = [];
    for (const segment of candidates) {
      const picks = drop(segment);
      replaced.add(segment.id);
      if (picks === 'all') continue;
      const rows = rowsOf([segment]);
      if (!rows) continue; // damaged: dropped, its range fetched again
      const kept = rows.events.filter((row) => !picks(row));
      if (kept.length === rows.events.length) {
        replaced.delete(segment.id);
        continue;
      }
      removed.push({ segment, rows: rows.events.filter(picks) });
      if (kept.length > 0) replacements.push(newSegment(segment.chainId, kept, rows.blocks));
    }
    if (replaced.size > 0) removeSegmentsFromManifest(replaced, replacements);
    return removed;
  }

  /** Moves the segments of a chain that overlap a range back into the head (logged first). */
  function unseal(chainId: number, fromBlock: number, toBlock: number): void {
    const overlapping = manifest.segments.filter(
      (segment) =>
        segment.chainId === chainId && segment.fromBlock <= toBlock && segment.toBlock >= fromBlock,
    );
    if (overlapping.length === 0) return;
    const rows = rowsOf(overlapping);
    if (!rows) return unseal(chainId, fromBlock, toBlock); // a damaged one was dropped; again
    record({ t: 'unseal', segmentIds: overlapping.map((segment) => segment.id), ...rows });
    headLog().sync();
    crashPoint('unseal.logged');
    removeSegmentsFromManifest(new Set(overlapping.map((segment) => segment.id)));
    crashPoint('unseal.manifest-written');
  }

  function mergeSmallSegments(): number {
    let merged = 0;
    const small = tuning.segmentTargetEvents / 4;
    for (const chainId of new Set(manifest.segments.map((segment) => segment.chainId))) {
      const candidates = manifest.segments.filter(
        (segment) => segment.chainId === chainId && segment.events + segment.removed < small,
      );
      const group: SegmentSummary[] = [];
      let total = 0;
      for (const segment of candidates) {
        if (total + segment.events + segment.removed > tuning.segmentTargetEvents) break;
        group.push(segment);
        total += segment.events + segment.removed;
      }
      if (group.length < 2) continue;
      const rows = rowsOf(group);
      if (!rows) continue;
      const summary = newSegment(chainId, rows.events, rows.blocks);
      crashPoint('merge.segment-written');
      removeSegmentsFromManifest(new Set(group.map((segment) => segment.id)), [summary]);
      crashPoint('merge.manifest-written');
      merged += group.length;
    }
    return merged;
  }

  // ---- reads over head + segments ---------------------------------------------------------

  function candidateSegments(
    query: EventsQuery,
    after: EventPosition | undefined,
  ): SegmentSummary[] {
    const descending = query.order === 'desc';
    const candidates = manifest.segments.filter((segment) => {
      if (query.chainId !== undefined && segment.chainId !== query.chainId) return false;
      if (query.fromBlock !== undefined && segment.toBlock < query.fromBlock) return false;
      if (query.toBlock !== undefined && segment.fromBlock > query.toBlock) return false;
      if (
        query.fromTime !== undefined &&
        (segment.maxTime === null || segment.maxTime < query.fromTime)
      )
        return false;
      if (
        query.toTime !== undefined &&
        (segment.minTime === null || segment.minTime > query.toTime)
      )
        return false;
      if (after) {
        const [chainId, block] = after;
        if (
          descending &&
          (segment.chainId > chainId || (segment.chainId === chainId && segment.fromBlock > block))
        )
          return false;
        if (
          !descending &&
          (segment.chainId < chainId || (segment.chainId === chainId && segment.toBlock < block))
        )
          return false;
      }
      const countsApply = !query.includeRemoved || segment.removed === 0;
      if (countsApply && (query.contractId !== undefined || query.eventName !== undefined)) {
        const found = Object.entries(segment.counts).some(([key, count]) => {
          if (count === 0) return false;
          const space = key.indexOf(' ');
          if (query.contractId !== undefined && key.slice(0, space) !== query.contractId)
            return false;
          const eventName = key.slice(space + 1);
          if (
            query.eventName !== undefined &&
            eventName !== query.eventName &&
            // Undecoded rows (no event name) may be the event under its new ABI.
            !(eventName === '' && query.undecodedTopic0s?.length)
          )
            return false;
          return true;
        });
        if (!found) return false;
      }
      if (countsApply && segment.events === 0) return false;
      return true;
    });
    candidates.sort(
      descending
        ? (a, b) => b.chainId - a.chainId || b.toBlock - a.toBlock
        : (a, b) => a.chainId - b.chainId || a.fromBlock - b.fromBlock,
    );
    return candidates;
  }

  function queryEvents(query: EventsQuery): { rows: EventRow[]; nextCursor?: string } {
    // Rows still on the builder's thread are waited for, so a page misses nothing stored: at a
    // backfill's pace a segment is written in well under a second.
    settleBuilds(query.chainId, query.fromBlock, query.toBlock);
    const limit = query.limit ?? 1000;
    const descending = query.order === 'desc';
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const inOrder = (a: EventRow, b: EventRow): number =>
      descending
        ? comparePositions(positionOf(b), positionOf(a))
        : comparePositions(positionOf(a), positionOf(b));
    let rows: EventRow[] = [];
    // The head is read a chain at a time (a page's order and cursor are per chain).
    for (const chainId of headChainIds(query.chainId)) {
      const found = queryEventsIn(head, query, after, limit + 1, chainId);
      if (found.length > 0) rows = [...rows, ...found].sort(inOrder).slice(0, limit + 1);
    }
    for (const segment of candidateSegments(query, after)) {
      if (rows.length > limit) {
        const last = rows[limit]!;
        const beyond = descending
          ? segment.chainId < last.chainId ||
            (segment.chainId === last.chainId && segment.toBlock < last.blockNumber)
          : segment.chainId > last.chainId ||
            (segment.chainId === last.chainId && segment.fromBlock > last.blockNumber);
        if (beyond) break;
      }
      if (
        query.transactionHash !== undefined &&
        !bloomOf(segment)?.mayContain(query.transactionHash)
      )
        continue;
      const db = openedSegment(segment);
      if (!db) continue;
      const found = queryEventsIn(
        db,
        query,
        after,
        limit + 1,
        segment.chainId,
        !query.includeRemoved || segment.removed === 0,
      );
      if (found.length === 0) continue;
      rows = [...rows, ...found].sort(inOrder).slice(0, limit + 1);
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(positionOf(last)) } : {}),
    };
  }

  /** Segments of a chain whose range holds `number`, newest first. */
  const segmentsAt = (chainId: number, number: number): SegmentSummary[] =>
    manifest.segments
      .filter(
        (segment) =>
          segment.chainId === chainId && segment.fromBlock <= number && segment.toBlock >= number,
      )
      .reverse();

  function firstInSegments<T>(
    segments: readonly SegmentSummary[],
    read: (db: Database) => T | undefined,
  ): T | undefined {
    for (const segment of segments) {
      const db = openedSegment(segment);
      const found = db ? read(db) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  }

  const store: ChainStore = {
    problems,
    forged,
    sealManifest: () => {
      if (!existsSync(manifestPath)) return;
      const saved = manifestWriter.compact(manifest);
      manifest = saved.manifest;
      bytesWritten += saved.bytesWritten;
    },
    commit(batch) {
      if (buildable(batch)) return addToBuild(batch);
      settleBuilds(batch.chainId);
      const result = record<ChainDataCommitResult>({ t: 'commit', batch });
      if (result.inserted.length > 0 && eventCounts)
        eventCounts.set(
          batch.chainId,
          (eventCounts.get(batch.chainId) ?? 0) + result.inserted.length,
        );
      return result;
    },
    applyCanonicalRange(range, reorg) {
      settleBuilds(range.chainId);
      // Sealed rows are final, so only a reorg deeper than the confirmation depth or a repair
      // of an old range reaches them: those segments come back into the head first.
      unseal(range.chainId, range.fromBlock, range.toBlock);
      const result = record<{
        removed: EventRow[];
        added: EventRow[];
        reorg: ReorgRecord | undefined;
      }>({
        t: 'canonical',
        range,
        ...(reorg ? { reorg } : {}),
      });
      eventCounts = undefined;
      return result;
    },
    saveReconciliation: (result, id) =>
      record<Reconciliation>({ t: 'reconciliation', result, ...(id === undefined ? {} : { id }) }),
    listReconciliations: (filter) => listReconciliations(head, filter),
    listReorgs: (chainId, limit) => listReorgs(head, chainId, limit),
    countReorgs: (chainId) => countReorgs(head, chainId),
    queryEvents,
    blockHeaderAt(chainId, number) {
      settleBuilds(chainId, number, number);
      const found = blockHeaderAt(head, chainId, number);
      if (found) return found;
      return firstInSegments(segmentsAt(chainId, number), (db) =>
        blockHeaderAt(db, chainId, number),
      );
    },
    storedBlockHash(chainId, number) {
      settleBuilds(chainId, number, number);
      const found = storedBlockHash(head, chainId, number);
      if (found) return found;
      return firstInSegments(segmentsAt(chainId, number), (db) =>
        storedBlockHash(db, chainId, number),
      );
    },
    eventBlocksAtOrBelow(chainId, atOrBelow, limit) {
      settleBuilds(chainId, -Infinity, atOrBelow);
      const found = new Map<number, string>();
      for (const block of eventBlocksAtOrBelow(head, chainId, atOrBelow, limit))
        found.set(block.number, block.hash);
      const segments = manifest.segments
        .filter(
          (segment) =>
            segment.chainId === chainId && segment.fromBlock <= atOrBelow && segment.events > 0,
        )
        .sort((a, b) => b.toBlock - a.toBlock);
      for (const segment of segments) {
        const lowest = found.size >= limit ? Math.min(...found.keys()) : -1;
        if (segment.toBlock < lowest) break;
        const db = openedSegment(segment);
        if (!db) continue;
        for (const block of eventBlocksAtOrBelow(db, chainId, atOrBelow, limit))
          if (!found.has(block.number)) found.set(block.number, block.hash);
      }
      return [...found]
        .sort((a, b) => b[0] - a[0])
        .slice(0, limit)
        .map(([number, hash]) => ({ number, hash }));
    },
    storedIdentities(chainId, contractIds, fromBlock, toBlock) {
      settleBuilds(chainId, fromBlock, toBlock);
      const rows = storedIdentities(head, chainId, contractIds, fromBlock, toBlock);
      for (const segment of manifest.segments) {
        if (
          segment.chainId !== chainId ||
          segment.toBlock < fromBlock ||
          segment.fromBlock > toBlock
        )
          continue;
        const db = openedSegment(segment);
        if (db) rows.push(...storedIdentities(db, chainId, contractIds, fromBlock, toBlock));
      }
      return rows
        .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
        .map(({ id: _id, ...identity }) => identity);
    },
    eventByIdentity(chainId, blockHash, logIndex) {
      const inHead = eventByIdentity(head, chainId, blockHash, logIndex);
      if (inHead) return inHead;
      for (const build of unlistedBuilds(chainId)) {
        const found = build.byIdentity.get(blockHash)?.[logIndex];
        if (found) return found;
      }
      const segments = manifest.segments
        .filter((segment) => segment.chainId === chainId && bloomOf(segment)?.mayContain(blockHash))
        .reverse();
      return firstInSegments(segments, (db) => eventByIdentity(db, chainId, blockHash, logIndex));
    },
    countEvents() {
      if (!eventCounts) {
        eventCounts = countEvents(head);
        for (const build of unlistedBuilds(undefined))
          eventCounts.set(build.chainId, (eventCounts.get(build.chainId) ?? 0) + build.rows);
        for (const segment of manifest.segments)
          eventCounts.set(
            segment.chainId,
            (eventCounts.get(segment.chainId) ?? 0) + segment.events,
          );
      }
      return new Map(eventCounts);
    },
    eventsPerMinute(chainId, minutes) {
      // Rows still on the builder's thread join the chart once listed (within a second or so);
      // waiting for them here would cut a segment short at every refresh of a chart.
      // The head is read; sealed segments answer from their
      // summaries (their last hour, per minute), so the chart never opens one.
      const counts = new Map<number, number>();
      let newest: number | null = null;
      const add = (minute: number, count: number): void => {
        counts.set(minute, (counts.get(minute) ?? 0) + count);
      };
      const series = eventsPerMinute(head, chainId, minutes);
      for (const point of series) add(point.minute, point.count);
      const last = series.at(-1)?.minute;
      if (last !== undefined) newest = last;
      const sealed = manifest.segments.filter(
        (segment) => segment.chainId === chainId && segment.maxTime !== null,
      );
      for (const segment of sealed) {
        const last = Math.floor(segment.maxTime! / 60) * 60;
        if (newest === null || last > newest) newest = last;
      }
      if (newest === null) return [];
      const since = newest - (minutes - 1) * 60;
      for (const segment of sealed) {
        if (segment.maxTime! < since) continue;
        if (segment.recentMinutes) {
          for (const [minute, count] of Object.entries(segment.recentMinutes))
            if (Number(minute) >= since) add(Number(minute), count);
          continue;
        }
        const db = openedSegment(segment);
        if (db)
          for (const point of eventsPerMinute(db, chainId, minutes))
            if (point.minute >= since) add(point.minute, point.count);
      }
      const result: { minute: number; count: number }[] = [];
      for (let minute = since; minute <= newest; minute += 60)
        result.push({ minute, count: counts.get(minute) ?? 0 });
      return result;
    },
    cursors(chainId) {
      const cursors = new Map(
        selectAll<{ contract_id: string; indexed_through: number }>(
          head,
          'SELECT contract_id, indexed_through FROM cursors WHERE chain_id = ?',
          [chainId],
        ).map((row) => [row.contract_id, row.indexed_through]),
      );
      // What the segments being built and written hold is acknowledged too (see sealBuild),
      // oldest first, so the newest build's cursor is the one kept.
      for (const build of unlistedBuilds(chainId))
        for (const [contractId, through] of build.cursors) cursors.set(contractId, through);
      return cursors;
    },
    purge(keep) {
      settleBuilds(undefined);
      const headContracts = selectAll<{ contract_id: string }>(
        head,
        'SELECT DISTINCT contract_id FROM cursors UNION SELECT DISTINCT contract_id FROM events',
      ).map((row) => row.contract_id);
      const sealedContracts = manifest.segments.flatMap((segment) =>
        Object.keys(segment.counts).map((key) => key.slice(0, key.indexOf(' '))),
      );
      const sealedCursorContracts = Object.values(manifest.sealedCursors).flatMap((cursors) =>
        Object.keys(cursors),
      );
      const goneContracts = [
        ...new Set([...headContracts, ...sealedContracts, ...sealedCursorContracts]),
      ].filter((id) => !keep.contractIds.has(id));
      const headChains = selectAll<{ chain_id: number }>(
        head,
        'SELECT DISTINCT chain_id FROM events UNION SELECT chain_id FROM chain_state UNION SELECT chain_id FROM blocks',
      ).map((row) => row.chain_id);
      const goneChains = [
        ...new Set([...headChains, ...manifest.segments.map((segment) => segment.chainId)]),
      ].filter((id) => !keep.chainIds.has(id));
      if (goneContracts.length === 0 && goneChains.length === 0) return;
      record({ t: 'purge', contractIds: goneContracts, chainIds: goneChains });
      // Segments are rewritten without those rows (or dropped when nothing is left).
      const gone = new Set(goneContracts);
      const touched = manifest.segments.filter(
        (segment) =>
          goneChains.includes(segment.chainId) ||
          Object.keys(segment.counts).some((key) => gone.has(key.slice(0, key.indexOf(' ')))),
      );
      const sealedCursors: SegmentManifest['sealedCursors'] = {};
      for (const [chainId, cursors] of Object.entries(manifest.sealedCursors)) {
        if (goneChains.includes(Number(chainId))) continue;
        sealedCursors[chainId] = Object.fromEntries(
          Object.entries(cursors).filter(([id]) => !gone.has(id)),
        );
      }
      manifest = { ...manifest, sealedCursors };
      rewriteSegmentsWithout(touched, (segment) =>
        goneChains.includes(segment.chainId) ? 'all' : (row) => gone.has(row[CONTRACT] as string),
      );
    },
    applyRetention(policies, nowSeconds) {
      const touched = new Map<number, Map<string, 'all' | number>>();
      const mark = (segment: SegmentSummary, contractId: string, drop: 'all' | number): void => {
        const drops = touched.get(segment.id) ?? new Map<string, 'all' | number>();
        const before = drops.get(contractId);
        // Rows older than a cutoff, or all of them: whichever takes more.
        drops.set(
          contractId,
          before === 'all' || drop === 'all' ? 'all' : Math.max(before ?? drop, drop),
        );
        touched.set(segment.id, drops);
      };
      for (const [contractId, policy] of policies) {
        const rowsIn = (segment: SegmentSummary): number =>
          Object.entries(segment.counts)
            .filter(([key]) => key.startsWith(`${contractId} `))
            .reduce((sum, [, count]) => sum + count, 0);
        if (policy.days !== undefined) {
          const cutoff = nowSeconds - policy.days * 86_400;
          for (const segment of manifest.segments)
            if (rowsIn(segment) > 0 && segment.minTime !== null && segment.minTime < cutoff)
              mark(segment, contractId, cutoff);
        }
        if (policy.events !== undefined) {
          // Counted newest first, at segment granularity: a segment's rows of the contract go
          // once at least N newer rows of it exist outside that segment (in the head or in newer
          // segments), so up to a segment's worth more than N may be kept. Rows of a backfill
          // segment still being built are not counted, which can only keep more.
          let newer =
            selectOne<{ n: number }>(
              head,
              "SELECT count(*) AS n FROM events WHERE contract_id = ? AND status != 'removed'",
              [contractId],
            )?.n ?? 0;
          const newestFirst = manifest.segments
            .filter((segment) => rowsIn(segment) > 0)
            .sort((a, b) => b.toBlock - a.toBlock || b.id - a.id);
          for (const segment of newestFirst) {
            if (newer >= policy.events) mark(segment, contractId, 'all');
            newer += rowsIn(segment);
          }
        }
      }
      if (touched.size === 0) return [];
      const dropsOf = (segment: SegmentSummary) => touched.get(segment.id)!;
      const removed = rewriteSegmentsWithout(
        manifest.segments.filter((segment) => touched.has(segment.id)),
        (segment) => (row) => {
          const drop = dropsOf(segment).get(row[CONTRACT] as string);
          if (drop === undefined) return false;
          const time = row[TIMESTAMP] as number | null;
          return drop === 'all' || (time !== null && time < drop);
        },
      );
      const deletions: RetentionDeletion[] = [];
      for (const { segment, rows } of removed) {
        const byContract = new Map<string, RetentionDeletion>();
        for (const row of rows) {
          const contractId = row[CONTRACT] as string;
          const block = row[BLOCK_NUMBER] as number;
          const deletion = byContract.get(contractId) ?? {
            contractId,
            segmentFile: segment.file,
            rows: 0,
            fromBlock: block,
            toBlock: block,
          };
          // Rows a reorg kept as removed go too, but were never counted as events.
          if (row[STATUS] !== 'removed') deletion.rows++;
          deletion.fromBlock = Math.min(deletion.fromBlock, block);
          deletion.toBlock = Math.max(deletion.toBlock, block);
          byContract.set(contractId, deletion);
        }
        deletions.push(...byContract.values());
      }
      return deletions;
    },
    pendingRefetches() {
      return selectAll<{ value: string }>(
        head,
        "SELECT value FROM head_meta WHERE key LIKE 'refetch:%'",
      ).map((row) => JSON.parse(row.value) as RefetchRange);
    },
    refetched(range) {
      record({ t: 'refetch', range, done: true });
    },
    maintain(now = Date.now()) {
      let sealed = 0;
      // A backfill that stopped (caught up, or paused) leaves a segment half built: seal it.
      let stopped = false;
      for (const [chainId, build] of [...builds])
        if (now - build.lastAppendAt >= 2_000) {
          sealBuild(chainId);
          sealed++;
          stopped = true;
        }
      listWrittenBuilds(stopped ? 0 : Infinity);
      if (builds.size === 0 && sealing.length === 0) buildThread.closeIfIdle(2_000);
      for (const { chain_id: chainId, confirmed_through: confirmedThrough } of selectAll<{
        chain_id: number;
        confirmed_through: number;
      }>(head, 'SELECT chain_id, confirmed_through FROM chain_state')) {
        if (!lastSealAt.has(chainId)) lastSealAt.set(chainId, now);
        for (;;) {
          const sealable =
            selectOne<{ n: number }>(
              head,
              "SELECT count(*) AS n FROM events WHERE chain_id = ? AND block_number <= ? AND status != 'pending'",
              [chainId, confirmedThrough],
            )?.n ?? 0;
          const due =
            tuning.sealMaxAgeMs > 0 && now - lastSealAt.get(chainId)! >= tuning.sealMaxAgeMs;
          if (sealable === 0 || (sealable < tuning.sealMinEvents && !due)) break;
          // Cut at a block boundary near the target size, so a long backfill makes many segments.
          let through = confirmedThrough;
          if (sealable > tuning.segmentTargetEvents) {
            const cut = selectOne<{ block_number: number }>(
              head,
              "SELECT block_number FROM events WHERE chain_id = ? AND block_number <= ? AND status != 'pending' ORDER BY block_number LIMIT 1 OFFSET ?",
              [chainId, confirmedThrough, tuning.segmentTargetEvents],
            );
            const lowest =
              selectOne<{ b: number }>(
                head,
                "SELECT min(block_number) AS b FROM events WHERE chain_id = ? AND status != 'pending'",
                [chainId],
              )?.b ?? confirmedThrough;
            if (cut) through = Math.max(lowest, cut.block_number - 1);
          }
          seal(chainId, through);
          sealed++;
          lastSealAt.set(chainId, now);
          if (through === confirmedThrough) break;
        }
      }
      const merged = mergeSmallSegments();
      if (headLog().bytesAppended > tuning.headLogMaxBytes) writeHeadImage(headGeneration + 1);
      return { sealed, merged };
    },
    stats() {
      const pages = selectOne<{ page_count: number }>(head, 'PRAGMA page_count')?.page_count ?? 0;
      const pageSize =
        selectOne<{ page_size: number }>(head, 'PRAGMA page_size')?.page_size ?? 4096;
      return {
        segments: manifest.segments.length,
        segmentBytes: manifest.segments.reduce((sum, segment) => sum + segment.bytes, 0),
        headEvents: selectOne<{ n: number }>(head, 'SELECT count(*) AS n FROM events')?.n ?? 0,
        headBytes: pages * pageSize,
        openSegments: cache.count,
        openSegmentBytes: cache.bytes,
        bytesWritten: bytesWritten + headLog().bytesAppended,
      };
    },
    sealedFiles() {
      let bytes = 0;
      for (const segment of manifest.segments) {
        let bloomBytes = segment.bloomBytes ?? bloomSizes.get(segment.id);
        if (bloomBytes === undefined) {
          // A manifest from before filter sizes were recorded: each filter is stat'ed once.
          bloomBytes = fileBytes(join(segmentsDir, bloomFileOf(segment.file)));
          bloomSizes.set(segment.id, bloomBytes);
        }
        bytes += segment.bytes + bloomBytes;
      }
      return { directories: [segmentsDir], bytes };
    },
    checkpoint() {
      if (headLog().bytesAppended > 0) writeHeadImage(headGeneration + 1);
    },
    close(options = {}) {
      if (options.checkpoint !== false) settleBuilds(undefined);
      void buildThread.close();
      if (options.checkpoint !== false) store.checkpoint();
      headLog().close();
      manifestWriter.close();
      cache.clear();
      head.close();
    },
  };
  return store;
}
