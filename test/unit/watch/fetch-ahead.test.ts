// What the watcher fetched ahead is used only for the pass it was fetched for: the same
// contracts, the same first block, within the pass's bounds, a followed block only when
// following; and it is forgotten once looked at, whether used or not.
import { describe, expect, it } from 'vitest';
import { createFetchAhead } from '../../../src-main/core/watch/fetch-ahead.ts';
import type { RawBlock } from '../../../src-main/core/watch/followed-blocks.ts';

function fetchAheadWithCalls(blocks: Record<number, RawBlock | undefined> = {}) {
  const calls: unknown[] = [];
  const fetchAhead = createFetchAhead({
    fetchRange: (filter) => {
      calls.push(filter);
      return Promise.resolve({ logs: [], milliseconds: 1 });
    },
    fetchBlock: (number) => {
      calls.push(number);
      const block = blocks[number];
      return block ? Promise.resolve(block) : Promise.reject(new Error('not yet'));
    },
  });
  return { fetchAhead, calls };
}

const block7: RawBlock = { number: '0x7', hash: '0xb7', parentHash: '0xb6', timestamp: '0x1' };

describe('fetching ahead', () => {
  it('gives a range to the pass it was fetched for, once', async () => {
    const { fetchAhead, calls } = fetchAheadWithCalls();
    fetchAhead.range(['0xa'], 10, 19);
    expect(calls).toEqual([{ address: ['0xa'], fromBlock: '0xa', toBlock: '0x13' }]);
    const taken = fetchAhead.take(['0xa'], 10, 19, { following: false });
    expect(taken).toMatchObject({ fromBlock: 10, toBlock: 19 });
    expect(await taken!.result).toEqual({ logs: [], milliseconds: 1 });
    expect(fetchAhead.take(['0xa'], 10, 19, { following: false })).toBeUndefined();
  });

  it.each([
    ['other contracts', ['0xb'], 10, 19, false],
    ['another first block', ['0xa'], 11, 19, false],
    ['a range past the bounds', ['0xa'], 10, 18, false],
    ['a followed block', ['0xa'], 10, 19, true],
  ] as const)('is not used for %s, and is forgotten', (_, addresses, from, limit, following) => {
    const { fetchAhead } = fetchAheadWithCalls();
    fetchAhead.range(['0xa'], 10, 19);
    expect(fetchAhead.take(addresses, from, limit, { following })).toBeUndefined();
    expect(fetchAhead.take(['0xa'], 10, 19, { following: false })).toBeUndefined();
  });

  it("fetches a followed block's logs by its hash, or says the block is not there yet", async () => {
    const { fetchAhead, calls } = fetchAheadWithCalls({ 7: block7 });
    fetchAhead.blocks(['0xa'], 7, 7);
    expect(fetchAhead.take(['0xa'], 7, 7, { following: false })).toBeUndefined();
    fetchAhead.blocks(['0xa'], 7, 7);
    const taken = fetchAhead.take(['0xa'], 7, 7, { following: true })!;
    expect(await taken.blocks).toEqual([block7]);
    await taken.result;
    expect(calls.at(-1)).toEqual({ address: ['0xa'], blockHash: '0xb7' });

    fetchAhead.blocks(['0xa'], 8, 9);
    const missing = fetchAhead.take(['0xa'], 8, 9, { following: true })!;
    expect(await missing.blocks).toBeUndefined();
    expect(await missing.result).toMatchObject({ error: expect.any(Error) });
  });

  it('fetches several followed blocks as far as each names the one before as its parent, and their logs in one range', async () => {
    // Block 8 has no transactions (so no logs); block 7 has no filter to read (it may have some).
    const block8: RawBlock = {
      number: '0x8',
      hash: '0xb8',
      parentHash: '0xb7',
      timestamp: '0x2',
      transactions: [],
    };
    const other9: RawBlock = { number: '0x9', hash: '0xc9', parentHash: '0xc8', timestamp: '0x3' };
    const { fetchAhead, calls } = fetchAheadWithCalls({ 7: block7, 8: block8, 9: other9 });
    fetchAhead.blocks(['0xa'], 7, 10);
    const taken = fetchAhead.take(['0xa'], 7, 10, { following: true })!;
    // Block 9 is of another branch and 10 is not there: the batch ends at 8.
    expect(await taken.blocks).toEqual([block7, block8]);
    expect(await taken.result).toEqual({ logs: [], milliseconds: 1 });
    // The range, then block 7 again by its hash: the range had no logs of it, and its header
    // cannot say it has none.
    expect(calls.slice(-2)).toEqual([
      { address: ['0xa'], fromBlock: '0x7', toBlock: '0x8' },
      { address: ['0xa'], blockHash: '0xb7' },
    ]);
    // A batch asked for past the pass's bounds is not used.
    fetchAhead.blocks(['0xa'], 7, 10);
    expect(fetchAhead.take(['0xa'], 7, 9, { following: true })).toBeUndefined();
  });

  it('forgets what it fetched when dropped', () => {
    const { fetchAhead } = fetchAheadWithCalls();
    fetchAhead.range(['0xa'], 10, 19);
    fetchAhead.drop();
    expect(fetchAhead.take(['0xa'], 10, 19, { following: false })).toBeUndefined();
  });
});
