import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDriftHistory } from '../../../src-main/core/engine/drift-history.ts';
import { createPushBatcher } from '../../../src-main/core/engine/push-batcher.ts';
import type { EventRow } from '../../../src-main/ipc/contract.ts';

function row(blockNumber: number): EventRow {
  return {
    chainId: 1,
    blockNumber,
    blockHash: `0x${blockNumber.toString(16)}`,
    blockTimestamp: null,
    logIndex: 0,
    transactionHash: '0x00',
    transactionIndex: 0,
    address: '0x0000000000000000000000000000000000000001',
    contractId: 'c',
    eventName: 'E',
    signature: 'E()',
    args: {},
    topics: [],
    data: '0x',
    status: 'confirmed',
  };
}

describe('push batcher', () => {
  afterEach(() => vi.useRealTimers());

  it('sends many rows in one message per interval, newest kept when over the cap', () => {
    vi.useFakeTimers();
    const sent: { name: string; rows: number[] }[] = [];
    const batcher = createPushBatcher(
      (name, payload) =>
        sent.push({ name, rows: (payload as { rows: EventRow[] }).rows.map((r) => r.blockNumber) }),
      {
        intervalMs: 100,
        maxRowsPerFlush: 3,
      },
    );
    batcher.addRows([row(1), row(2)]);
    batcher.addRows([row(3), row(4), row(5)]);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ name: 'events.batch', rows: [3, 4, 5] }]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(1); // nothing new, nothing sent
    batcher.addRows([row(6)]);
    batcher.flush();
    expect(sent.at(-1)).toEqual({ name: 'events.batch', rows: [6] });
    batcher.stop();
  });
});

describe('drift history', () => {
  it('keeps the newest samples per chain, oldest first, and forgets a removed chain', () => {
    const history = createDriftHistory(3);
    for (let at = 1; at <= 5; at++)
      history.record(7, { at, headBlock: at, indexedThrough: at, lagBlocks: 0, lagSeconds: 0 });
    history.record(8, {
      at: 1,
      headBlock: null,
      indexedThrough: null,
      lagBlocks: null,
      lagSeconds: null,
    });
    expect(history.samples(7).map((sample) => sample.at)).toEqual([3, 4, 5]);
    history.forget(7);
    expect(history.samples(7)).toEqual([]);
    expect(history.samples(8)).toHaveLength(1);
  });
});
