// A segment is built in a file sized ahead for its rows: the finished image holds its pages and
// nothing after them, whether the rows fit the room made for them or outgrew it, and it reads
// back every row it was given.
import type { SqlJsStatic } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { loadSqlJs } from '../../../src-main/core/store/database.ts';
import {
  createSegmentBuilder,
  type EventTuple,
} from '../../../src-main/core/store/segment-file.ts';
import { bloomFilter } from '../../../src-main/core/store/bloom.ts';
import {
  eventColumnCount,
  eventInsertColumns,
  headSchemaSql,
} from '../../../src-main/core/store/chain-schema.ts';
import { packRows } from '../../../src-main/core/store/packed-rows.ts';
import { decodeSnapshot } from '../../../src-main/core/store/snapshot.ts';

const word = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

/** Rows of one block each 4 rows, with `argsBytes` of text in their args. */
function rows(count: number, argsBytes: number): EventTuple[] {
  return Array.from({ length: count }, (_, index) => {
    const block = 100 + Math.floor(index / 4);
    return [
      1,
      'contract-a',
      block,
      word(block),
      1_700_000_000 + block,
      index % 4,
      word(1_000_000 + index),
      index % 4,
      `0x${'ab'.repeat(20)}`,
      'Ping',
      'Ping(uint256,string)',
      JSON.stringify({ n: String(index), note: 'x'.repeat(argsBytes) }),
      JSON.stringify([word(0xabc), word(index)]),
      word(index),
      'confirmed',
    ];
  });
}

async function imageOf(
  events: EventTuple[],
  expectedRows: number,
  sqlJs?: (SQL: SqlJsStatic) => SqlJsStatic,
) {
  const loaded = await loadSqlJs();
  const SQL = sqlJs ? sqlJs(loaded) : loaded;
  // A builder sizes its file for the rows it is told to expect; one given more than that (a
  // backfill's estimate was short) must still come out whole.
  const builder = createSegmentBuilder(SQL, 1, expectedRows);
  builder.append(packRows(events, eventColumnCount));
  const built = builder.finish(1);
  const decoded = decodeSnapshot(Buffer.from(built.image));
  if ('reason' in decoded) throw new Error(decoded.reason);
  const db = new SQL.Database(decoded.image);
  try {
    const pageSize = db.exec('PRAGMA page_size')[0]!.values[0]![0] as number;
    const pageCount = db.exec('PRAGMA page_count')[0]!.values[0]![0] as number;
    return {
      bytes: decoded.image.length,
      pagesBytes: pageSize * pageCount,
      integrity: db.exec('PRAGMA integrity_check')[0]!.values[0]![0],
      stored: db.exec('SELECT count(*), sum(length(args)) FROM events')[0]!.values[0],
      rows: db.exec(`SELECT ${eventInsertColumns} FROM events ORDER BY block_number, log_index`)[0]!
        .values,
      summary: built.summary,
      indexes: db
        .exec("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")[0]!
        .values.map(([name]) => name),
      contractPagePlan: db
        .exec(
          "EXPLAIN QUERY PLAN SELECT * FROM events WHERE chain_id = 1 AND contract_id = 'contract-a' AND status != 'removed' ORDER BY block_number DESC, log_index DESC LIMIT 101",
        )[0]!
        .values.map((row) => row[3])
        .join('; '),
    };
  } finally {
    db.close();
  }
}

describe('a segment built in a pre-sized file', () => {
  it('holds its pages and nothing after them, with every row', async () => {
    const events = rows(2_000, 40);
    const image = await imageOf(events, events.length);
    expect(image.bytes).toBe(image.pagesBytes);
    expect(image.integrity).toBe('ok');
    expect(image.stored).toEqual([
      2_000,
      events.reduce((sum, row) => sum + (row[11] as string).length, 0),
    ]);
    expect(image.summary).toMatchObject({ events: 2_000, fromBlock: 100, toBlock: 599 });
  });

  it('has the indexes its look-ups use, and reads a page of one contract by position', async () => {
    const image = await imageOf(rows(500, 10), 500);
    // No index by contract alone: SQLite reads such a page through the position index (it gives
    // the page its order), so building one only cost time. None by transaction hash: the Bloom
    // filter picks the segment, whose rows are scanned.
    expect(image.indexes).toEqual([
      'events_by_contract_event',
      'events_by_position',
      'sqlite_autoindex_blocks_1',
    ]);
    expect(image.contractPagePlan).toMatch(/USING INDEX events_by_position/);
  });

  it('leaves the head its index by transaction hash (its look-ups have no Bloom filter)', async () => {
    const SQL = await loadSqlJs();
    const head = new SQL.Database();
    try {
      head.run(headSchemaSql);
      const plan = head
        .exec(
          `EXPLAIN QUERY PLAN SELECT * FROM events WHERE +chain_id = 1 AND transaction_hash = '${word(7)}' ORDER BY block_number, log_index LIMIT 101`,
        )[0]!
        .values.map((row) => row[3])
        .join('; ');
      expect(plan).toMatch(/USING INDEX events_by_transaction/);
    } finally {
      head.close();
    }
  });

  it('comes out whole when its rows outgrow the room made for them', async () => {
    // Ten times the rows expected, each with 3 kB of args: the file grows past its first size.
    const events = rows(1_000, 3_000);
    const image = await imageOf(events, 100);
    expect(image.bytes).toBeGreaterThan(100 * 1_200);
    expect(image.bytes).toBe(image.pagesBytes);
    expect(image.integrity).toBe('ok');
    expect(image.stored![0]).toBe(1_000);
  });

  it('summarises its packed rows: counts per contract and event, removed rows apart, every hash in its filter', async () => {
    // Runs of rows sharing a transaction, contract, event and status, and rows that break them.
    const events = rows(400, 10).map((row, index): EventTuple => {
      const changed = [...row];
      changed[1] = index % 50 < 30 ? 'contract-a' : 'contract-b';
      changed[4] = index % 7 === 0 ? null : (row[4] as number);
      changed[6] = word(5_000 + Math.floor(index / 3));
      changed[9] = index % 10 < 6 ? 'Ping' : index % 10 < 9 ? 'Pong' : null;
      changed[14] = index % 40 >= 37 ? 'removed' : 'confirmed';
      return changed;
    });
    const SQL = await loadSqlJs();
    const builder = createSegmentBuilder(SQL, 1, events.length);
    builder.append(packRows(events.slice(0, 150), eventColumnCount));
    builder.append(packRows(events.slice(150), eventColumnCount));
    const built = builder.finish(7);

    const counts: Record<string, number> = {};
    for (const row of events.filter((row) => row[14] !== 'removed')) {
      const key = `${row[1]} ${row[9] ?? ''}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const times = events.map((row) => row[4]).filter((time) => time !== null) as number[];
    expect(built.summary).toMatchObject({
      events: events.filter((row) => row[14] !== 'removed').length,
      removed: events.filter((row) => row[14] === 'removed').length,
      counts,
      minTime: Math.min(...times),
      maxTime: Math.max(...times),
      fromBlock: 100,
      toBlock: 199,
    });
    const filter = bloomFilter(built.bloom);
    for (const row of events) {
      expect(filter.mayContain(row[6] as string)).toBe(true);
      expect(filter.mayContain(row[3] as string)).toBe(true);
    }
  });

  it('holds the same rows when sql.js does not offer in-place binding (its own binding is used)', async () => {
    const events = rows(450, 20);
    const lacking = (SQL: SqlJsStatic) =>
      ({ ...SQL, _sqlite3_bind_text: undefined }) as unknown as SqlJsStatic;
    const bound = await imageOf(events, events.length);
    const fallback = await imageOf(events, events.length, lacking);
    expect(fallback.integrity).toBe('ok');
    expect(fallback.rows).toEqual(events);
    expect(fallback.rows).toEqual(bound.rows);
    expect(fallback.summary).toEqual(bound.summary);
  });
});
