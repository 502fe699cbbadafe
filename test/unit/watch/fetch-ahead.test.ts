// What the watcher fetched ahead is used only for the pass it was fetched for: the same
// contracts, the same first block, within the pass's bounds, a followed block only when
// following; and it is forgotten once looked at, whether used or not. And what is asked for
// ahead: how many ranges, up to where, and when followed blocks come instead. A range or batch of
// followed blocks forgotten is aborted.
import { describe, expect, it } from 'vitest';
import {
  createFetchAhead,
  planAhead,
  createAheadTimes,
  MAX_RANGES_AHEAD,
  rangesAheadFor,
  type AheadPlan,
} from '../../../src-main/core/watch/fetch-ahead.ts';
import type { RawBlock } from '../../../src-main/core/watch/followed-blocks.ts';

function fetchAheadWithCalls(blocks: Record<number, RawBlock | undefined> = {}) {
  const calls: unknown[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const fetchAhead = createFetchAhead({
    fetchRange: (filter, signal) => {
      calls.push(filter);
      signals.push(signal);
      return Promise.resolve({ logs: [], milliseconds: 1 });
    },
    fetchBlock: (number) => {
      calls.push(number);
      const block = blocks[number];
      return block ? Promise.resolve(block) : Promise.reject(new Error('not yet'));
    },
  });
  return { fetchAhead, calls, signals };
}

const aborted = (signals: readonly (AbortSignal | undefined)[]): boolean[] =>
  signals.map((signal) => signal?.aborted ?? false);

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
    // The range (asked for with the headers, so to the last block asked for), then block 7 again
    // by its hash: the range had no logs of it, and its header cannot say it has none.
    expect(calls.slice(-2)).toEqual([
      { address: ['0xa'], fromBlock: '0x7', toBlock: '0xa' },
      { address: ['0xa'], blockHash: '0xb7' },
    ]);
    // A batch asked for past the pass's bounds is not used.
    fetchAhead.blocks(['0xa'], 7, 10);
    expect(fetchAhead.take(['0xa'], 7, 9, { following: true })).toBeUndefined();
  });

  it('aborts the ranges it forgets, and never one it hands to its pass', () => {
    const { fetchAhead, signals } = fetchAheadWithCalls();
    fetchAhead.range(['0xa'], 10, 19);
    fetchAhead.range(['0xa'], 20, 29);
    fetchAhead.range(['0xa'], 30, 39);
    expect(fetchAhead.take(['0xa'], 10, 19, { following: false })).toBeDefined();
    expect(aborted(signals)).toEqual([false, false, false]);
    // Passed over (the pass wanted another start): that range and the one after it.
    expect(fetchAhead.take(['0xa'], 21, 39, { following: false })).toBeUndefined();
    expect(aborted(signals)).toEqual([false, true, true]);
    fetchAhead.range(['0xa'], 40, 49);
    fetchAhead.drop();
    expect(aborted(signals)).toEqual([false, true, true, true]);
  });

  it('aborts the logs of a batch of followed blocks it forgets, and never of one it hands on', async () => {
    // Without transactions, so a block without logs is not asked for again by its hash.
    const quiet7: RawBlock = { ...block7, transactions: [] };
    const quiet8: RawBlock = { ...quiet7, number: '0x8', hash: '0xb8', parentHash: '0xb7' };
    const { fetchAhead, signals } = fetchAheadWithCalls({ 7: quiet7, 8: quiet8 });
    fetchAhead.blocks(['0xa'], 7, 8);
    const taken = fetchAhead.take(['0xa'], 7, 8, { following: true })!;
    await taken.result;
    fetchAhead.blocks(['0xa'], 7, 8);
    // The range is asked for beside the headers, before any of them is back.
    expect(aborted(signals)).toEqual([false, false]);
    fetchAhead.drop();
    expect(aborted(signals)).toEqual([false, true]);
  });

  it('forgets what it fetched when dropped', () => {
    const { fetchAhead } = fetchAheadWithCalls();
    fetchAhead.range(['0xa'], 10, 19);
    fetchAhead.drop();
    expect(fetchAhead.take(['0xa'], 10, 19, { following: false })).toBeUndefined();
  });
});

describe('planning what to ask for ahead', () => {
  /** A backfill far from the head: ranges of 10 blocks after block 100, nothing queued. */
  const backfill: AheadPlan = {
    queued: [],
    through: 100,
    following: false,
    head: 10_000,
    followDistance: 16,
    nextHigher: Infinity,
    rangeLimit: 10_000 - 16,
    dense: true,
    rangesAhead: 3,
    rangeSize: 10,
    followedBatchEnd: (from) => from + 4,
  };

  it('asks for as many ranges as it is told after a dense answer, one after the other', () => {
    expect(planAhead(backfill)).toEqual([
      { kind: 'range', fromBlock: 101, toBlock: 110 },
      { kind: 'range', fromBlock: 111, toBlock: 120 },
      { kind: 'range', fromBlock: 121, toBlock: 130 },
    ]);
    expect(planAhead({ ...backfill, rangesAhead: 1 })).toEqual([
      { kind: 'range', fromBlock: 101, toBlock: 110 },
    ]);
  });

  it('asks a near node for one range ahead, a distant one for up to MAX_RANGES_AHEAD', () => {
    expect(MAX_RANGES_AHEAD).toBe(3);
    // Nothing measured yet (a backfill's first pass): one.
    expect(rangesAheadFor([], [])).toBe(1);
    expect(rangesAheadFor([500], [])).toBe(1);
    // A near node's answers, read at the latest when the pass after waits: about a pass or less.
    expect(rangesAheadFor([20, 38, 35], [35, 30, 40])).toBe(1);
    // One slow answer among fast ones is the machine, not the node.
    expect(rangesAheadFor([20, 400, 30], [35, 35, 35])).toBe(1);
    // Every answer slower than a typical pass: as many passes as cover the fastest.
    expect(rangesAheadFor([60, 70], [35, 35, 35])).toBe(2);
    expect(rangesAheadFor([160, 150, 170], [20, 35, 300])).toBe(3);
    expect(rangesAheadFor([5_000], [35])).toBe(MAX_RANGES_AHEAD);
    // A pass that took no time at all does not divide by zero.
    expect(rangesAheadFor([10], [0])).toBe(MAX_RANGES_AHEAD);
  });

  it('judges by the last 8 passes, and by none once a backfill starts again', () => {
    const times = createAheadTimes();
    expect(times.rangesAhead()).toBe(1);
    // A near node: answers within a pass.
    for (let pass = 0; pass < 8; pass++) {
      times.answered(20);
      times.stored(30);
    }
    expect(times.rangesAhead()).toBe(1);
    // Then a distant one (another URL): three once its answers fill the window.
    for (let pass = 0; pass < 7; pass++) times.answered(200);
    expect(times.rangesAhead()).toBe(1);
    times.answered(200);
    expect(times.rangesAhead()).toBe(3);
    times.forget();
    expect(times.rangesAhead()).toBe(1);
  });

  it('asks for one range after a quiet answer', () => {
    expect(planAhead({ ...backfill, dense: false })).toEqual([
      { kind: 'range', fromBlock: 101, toBlock: 110 },
    ]);
  });

  it('tops up what is queued, after its last range', () => {
    const queued = [{ toBlock: 110 }, { toBlock: 120 }];
    expect(planAhead({ ...backfill, queued })).toEqual([
      { kind: 'range', fromBlock: 121, toBlock: 130 },
    ]);
    expect(planAhead({ ...backfill, queued, dense: false })).toEqual([]);
  });

  it('stops ranges at the range limit (another contract, or the followed tail)', () => {
    expect(planAhead({ ...backfill, rangeLimit: 115 })).toEqual([
      { kind: 'range', fromBlock: 101, toBlock: 110 },
      { kind: 'range', fromBlock: 111, toBlock: 115 },
    ]);
  });

  it('asks for the first followed blocks once the ranges reach the followed tail', () => {
    const nearHead = { ...backfill, head: 136, rangeLimit: 120 };
    expect(planAhead(nearHead)).toEqual([
      { kind: 'range', fromBlock: 101, toBlock: 110 },
      { kind: 'range', fromBlock: 111, toBlock: 120 },
      { kind: 'blocks', fromBlock: 121, toBlock: 125 },
    ]);
  });

  it('asks for one batch of followed blocks when following, and not past the next cursor', () => {
    const following = { ...backfill, following: true, head: 110 };
    expect(planAhead(following)).toEqual([{ kind: 'blocks', fromBlock: 101, toBlock: 105 }]);
    expect(planAhead({ ...following, nextHigher: 100 })).toEqual([]);
    expect(planAhead({ ...following, head: 100 })).toEqual([]);
  });

  it('asks for nothing after followed blocks already asked for', () => {
    const queued = [{ toBlock: 105, blocks: Promise.resolve(undefined) }];
    expect(planAhead({ ...backfill, queued })).toEqual([]);
    expect(planAhead({ ...backfill, queued, following: true })).toEqual([]);
  });
});
