// A head commit of many rows binds them in place (bulk-insert.ts) instead of one value at a time.
// What it stores and what it answers must be what the value-by-value path stores and answers:
// rows new to the head, rows a rollback marked removed (restored), rows already there (left
// alone) and a row a node listed twice in one answer; non-ASCII text included.
import { describe, expect, it } from 'vitest';
import type { Database, SqlJsStatic } from 'sql.js';
import { createBulkInserter } from '../../../src-main/core/store/bulk-insert.ts';
import { eventInsertColumns, headSchemaSql } from '../../../src-main/core/store/chain-schema.ts';
import { commitChainData, type StoredEvent } from '../../../src-main/core/store/chain-data.ts';
import {
  inTransaction,
  loadSqlJs,
  openDatabase,
  selectAll,
} from '../../../src-main/core/store/database.ts';

const CHAIN = 7;

function eventAt(block: number, logIndex: number): StoredEvent {
  return {
    chainId: CHAIN,
    contractId: 'c1',
    blockNumber: block,
    blockHash: `0x${block.toString(16).padStart(64, '0')}`,
    blockTimestamp: logIndex % 50 === 0 ? null : 1_700_000_000 + block,
    logIndex,
    transactionHash: `0x${(block * 1_000 + (logIndex >> 2)).toString(16).padStart(64, '0')}`,
    transactionIndex: logIndex >> 2,
    address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    eventName: logIndex % 9 === 0 ? null : 'Ping',
    signature: logIndex % 9 === 0 ? null : 'Ping(address,string)',
    args:
      logIndex % 9 === 0 ? null : { who: `0x${'ab'.repeat(20)}`, note: `Grüße ${logIndex} "✓"` },
    topics: [`0x${'cd'.repeat(32)}`],
    data: `0x${logIndex.toString(16).padStart(64, '0')}`,
    status: 'pending',
  };
}

/** Every row as stored, each value with its SQLite type. */
const storedRows = (db: Database) =>
  selectAll<Record<string, unknown>>(
    db,
    `SELECT chain_id, contract_id, block_number, block_hash, block_timestamp, typeof(block_timestamp) AS tt,
       log_index, transaction_hash, transaction_index, address, event_name, signature,
       args, typeof(args) AS at, topics, data, status, typeof(status) AS st
     FROM events ORDER BY block_number, log_index`,
  );

/** A first batch, some of its rows then rolled back, and a second batch over both. */
function commitBoth(SQL: SqlJsStatic, options: { SQL?: SqlJsStatic }) {
  const db = openDatabase(SQL);
  db.run(headSchemaSql);
  const first = Array.from({ length: 300 }, (_, index) => eventAt(10, index));
  const commit = (events: StoredEvent[]) =>
    inTransaction(db, () =>
      commitChainData(db, { chainId: CHAIN, events, blocks: [], cursors: [] }, options),
    );
  const firstResult = commit(first);
  db.run("UPDATE events SET status = 'removed' WHERE log_index < 40");
  const fresh = Array.from({ length: 260 }, (_, index) => eventAt(11, index));
  const second = [...first.slice(0, 120), ...fresh, fresh[17]!];
  const secondResult = commit(second);
  const rows = storedRows(db);
  db.close();
  return {
    firstInserted: firstResult.inserted.length,
    secondInserted: secondResult.inserted.map((event) => `${event.blockNumber}:${event.logIndex}`),
    rows,
  };
}

describe('a head commit of many rows', () => {
  it('stores and answers what the value-by-value insert does', async () => {
    const SQL = await loadSqlJs();
    // This sql.js offers what binding in place needs, so the first path below is that one.
    const probe = openDatabase(SQL);
    probe.run(headSchemaSql);
    const inserter = createBulkInserter(SQL, probe, 'events', eventInsertColumns);
    expect(inserter).toBeDefined();
    inserter?.free();
    probe.close();
    const boundInPlace = commitBoth(SQL, { SQL });
    const valueByValue = commitBoth(SQL, {});
    expect(boundInPlace).toEqual(valueByValue);
    // And what that is: 300 + 260 rows, the 40 rolled back restored, the repeat stored once.
    expect(boundInPlace.rows).toHaveLength(560);
    expect(boundInPlace.rows.filter((row) => row['status'] === 'removed')).toHaveLength(0);
    expect(boundInPlace.firstInserted).toBe(300);
    // The 40 restored rows, the 260 new ones and the repeat (a no-op the insert still reports).
    expect(boundInPlace.secondInserted).toHaveLength(40 + 260 + 1);
    expect(boundInPlace.rows[0]).toMatchObject({ at: 'null', tt: 'null', st: 'text' });
    expect(boundInPlace.rows[1]).toMatchObject({
      at: 'text',
      tt: 'integer',
      args: JSON.stringify(eventAt(10, 1).args),
    });
  });

  it('reads one contract through the position index and removes its rows through an index', async () => {
    // The head keeps no (contract, block) index: every events query names the chain.
    const SQL = await loadSqlJs();
    const db = openDatabase(SQL);
    db.run(headSchemaSql);
    const plan = (sql: string): string =>
      selectAll<{ detail: string }>(db, `EXPLAIN QUERY PLAN ${sql}`)
        .map((step) => step.detail)
        .join('; ');
    expect(
      plan(
        "SELECT * FROM events WHERE chain_id = 7 AND contract_id = 'c1' AND status != 'removed' ORDER BY block_number DESC, log_index DESC LIMIT 100",
      ),
    ).toBe('SEARCH events USING INDEX events_by_position (chain_id=?)');
    expect(plan("DELETE FROM events WHERE contract_id = 'c1'")).toBe(
      'SEARCH events USING INDEX events_by_contract_event (contract_id=?)',
    );
    db.close();
  });
});
