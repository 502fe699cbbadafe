// The tables chain data lives in: the same events and blocks tables in the head and in every
// sealed segment, so one set of queries serves both. The head also keeps what the watcher
// needs to resume (cursors, how far each chain is confirmed) and what it found (reorgs,
// reconciliations). Segments get their indexes after their rows are in (a bulk build).

const eventsTable = `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    contract_id TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    block_timestamp INTEGER,
    log_index INTEGER NOT NULL,
    transaction_hash TEXT NOT NULL,
    transaction_index INTEGER NOT NULL,
    address TEXT NOT NULL,
    event_name TEXT,
    signature TEXT,
    args TEXT,
    topics TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL
  );
  CREATE TABLE blocks (
    chain_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    timestamp INTEGER,
    PRIMARY KEY (chain_id, number)
  );`;

/** Rows arrive in block order, so this index grows at its end and is kept while building. */
export const positionIndexSql = `
  CREATE INDEX events_by_position ON events (chain_id, block_number, log_index);`;

/** The index every event source has; built after the rows when a segment is sealed. */
export const lookupIndexesSql = `
  CREATE INDEX events_by_contract_event ON events (contract_id, event_name, block_number, log_index);`;

/**
 * A look-up by transaction hash reads only the segments whose Bloom filter may hold the hash (one
 * or two of a thousand), and scans such a segment's few thousand rows in a millisecond or two.
 * So a segment is built without this index: with the largest keys of any, it was about half of a
 * segment's index time and a tenth of its bytes. The head keeps it; older segments keep theirs.
 */
const transactionIndexSql =
  'CREATE INDEX events_by_transaction ON events (transaction_hash, block_number, log_index);';

/**
 * No index of (contract, block, log index) is built any more. A page of one contract's rows,
 * newest first, is read through the position index: SQLite takes the index that gives the page
 * its order over this one, then stops at the page's last row (a 5,000-row segment with the
 * contract in one row is read whole in about 2 ms either way). A contract's rows are removed
 * through events_by_contract_event, whose first column is the contract. It was 4.5 ms of a
 * segment's ~40 ms build, and in the head about a sixth of a dense batch's insert (12,000 rows:
 * 144–152 ms without it, 177–187 with). Older segments keep theirs; the head drops it at open
 * (OLD_HEAD_INDEXES_SQL).
 */
export const OLD_HEAD_INDEXES_SQL = 'DROP INDEX IF EXISTS events_by_contract;';

/**
 * Indexes only the head keeps. Its identity index is what makes an insert of a row already
 * stored a no-op (ON CONFLICT); a segment's rows come from a deduplicated head or a build that
 * skips a repeated identity, and are never written again. The Bloom filter over block hashes
 * picks the segment a look-up by identity reads, whose few thousand rows are read in a
 * millisecond or two; a time range is narrowed to segments by the manifest's times and read
 * in position order. Building those two was a third of a segment's index time and a tenth of
 * its bytes (older segments keep theirs; nothing depends on them being there). Why segments go
 * without the transaction index is said where it is defined, above.
 */
const headOnlyIndexesSql = `
  CREATE UNIQUE INDEX events_identity ON events (chain_id, block_hash, log_index);
  CREATE INDEX events_by_time ON events (chain_id, block_timestamp);
  ${transactionIndexSql}`;

export const segmentSchemaSql = eventsTable;

/** The events columns an insert names, in schema order (an EventTuple's order). */
export const eventInsertColumns =
  'chain_id, contract_id, block_number, block_hash, block_timestamp, log_index, transaction_hash, transaction_index, address, event_name, signature, args, topics, data, status';
export const eventColumnCount = eventInsertColumns.split(', ').length;

export const headSchemaSql = `${eventsTable}
  ${positionIndexSql}
  ${lookupIndexesSql}
  ${headOnlyIndexesSql}
  CREATE INDEX events_pending ON events (chain_id, block_number) WHERE status = 'pending';
  CREATE TABLE head_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE cursors (
    chain_id INTEGER NOT NULL,
    contract_id TEXT NOT NULL,
    indexed_through INTEGER NOT NULL,
    PRIMARY KEY (chain_id, contract_id)
  );
  CREATE TABLE chain_state (
    chain_id INTEGER PRIMARY KEY,
    confirmed_through INTEGER NOT NULL
  );
  CREATE TABLE reorgs (
    id INTEGER PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    detected_at INTEGER NOT NULL,
    fork_block INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    old_blocks TEXT NOT NULL,
    new_blocks TEXT NOT NULL,
    events_removed INTEGER NOT NULL,
    events_added INTEGER NOT NULL,
    beyond_window INTEGER NOT NULL
  );
  CREATE INDEX reorgs_by_chain ON reorgs (chain_id, id);
  CREATE TABLE reconciliations (
    id INTEGER PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    from_block INTEGER NOT NULL,
    to_block INTEGER NOT NULL,
    stored_count INTEGER NOT NULL,
    chain_count INTEGER NOT NULL,
    missing TEXT NOT NULL,
    extra TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT
  );
  CREATE INDEX reconciliations_by_chain ON reconciliations (chain_id, id);`;

const integerColumns = new Set([
  'chain_id',
  'block_number',
  'block_timestamp',
  'log_index',
  'transaction_index',
]);

/**
 * One row's placeholders for eventInsertColumns: text columns take their value as UTF-8 bytes
 * and cast it back (see utf8Parameters in database.ts), whole numbers take it as it is.
 */
export const eventRowPlaceholders = `(${eventInsertColumns
  .split(', ')
  .map((column) => (integerColumns.has(column) ? '?' : 'CAST(? AS TEXT)'))
  .join(', ')})`;
