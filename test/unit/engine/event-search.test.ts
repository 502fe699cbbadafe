// The search's paging rules, over a store stand-in that pages like the real one: a page ends
// when it is full or the budget is spent, and its cursor goes on exactly where it stopped, so
// nothing is skipped or shown twice. (The searches themselves run on anvil in
// test/integration/engine/event-search.test.ts.)
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import { searchEvents } from '../../../src-main/core/engine/event-search.ts';
import { encodeCursor, positionOf, type EventsQuery } from '../../../src-main/core/store/index.ts';

const TARGET = '0x00000000000000000000000000000000000000aa';
const OTHER = '0x00000000000000000000000000000000000000bb';

function rowAt(block: number, to: string): EventRow {
  return {
    chainId: 1,
    blockNumber: block,
    blockHash: `0x${block.toString(16).padStart(64, '0')}`,
    blockTimestamp: null,
    logIndex: 0,
    transactionHash: `0x${(block + 1000).toString(16).padStart(64, '0')}`,
    transactionIndex: 0,
    address: OTHER,
    contractId: `1:${OTHER}`,
    eventName: 'Transfer',
    signature: 'Transfer(address,address,uint256)',
    args: { from: OTHER, to, value: '1' },
    topics: [],
    data: '0x',
    status: 'confirmed',
  } as EventRow;
}

/** Pages in ascending order with the real store's cursor encoding. */
function storeOf(rows: EventRow[]) {
  return {
    findContract: () => undefined,
    queryEvents(query: EventsQuery) {
      const start =
        query.cursor === undefined
          ? 0
          : rows.findIndex((row) => encodeCursor(positionOf(row)) === query.cursor) + 1;
      const limit = query.limit ?? 1000;
      const page = rows.slice(start, start + limit);
      return {
        rows: page,
        ...(start + limit < rows.length
          ? { nextCursor: encodeCursor(positionOf(page.at(-1)!)) }
          : {}),
      };
    },
  };
}

describe('searchEvents paging', () => {
  const rows = Array.from({ length: 10 }, (_, index) =>
    rowAt(index, index % 4 === 3 ? TARGET : OTHER),
  );
  const noTransactions = () => Promise.reject(new Error('not needed'));

  it('a full page ends at its last match and goes on after it', async () => {
    const deps = {
      store: storeOf(rows),
      transactionOf: async () => ({ from: OTHER, to: OTHER, value: '0' }),
    };
    const first = await searchEvents(deps, { touches: TARGET, limit: 1 });
    expect(first.rows.map((row) => row.blockNumber)).toEqual([3]);
    const second = await searchEvents(deps, {
      touches: TARGET,
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second.rows.map((row) => row.blockNumber)).toEqual([7]);
    const last = await searchEvents(deps, {
      touches: TARGET,
      limit: 1,
      cursor: second.nextCursor!,
    });
    expect(last.rows).toEqual([]);
    expect(last.nextCursor).toBeUndefined();
  });

  it('a spent row budget ends the page early with a cursor after the last row read', async () => {
    const deps = {
      store: storeOf(rows),
      transactionOf: async () => ({ from: OTHER, to: OTHER, value: '0' }),
      budget: { rows: 2, transactions: 100 },
    };
    const first = await searchEvents(deps, { touches: TARGET, limit: 5 });
    expect(first).toMatchObject({ rows: [], scanned: 2, searchedThrough: 1 });
    const second = await searchEvents(deps, {
      touches: TARGET,
      limit: 5,
      cursor: first.nextCursor!,
    });
    expect(second.rows.map((row) => row.blockNumber)).toEqual([3]);
    expect(second.searchedThrough).toBe(3);
  });

  it('a spent transaction budget stops before the row that needed one more', async () => {
    let asked = 0;
    const deps = {
      store: storeOf(rows),
      transactionOf: async () => {
        asked += 1;
        return { from: OTHER, to: OTHER, value: '0' };
      },
      budget: { rows: 100, transactions: 3 },
    };
    // Rows 0–2 need their transaction (the address is not in their arguments); row 3 holds it.
    const first = await searchEvents(deps, { touches: TARGET, limit: 5 });
    expect(first.rows.map((row) => row.blockNumber)).toEqual([3]);
    expect(first.searchedThrough).toBe(3);
    expect(asked).toBe(3);
  });

  it('without where or touches it is the store’s own page', async () => {
    const page = await searchEvents(
      { store: storeOf(rows), transactionOf: noTransactions },
      { limit: 4 },
    );
    expect(page.rows).toHaveLength(4);
    expect(page).not.toHaveProperty('scanned');
  });
});
