// Queries over one source of chain data (the head, or one sealed segment): events and block
// headers in the tables chain-schema.ts defines. The head's writes are here too: a batch is
// committed in one transaction together with the cursors that say which blocks it covers, so
// the head never holds one without the other. The planner (event-planner.ts) runs the reads
// over the head and the segments together.
import type { Database, SqlJsStatic } from 'sql.js';
import type { EventRow } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { eventColumnCount, eventInsertColumns, eventRowPlaceholders } from './chain-schema.ts';
import { createBulkInserter } from './bulk-insert.ts';
import { selectAll, utf8Parameters } from './database.ts';
import {
  createRowPacker,
  NULL_CELL,
  NUMBER_CELL,
  valueAt,
  type PackedRows,
} from './packed-rows.ts';

export type StoredEvent = EventRow;

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number | null;
}

export interface ChainDataBatch {
  chainId: number;
  events: StoredEvent[];
  blocks: BlockHeader[];
  cursors: { contractId: string; indexedThrough: number }[];
  /** Pending events at or below this block become confirmed. */
  confirmedThrough?: number;
}

export interface ChainDataCommitResult {
  inserted: StoredEvent[];
  /** Rows whose status changed from pending to confirmed. */
  confirmed: EventRow[];
}

const BLOCK_WINDOW = 2048;

/** Rows per INSERT statement: one statement per row costs about as much again in sql.js. */
const ROWS_PER_INSERT = 50;

/** A row seen again after a rollback marked it removed (its block came back) is restored. */
const restoreRemovedRow = `ON CONFLICT (chain_id, block_hash, log_index) DO UPDATE SET status = excluded.status
     WHERE events.status = 'removed'`;

function insertEventsSql(rows: number): string {
  return `INSERT INTO events (${eventInsertColumns})
     VALUES ${new Array(rows).fill(eventRowPlaceholders).join(', ')}
     ${restoreRemovedRow}`;
}

/**
 * From this many new rows, a head commit packs them and binds them in place (bulk-insert.ts), as
 * a segment build does: 12,000 rows of a dense chain's unconfirmed blocks went in 151–173 ms
 * instead of 185–204 ms, packing included. Fewer rows (a followed block's few) are not worth
 * preparing its statements for.
 */
export const ROWS_BOUND_IN_PLACE_FROM = 200;

/** An event as the row the events table stores, columns in schema order (JSON for args and topics). */
export function eventTuple(event: StoredEvent): (string | number | null)[] {
  return fillEventTuple(event, new Array<string | number | null>(eventColumnCount));
}

/** eventTuple into an array given (a packer takes each row's values and keeps none of them). */
function fillEventTuple(
  event: StoredEvent,
  row: (string | number | null)[],
): (string | number | null)[] {
  row[0] = event.chainId;
  row[1] = event.contractId;
  row[2] = event.blockNumber;
  row[3] = event.blockHash;
  row[4] = event.blockTimestamp;
  row[5] = event.logIndex;
  row[6] = event.transactionHash;
  row[7] = event.transactionIndex;
  row[8] = event.address;
  row[9] = event.eventName;
  row[10] = event.signature;
  row[11] = event.args === null ? null : JSON.stringify(event.args);
  row[12] = topicsJson(event.topics);
  row[13] = event.data;
  row[14] = event.status;
  return row;
}

const hexText = /^0x[0-9a-fA-F]*$/;
/**
 * The topics last found to be hex, by position: an event's signature, and often an indexed
 * sender or token, repeat from row to row, and comparing is cheaper than testing again (the
 * test was a third of this function's time on a 1M-event backfill).
 */
const hexTopicsSeen: string[] = [];

/**
 * Topics as JSON. Hex needs no escaping, so the text is put together as it is; JSON.stringify
 * took as long as decoding the log (13 ms a 12,000-log range). Anything else a node sent is
 * left to JSON.stringify.
 */
function topicsJson(topics: readonly string[]): string {
  if (!Array.isArray(topics)) return JSON.stringify(topics);
  let json = '[';
  for (let index = 0; index < topics.length; index++) {
    const topic: unknown = topics[index];
    if (typeof topic !== 'string') return JSON.stringify(topics);
    if (topic !== hexTopicsSeen[index]) {
      if (!hexText.test(topic)) return JSON.stringify(topics);
      hexTopicsSeen[index] = topic;
    }
    json += index === 0 ? `"${topic}"` : `,"${topic}"`;
  }
  return `${json}]`;
}

/**
 * The events packEventRows packed, as they were: args and topics parsed back from their JSON (so
 * an event a log record gives back is what JSON would have given). All-ASCII text, as a chain's
 * almost always is, is read as one string and cut by offset, not decoded value by value.
 */
export function eventsFromPackedRows(packed: PackedRows): StoredEvent[] {
  if (packed.columns !== eventColumnCount)
    throw new Error(`Packed events have ${packed.columns} columns, not ${eventColumnCount}.`);
  const { bytes, cells } = packed;
  const ascii = bytes.every((byte) => byte < 0x80);
  const text = ascii
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
    : '';
  let row = 0;
  const value = (column: number): string | number | null => {
    const cell = (row * eventColumnCount + column) * 2;
    const kind = cells[cell]!;
    if (kind === NULL_CELL) return null;
    if (kind === NUMBER_CELL) return cells[cell + 1]!;
    if (!ascii) return valueAt(packed, row, column);
    const offset = cells[cell + 1]!;
    return text.slice(offset, offset + kind);
  };
  const events = new Array<StoredEvent>(packed.rows);
  for (; row < packed.rows; row++) {
    // Columns in eventTuple's order.
    const args = value(11) as string | null;
    events[row] = {
      chainId: value(0) as number,
      contractId: value(1) as string,
      blockNumber: value(2) as number,
      blockHash: value(3) as string,
      blockTimestamp: value(4) as number | null,
      logIndex: value(5) as number,
      transactionHash: value(6) as string,
      transactionIndex: value(7) as number,
      address: value(8) as string,
      eventName: value(9) as string | null,
      signature: value(10) as string | null,
      args: args === null ? null : (JSON.parse(args) as StoredEvent['args']),
      topics: JSON.parse(value(12) as string) as StoredEvent['topics'],
      data: value(13) as StoredEvent['data'],
      status: value(14) as StoredEvent['status'],
    };
  }
  return events;
}

/** Events packed as rows of the events table (a segment build, a head commit and its log record). */
export function packEventRows(events: readonly StoredEvent[]): PackedRows {
  const packer = createRowPacker(eventColumnCount, events.length);
  const row = new Array<string | number | null>(eventColumnCount);
  for (const event of events) packer.putRow(fillEventTuple(event, row));
  return packer.finish();
}

/**
 * Inserts the events that are not stored yet (or restores ones marked removed) and returns them.
 * What is already stored is looked up once for the batch's block range, so the rows can go in
 * many to a statement.
 */
function insertNewEvents(
  db: Database,
  chainId: number,
  events: StoredEvent[],
  SQL: SqlJsStatic | undefined,
  packedEvents: PackedRows | undefined,
): StoredEvent[] {
  if (events.length === 0) return [];
  let lowest = Infinity;
  let highest = -Infinity;
  for (const event of events) {
    if (event.blockNumber < lowest) lowest = event.blockNumber;
    if (event.blockNumber > highest) highest = event.blockNumber;
  }
  const stored = new Set(
    selectAll<{ identity: string }>(
      db,
      "SELECT block_hash || ':' || log_index AS identity FROM events WHERE chain_id = ? AND block_number BETWEEN ? AND ? AND status != 'removed'",
      [chainId, lowest, highest],
    ).map((row) => row.identity),
  );
  const fresh = events.filter((event) => !stored.has(`${event.blockHash}:${event.logIndex}`));
  const inserter =
    SQL && fresh.length >= ROWS_BOUND_IN_PLACE_FROM
      ? createBulkInserter(
          SQL,
          db,
          'events',
          eventInsertColumns,
          ROWS_PER_INSERT,
          restoreRemovedRow,
        )
      : undefined;
  if (inserter) {
    try {
      inserter.insert(
        packedEvents && packedEvents.rows === events.length && fresh.length === events.length
          ? packedEvents
          : packEventRows(fresh),
      );
    } finally {
      inserter.free();
    }
    return fresh;
  }
  const fullStatement =
    fresh.length >= ROWS_PER_INSERT ? db.prepare(insertEventsSql(ROWS_PER_INSERT)) : undefined;
  const singleStatement = db.prepare(insertEventsSql(1));
  try {
    let index = 0;
    for (; fullStatement && index + ROWS_PER_INSERT <= fresh.length; index += ROWS_PER_INSERT) {
      const params: (string | number | null)[] = [];
      for (let row = index; row < index + ROWS_PER_INSERT; row++)
        params.push(...eventTuple(fresh[row]!));
      fullStatement.run(utf8Parameters(params));
    }
    for (; index < fresh.length; index++) {
      singleStatement.run(utf8Parameters(eventTuple(fresh[index]!)));
    }
  } finally {
    fullStatement?.free();
    singleStatement.free();
  }
  return fresh;
}

export function commitChainData(
  db: Database,
  batch: ChainDataBatch,
  options: {
    trimBlocks?: boolean;
    /** sql.js itself: with it, a batch's many new rows are bound in place (bulk-insert.ts). */
    SQL?: SqlJsStatic;
    /** The batch's events packed already (packEventRows), inserted as they are if all are new. */
    packedEvents?: PackedRows;
  } = {},
): ChainDataCommitResult {
  const inserted = insertNewEvents(
    db,
    batch.chainId,
    batch.events,
    options.SQL,
    options.packedEvents,
  );

  if (batch.blocks.length > 0) {
    const insertBlock = db.prepare(
      'INSERT OR REPLACE INTO blocks (chain_id, number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?, ?)',
    );
    try {
      for (const block of batch.blocks) {
        insertBlock.run([
          batch.chainId,
          block.number,
          block.hash,
          block.parentHash,
          block.timestamp,
        ]);
      }
    } finally {
      insertBlock.free();
    }
    const newest = Math.max(...batch.blocks.map((block) => block.number));
    if (options.trimBlocks !== false)
      db.run('DELETE FROM blocks WHERE chain_id = ? AND number < ?', [
        batch.chainId,
        newest - BLOCK_WINDOW,
      ]);
  }

  for (const cursor of batch.cursors) {
    db.run(
      'INSERT INTO cursors (chain_id, contract_id, indexed_through) VALUES (?, ?, ?) ON CONFLICT (chain_id, contract_id) DO UPDATE SET indexed_through = excluded.indexed_through',
      [batch.chainId, cursor.contractId, cursor.indexedThrough],
    );
  }

  let confirmed: EventRow[] = [];
  if (batch.confirmedThrough !== undefined) {
    db.run(
      'INSERT INTO chain_state (chain_id, confirmed_through) VALUES (?, ?) ON CONFLICT (chain_id) DO UPDATE SET confirmed_through = max(confirmed_through, excluded.confirmed_through)',
      [batch.chainId, batch.confirmedThrough],
    );
    const where = "chain_id = ? AND status = 'pending' AND block_number <= ?";
    const params = [batch.chainId, batch.confirmedThrough];
    confirmed = selectAll<EventDbRow>(
      db,
      `SELECT ${eventColumns} FROM events WHERE ${where} ORDER BY block_number, log_index`,
      params,
    ).map((row) => ({ ...toEventRow(row), status: 'confirmed' as const }));
    if (confirmed.length > 0)
      db.run(`UPDATE events SET status = 'confirmed' WHERE ${where}`, params);
  }
  return { inserted, confirmed };
}

export function blockHeaderAt(
  db: Database,
  chainId: number,
  number: number,
): BlockHeader | undefined {
  return selectAll<{ number: number; hash: string; parent_hash: string; timestamp: number | null }>(
    db,
    'SELECT number, hash, parent_hash, timestamp FROM blocks WHERE chain_id = ? AND number = ?',
    [chainId, number],
  ).map((row) => ({
    number: row.number,
    hash: row.hash,
    parentHash: row.parent_hash,
    timestamp: row.timestamp,
  }))[0];
}

// ---------------------------------------------------------------------------------------------

export const eventColumns =
  'id, chain_id, contract_id, block_number, block_hash, block_timestamp, log_index, transaction_hash, transaction_index, address, event_name, signature, args, topics, data, status';

export interface EventDbRow {
  id: number;
  chain_id: number;
  contract_id: string;
  block_number: number;
  block_hash: string;
  block_timestamp: number | null;
  log_index: number;
  transaction_hash: string;
  transaction_index: number;
  address: string;
  event_name: string | null;
  signature: string | null;
  args: string | null;
  topics: string;
  data: string;
  status: EventRow['status'];
}

export function toEventRow(row: EventDbRow): EventRow {
  return {
    chainId: row.chain_id,
    blockNumber: row.block_number,
    blockHash: row.block_hash,
    blockTimestamp: row.block_timestamp,
    logIndex: row.log_index,
    transactionHash: row.transaction_hash,
    transactionIndex: row.transaction_index,
    address: row.address,
    contractId: row.contract_id,
    eventName: row.event_name,
    signature: row.signature,
    args: row.args === null ? null : (JSON.parse(row.args) as Record<string, unknown>),
    topics: JSON.parse(row.topics) as string[],
    data: row.data,
    status: row.status,
  };
}

/** The stored event (canonical or removed) with this identity, if any. */
export function eventByIdentity(
  db: Database,
  chainId: number,
  blockHash: string,
  logIndex: number,
): EventRow | undefined {
  const row = selectAll<EventDbRow>(
    db,
    `SELECT ${eventColumns} FROM events WHERE chain_id = ? AND block_hash = ? AND log_index = ?`,
    [chainId, blockHash, logIndex],
  )[0];
  return row ? toEventRow(row) : undefined;
}

export interface EventsQuery {
  chainId?: number;
  /** Checksummed. */
  address?: string;
  contractId?: string;
  eventName?: string;
  /**
   * With eventName: rows stored undecoded whose topic0 is one of these match too. Their contract
   * got an ABI with the event after they were stored; they are decoded when read (the store keeps
   * rows as they were first decoded; see engine/current-abi-rows.ts).
   */
  undecodedTopic0s?: string[];
  transactionHash?: string;
  fromBlock?: number;
  toBlock?: number;
  /** Block time, in seconds, inclusive. */
  fromTime?: number;
  toTime?: number;
  includeRemoved?: boolean;
  limit?: number;
  cursor?: string;
  order?: 'asc' | 'desc';
}

/**
 * Where a row stands in the order pages follow: chain, block, log index, and the block hash to
 * tell a removed row from the canonical one at the same place. Unique across head and segments.
 */
export type EventPosition = [
  chainId: number,
  blockNumber: number,
  logIndex: number,
  blockHash: string,
];

export function positionOf(row: EventRow): EventPosition {
  return [row.chainId, row.blockNumber, row.logIndex, row.blockHash];
}

/** Compares two positions in ascending order. */
export function comparePositions(a: EventPosition, b: EventPosition): number {
  for (let part = 0; part < 3; part++) {
    const difference = (a[part] as number) - (b[part] as number);
    if (difference !== 0) return difference;
  }
  return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0;
}

export function encodeCursor(position: EventPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): EventPosition {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(position) &&
      position.length === 4 &&
      position.slice(0, 3).every((part) => Number.isSafeInteger(part)) &&
      typeof position[3] === 'string'
    ) {
      return position as EventPosition;
    }
  } catch {
    // fall through to the error below
  }
  throw new VigilError(
    'INVALID_INPUT',
    'cursor: not a cursor this store returned; pass back nextCursor unchanged',
    {
      field: 'cursor',
    },
  );
}

/**
 * Up to `limit` rows of one source that match the query, in the query's order, strictly after
 * `after` when given. The planner merges the pages of several sources.
 */
export function queryEventsIn(
  db: Database,
  query: EventsQuery,
  after: EventPosition | undefined,
  limit: number,
  /** The one chain whose rows are read: each chain's rows are read on their own. */
  chainId: number,
  /**
   * The source holds one row per position (block number, log index) among those read: a sealed
   * segment's rows are final, one block per height, so only the removed rows a reorg left can
   * share a position. The last order term (block hash) then changes nothing, and leaving it out
   * lets the position index give the order instead of a sort of every row in range.
   */
  positionsUnique = false,
): EventRow[] {
  if (query.chainId !== undefined && query.chainId !== chainId) return [];
  const descending = query.order === 'desc';
  // A cursor on another chain leaves all of this chain's rows or none.
  if (after !== undefined && after[0] !== chainId) {
    const chainIsPast = descending ? chainId > after[0] : chainId < after[0];
    if (chainIsPast) return [];
    after = undefined;
  }
  // A transaction's rows are found through its own index where the source has one (the head, and
  // segments written before 2026-12-07): without the unary plus, SQLite took the position index
  // for its order and read the whole source (8 ms a 24k-row segment, not 2). Newer segments have
  // no such index and are scanned, once their Bloom filter says the hash may be there.
  const where: string[] = [query.transactionHash === undefined ? 'chain_id = ?' : '+chain_id = ?'];
  const params: (string | number)[] = [chainId];
  const add = (clause: string, ...values: (string | number)[]): void => {
    where.push(clause);
    params.push(...values);
  };
  if (query.address !== undefined) add('address = ?', query.address);
  if (query.contractId !== undefined) add('contract_id = ?', query.contractId);
  if (query.eventName !== undefined && query.undecodedTopic0s?.length)
    // Stored topics are JSON (["0x…", …]): topic0 opens the text.
    add(
      `(event_name = ? OR (event_name IS NULL AND (${query.undecodedTopic0s.map(() => 'topics LIKE ?').join(' OR ')})))`,
      query.eventName,
      ...query.undecodedTopic0s.map((topic0) => `["${topic0.toLowerCase()}"%`),
    );
  else if (query.eventName !== undefined) add('event_name = ?', query.eventName);
  if (query.transactionHash !== undefined)
    add('transaction_hash = ?', query.transactionHash.toLowerCase());
  if (query.fromBlock !== undefined) add('block_number >= ?', query.fromBlock);
  if (query.toBlock !== undefined) add('block_number <= ?', query.toBlock);
  if (query.fromTime !== undefined) add('block_timestamp >= ?', query.fromTime);
  if (query.toTime !== undefined) add('block_timestamp <= ?', query.toTime);
  if (!query.includeRemoved) where.push("status != 'removed'");
  if (after !== undefined)
    add(
      `(block_number, log_index, block_hash) ${descending ? '<' : '>'} (?, ?, ?)`,
      after[1],
      after[2],
      after[3],
    );
  // With the chain fixed, this order is the one the indexes keep (contract, event, block, log
  // index), so a page reads only its rows instead of sorting every match.
  const direction = descending ? 'DESC' : 'ASC';
  const order = positionsUnique
    ? `block_number ${direction}, log_index ${direction}`
    : `block_number ${direction}, log_index ${direction}, block_hash ${direction}`;
  const sql = `SELECT ${eventColumns} FROM events WHERE ${where.join(' AND ')}
    ORDER BY ${order} LIMIT ?`;
  return selectAll<EventDbRow>(db, sql, [...params, limit]).map(toEventRow);
}

export function countEvents(db: Database): Map<number, number> {
  const counts = new Map<number, number>();
  for (const row of selectAll<{ chain_id: number; n: number }>(
    db,
    "SELECT chain_id, count(*) AS n FROM events WHERE status != 'removed' GROUP BY chain_id",
  )) {
    counts.set(row.chain_id, row.n);
  }
  return counts;
}

/** Events per minute of block time over the `minutes` minutes before the newest event. */
export function eventsPerMinute(
  db: Database,
  chainId: number,
  minutes: number,
): { minute: number; count: number }[] {
  const newest = selectAll<{ t: number | null }>(
    db,
    'SELECT max(block_timestamp) AS t FROM events WHERE chain_id = ?',
    [chainId],
  )[0]?.t;
  if (newest === null || newest === undefined) return [];
  const lastMinute = Math.floor(newest / 60);
  const rows = selectAll<{ minute: number; n: number }>(
    db,
    `SELECT block_timestamp / 60 AS minute, count(*) AS n FROM events
     WHERE chain_id = ? AND block_timestamp >= ? AND status != 'removed' GROUP BY minute`,
    [chainId, (lastMinute - minutes + 1) * 60],
  );
  const byMinute = new Map(rows.map((row) => [row.minute, row.n]));
  const series: { minute: number; count: number }[] = [];
  for (let minute = lastMinute - minutes + 1; minute <= lastMinute; minute++) {
    series.push({ minute: minute * 60, count: byMinute.get(minute) ?? 0 });
  }
  return series;
}

// ---------------------------------------------------------------------------------------------
// Convergence with the canonical chain.

/** The hash Vigil stored for a block: its header, or else the block hash its events carry. */
export function storedBlockHash(db: Database, chainId: number, number: number): string | undefined {
  const header = blockHeaderAt(db, chainId, number);
  if (header) return header.hash;
  return selectAll<{ block_hash: string }>(
    db,
    "SELECT block_hash FROM events WHERE chain_id = ? AND block_number = ? AND status != 'removed' LIMIT 1",
    [chainId, number],
  )[0]?.block_hash;
}

/** Heights at or below `atOrBelow` that hold canonical events, newest first, with their hash. */
export function eventBlocksAtOrBelow(
  db: Database,
  chainId: number,
  atOrBelow: number,
  limit: number,
): { number: number; hash: string }[] {
  return selectAll<{ block_number: number; block_hash: string }>(
    db,
    `SELECT DISTINCT block_number, block_hash FROM events
     WHERE chain_id = ? AND block_number <= ? AND status != 'removed' ORDER BY block_number DESC LIMIT ?`,
    [chainId, atOrBelow, limit],
  ).map((row) => ({ number: row.block_number, hash: row.block_hash }));
}

export interface EventIdentity {
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  transactionHash: string;
}

/** Canonical stored events of some contracts in a block range, as identities. */
export function storedIdentities(
  db: Database,
  chainId: number,
  contractIds: readonly string[],
  fromBlock: number,
  toBlock: number,
): (EventIdentity & { id: number })[] {
  if (contractIds.length === 0) return [];
  return selectAll<{
    id: number;
    block_number: number;
    block_hash: string;
    log_index: number;
    transaction_hash: string;
  }>(
    db,
    `SELECT id, block_number, block_hash, log_index, transaction_hash FROM events
     WHERE chain_id = ? AND block_number BETWEEN ? AND ? AND status != 'removed'
       AND contract_id IN (${contractIds.map(() => '?').join(', ')})
     ORDER BY block_number, log_index`,
    [chainId, fromBlock, toBlock, ...contractIds],
  ).map((row) => ({
    id: row.id,
    blockNumber: row.block_number,
    blockHash: row.block_hash,
    logIndex: row.log_index,
    transactionHash: row.transaction_hash,
  }));
}

export interface CanonicalRange {
  chainId: number;
  /** The contracts whose events in the range are replaced by `events`. */
  contractIds: string[];
  fromBlock: number;
  toBlock: number;
  /** Every canonical event of those contracts in the range. */
  events: StoredEvent[];
  /** Canonical headers for the range, when known; stored headers in the range are replaced. */
  blocks: BlockHeader[];
}

/**
 * Makes a block range of the store equal to the canonical chain in one step: stored events
 * the chain no longer has are marked removed, events it has that the store lacks are added
 * (or restored), and headers in the range are replaced. Cursors are left alone: the range stays
 * indexed, now correctly.
 */
export function applyCanonicalRange(
  db: Database,
  range: CanonicalRange,
  options: { trimBlocks?: boolean; SQL?: SqlJsStatic } = {},
): { removed: EventRow[]; added: EventRow[] } {
  const key = (event: { blockHash: string; logIndex: number }): string =>
    `${event.blockHash}:${event.logIndex}`;
  const stored = storedIdentities(
    db,
    range.chainId,
    range.contractIds,
    range.fromBlock,
    range.toBlock,
  );
  const canonicalKeys = new Set(range.events.map(key));
  const storedKeys = new Set(stored.map(key));
  const removedIds = stored
    .filter((event) => !canonicalKeys.has(key(event)))
    .map((event) => event.id);
  let removed: EventRow[] = [];
  if (removedIds.length > 0) {
    const idList = removedIds.join(', ');
    removed = selectAll<EventDbRow>(
      db,
      `SELECT ${eventColumns} FROM events WHERE id IN (${idList}) ORDER BY block_number, log_index`,
    ).map((row) => ({ ...toEventRow(row), status: 'removed' as const }));
    db.run(`UPDATE events SET status = 'removed' WHERE id IN (${idList})`);
  }
  db.run('DELETE FROM blocks WHERE chain_id = ? AND number BETWEEN ? AND ?', [
    range.chainId,
    range.fromBlock,
    range.toBlock,
  ]);
  const missing = range.events.filter((event) => !storedKeys.has(key(event)));
  const result = commitChainData(
    db,
    {
      chainId: range.chainId,
      events: missing,
      blocks: range.blocks,
      cursors: [],
    },
    options,
  );
  return { removed, added: result.inserted };
}
