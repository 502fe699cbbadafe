// Nonce lanes: the next nonce is past both the chain's pending count and every nonce Vigil holds
// in flight; a lane's gaps are the nonces nothing will fill; a lane runs one critical section at
// a time (so two approvals never take the same nonce) while other lanes go on.
import { describe, expect, it } from 'vitest';
import { txInFlightStatuses } from '../../../src-main/ipc/contract.ts';
import type { RpcPool } from '../../../src-main/core/chains/index.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import { createNonceManager } from '../../../src-main/core/txqueue/nonce-manager.ts';

const SIGNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** A store holding in-flight transactions with these nonces, and a node with these counts. */
function lanes(options: {
  held: (number | null)[];
  latest?: number;
  pending?: number;
  nodeError?: Error;
}) {
  const queries: unknown[] = [];
  const requests: unknown[][] = [];
  const store = {
    listTransactions(query: unknown) {
      queries.push(query);
      return options.held.map((nonce) => ({ nonce }));
    },
  } as unknown as Store;
  const rpc = (chainId: number) =>
    ({
      request(method: string, params: [string, string]) {
        requests.push([chainId, method, ...params]);
        if (options.nodeError) return Promise.reject(options.nodeError);
        const counts: Record<string, number | undefined> = {
          latest: options.latest,
          pending: options.pending,
        };
        if (method !== 'eth_getTransactionCount' || !(params[1] in counts))
          return Promise.reject(new Error(`unexpected ${method} ${params[1]}`));
        return Promise.resolve(`0x${(counts[params[1]] ?? 0).toString(16)}`);
      },
    }) as unknown as RpcPool;
  return { manager: createNonceManager({ store, rpc }), queries, requests };
}

describe('nextNonce', () => {
  it("is the chain's pending count when Vigil holds nothing in flight", async () => {
    const { manager, queries, requests } = lanes({ held: [], pending: 12 });
    expect(await manager.nextNonce(31337, SIGNER)).toBe(12);
    expect(queries).toEqual([
      {
        chainId: 31337,
        from: SIGNER,
        statuses: txInFlightStatuses,
        limit: 1000,
        withoutTimeline: true,
      },
    ]);
    expect(requests).toEqual([[31337, 'eth_getTransactionCount', SIGNER, 'pending']]);
  });

  it('is one past the highest nonce held when that is ahead of the chain', async () => {
    expect(await lanes({ held: [5, null, 7, 6], pending: 3 }).manager.nextNonce(1, SIGNER)).toBe(8);
  });

  it('ignores in-flight transactions that hold no nonce', async () => {
    expect(await lanes({ held: [null], pending: 0 }).manager.nextNonce(1, SIGNER)).toBe(0);
    const { manager } = lanes({ held: [null, 2], latest: 2, pending: 2 });
    expect(await manager.lane(1, SIGNER)).toMatchObject({ nextNonce: 3, inFlight: 1, gaps: [] });
  });

  it('is the pending count when the chain is ahead of everything held', async () => {
    expect(await lanes({ held: [4], pending: 10 }).manager.nextNonce(1, SIGNER)).toBe(10);
    expect(await lanes({ held: [9], pending: 10 }).manager.nextNonce(1, SIGNER)).toBe(10);
    expect(await lanes({ held: [10], pending: 10 }).manager.nextNonce(1, SIGNER)).toBe(11);
  });
});

describe('lane', () => {
  it('reports the counts, what is in flight, and the nonces nothing will fill', async () => {
    const { manager } = lanes({ held: [3, 5, 8], latest: 2, pending: 3 });
    expect(await manager.lane(31337, SIGNER)).toEqual({
      chainId: 31337,
      address: SIGNER,
      nextNonce: 9,
      latestNonce: 2,
      pendingNonce: 3,
      // 2 is in the mempool (below pending), 3, 5 and 8 are held.
      gaps: [4, 6, 7],
      inFlight: 3,
      error: null,
    });
  });

  it('has no gaps when everything between the mined count and the next nonce is taken', async () => {
    const { manager } = lanes({ held: [4, 5], latest: 1, pending: 4 });
    expect(await manager.lane(1, SIGNER)).toMatchObject({ nextNonce: 6, gaps: [] });
  });

  it('lists at most 100 gaps', async () => {
    const { manager } = lanes({ held: [500], latest: 0, pending: 0 });
    const { gaps } = await manager.lane(1, SIGNER);
    expect(gaps).toEqual(Array.from({ length: 100 }, (_, nonce) => nonce));
  });

  it("says what went wrong when the node does not answer, in the error's first line", async () => {
    const { manager } = lanes({ held: [1, 2], nodeError: new Error('node down\nat stack') });
    expect(await manager.lane(5, SIGNER)).toEqual({
      chainId: 5,
      address: SIGNER,
      nextNonce: null,
      latestNonce: null,
      pendingNonce: null,
      gaps: [],
      inFlight: 2,
      error: 'node down',
    });
  });
});

/** A promise and the function that resolves it: a barrier a test opens when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('withLane', () => {
  it('runs one critical section at a time per lane, whatever the address case', async () => {
    const { manager } = lanes({ held: [] });
    const order: string[] = [];
    const first = gate();
    const a = manager.withLane(1, SIGNER, async () => {
      order.push('a starts');
      await first.opened;
      order.push('a ends');
      return 'a';
    });
    const b = manager.withLane(1, SIGNER.toLowerCase(), async () => {
      order.push('b runs');
      return 'b';
    });
    // b is queued behind a: let every pending callback run, then open a's gate.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a starts']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('lets other lanes (another signer or chain) run meanwhile', async () => {
    const { manager } = lanes({ held: [] });
    const held = gate();
    const blocked = manager.withLane(1, SIGNER, () => held.opened);
    const otherChain = manager.withLane(2, SIGNER, () => Promise.resolve('chain 2'));
    const otherSigner = manager.withLane(1, `0x${'1'.repeat(40)}`, () => Promise.resolve('other'));
    expect(await Promise.all([otherChain, otherSigner])).toEqual(['chain 2', 'other']);
    held.open();
    await blocked;
  });

  it('passes a failure to its caller and does not block the lane', async () => {
    const { manager } = lanes({ held: [] });
    const failing = manager.withLane(1, SIGNER, () => Promise.reject(new Error('nonce taken')));
    const next = manager.withLane(1, SIGNER, () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('nonce taken');
    expect(await next).toBe('next');
  });
});
