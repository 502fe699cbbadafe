// Backfill through a node that cannot answer wide eth_getLogs ranges: a fault proxy in front of a
// real anvil hangs (or drops, answers 502, cuts short) every eth_getLogs over more than 100
// blocks. The watcher halves the range until it passes, goes on, grows back short of what
// failed, and ends with exactly the chain's logs, each once; the chain's status shows the shrunk
// range and why, and the URL is not backed off for it. Only a single block that keeps failing
// is an error, retried with back-off until the node answers again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChainDrift } from '../../../src-main/ipc/contract.ts';
import type { ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock, rawRpc } from '../../helpers/chain-control.ts';
import { storedEvents, waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import type { Fault, FaultProxy } from '../../helpers/fault-proxy.ts';
import { startProxiedVigil, type ProxiedVigil } from '../../helpers/proxied-vigil.ts';
import { callOk, firstChainStatus, watchEmitter } from '../../helpers/contract-call.ts';
import { waitFor } from '../../helpers/serve.ts';

/** The widest eth_getLogs range the proxy lets through. */
const WIDEST = 100;

let anvil: AnvilInstance;
let emitter: `0x${string}`;
let vigil: ProxiedVigil;
let proxy: FaultProxy;
let server: ContractServer;

const call = <T>(name: string, input?: unknown): Promise<T> => callOk<T>(server, name, input);

/** The block ranges eth_getLogs was asked for through the proxy, in order (by hash: skipped). */
function askedRanges(): { from: number; to: number; width: number }[] {
  return proxy.calls.flatMap(({ method, params }) => {
    const filter = (params as { fromBlock?: string; toBlock?: string }[] | undefined)?.[0];
    if (method !== 'eth_getLogs' || !filter?.fromBlock || !filter.toBlock) return [];
    const from = Number.parseInt(filter.fromBlock, 16);
    const to = Number.parseInt(filter.toBlock, 16);
    return [{ from, to, width: to - from + 1 }];
  });
}

/** Watches the emitter from block 0 again, through the proxy, with an empty store. */
async function backfillAgain(): Promise<void> {
  await call('chains.remove', { chainId: anvil.chainId }).catch(() => undefined);
  expect(await storedEvents(server)).toEqual([]);
  proxy.resetCounts();
  await watchEmitter(call, { chainId: anvil.chainId, rpcUrls: [proxy.url] }, emitter);
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  // About 600 blocks of history, events spread over them, so the ranges grow past what the
  // proxy allows (up to 2,000 blocks, cut at the head's unfinalized tail) before the end.
  for (let i = 0; i < 40; i++) {
    await emitMany(anvil.rpcUrl, emitter, 3 + (i % 5));
    await rawRpc(anvil.rpcUrl, 'anvil_mine', ['0xe']);
  }
  vigil = await startProxiedVigil(anvil, { tuning: { rpcTimeoutMs: 1_000 } });
  ({ proxy, server } = vigil);
});

afterEach(() => proxy?.clearFaults());

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('eth_getLogs ranges that fail on the way', () => {
  it('a node that never answers wide ranges: the backfill halves them, completes, and grows back', async () => {
    expect(await headBlock(anvil.rpcUrl)).toBeGreaterThan(500);
    proxy.setFaults({
      fault: { kind: 'hang' },
      methods: ['eth_getLogs'],
      widerThanBlocks: WIDEST,
    });
    await backfillAgain();
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);

    const ranges = askedRanges();
    // The first range is small and grows while answers come fast, until one is too wide; the
    // failed range is asked for again, half as wide (ranges asked for ahead of it come first).
    expect(ranges[0]!.width).toBeLessThanOrEqual(WIDEST);
    const failedAt = ranges.findIndex((range) => range.width > WIDEST);
    expect(failedAt).toBeGreaterThan(0);
    const failed = ranges[failedAt]!;
    expect(ranges.slice(failedAt + 1).find((range) => range.from === failed.from)).toEqual({
      from: failed.from,
      to: failed.from + Math.floor(failed.width / 2) - 1,
      width: Math.floor(failed.width / 2),
    });
    const passed = ranges.filter((range) => range.width <= WIDEST);
    // After succeeding, ranges grew again (not stuck at the first size that passed) but stayed
    // short of the width that had failed.
    expect(Math.max(...passed.map((range) => range.width))).toBeGreaterThan(passed[0]!.width);
    // The ranges that passed cover block 0 to the backfill's end without a gap.
    let coveredThrough = -1;
    for (const range of [...passed].sort((a, b) => a.from - b.from)) {
      expect(range.from).toBeLessThanOrEqual(coveredThrough + 1);
      coveredThrough = Math.max(coveredThrough, range.to);
    }
    expect(coveredThrough).toBeGreaterThanOrEqual(failed.to);

    const status = await firstChainStatus(server);
    expect(status.backfill.rangeBlocks).toBeGreaterThan(1);
    expect(status.backfill.rangeBlocks).toBeLessThanOrEqual(WIDEST);
    expect(status.backfill.rangeShrunk).toMatch(
      /^eth_getLogs over \d+ blocks \(\d+–\d+\) timed out; ranges are now \d+ block\(s\)\.$/,
    );
    expect(status.lastError).toBeNull();
    // The URL answered everything else: the timeouts were the ranges' fault, not its own.
    const { providers } = (
      await call<{ chains: ChainDrift[] }>('drift.get', { chainId: anvil.chainId })
    ).chains[0]!;
    expect(providers[0]).toMatchObject({ inRotation: true, errors: 0 });
  });

  it('a backfill asks for the head about once a second, not before every range', async () => {
    // Many narrow ranges, each a while in answering, as a busy node's are: a head asked before
    // every range waited behind the one fetched ahead.
    proxy.setFaults(
      { fault: { kind: 'status', status: 502 }, methods: ['eth_getLogs'], widerThanBlocks: 24 },
      { fault: { kind: 'delay', ms: 100 }, methods: ['eth_getLogs'] },
    );
    const started = performance.now();
    await backfillAgain();
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const isRange = ({ method, params }: { method: string; params: unknown }): boolean =>
      method === 'eth_getLogs' &&
      (params as { fromBlock?: string }[] | undefined)?.[0]?.fromBlock !== undefined;
    const first = proxy.calls.findIndex(isRange);
    const last = proxy.calls.findLastIndex(isRange);
    const during = proxy.calls.slice(first, last + 1);
    const ranges = during.filter(isRange).length;
    const heads = during.filter((call) => call.method === 'eth_blockNumber').length;
    expect(ranges).toBeGreaterThanOrEqual(20);
    expect(heads).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    expect(heads).toBeLessThan(ranges / 3);
    // Quiet blocks, small answers: one range asked for ahead at a time (backfill-ahead.test.ts
    // has dense blocks, and three).
    expect(proxy.rangesInFlightPeak).toBe(1);
  });

  it("a backfill's last blocks, followed in batches: each asked for while the one before is stored", async () => {
    // Every header a while in coming, as from a distant node: fetched only once the batch before
    // was stored, each batch would wait for its headers, then its logs, in turn.
    proxy.setFaults({ fault: { kind: 'delay', ms: 50 }, methods: ['eth_getBlockByNumber'] });
    await backfillAgain();
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);
    const head = await headBlock(anvil.rpcUrl);
    await waitFor(
      async () => ((await firstChainStatus(server)).indexedThrough ?? -1) >= head || undefined,
    );
    const calls = proxy.calls;
    const blockAsked = (call: { method: string; params: unknown }): number | undefined => {
      const [number, full] = (call.params ?? []) as [string?, boolean?];
      return call.method === 'eth_getBlockByNumber' && full === false && number?.startsWith('0x')
        ? Number.parseInt(number, 16)
        : undefined;
    };
    // The followed blocks: those whose headers were asked for.
    const headers = calls.flatMap((call, index) => {
      const number = blockAsked(call);
      return number === undefined ? [] : [{ number, index }];
    });
    const numbers = [...new Set(headers.map(({ number }) => number))].sort((a, b) => a - b);
    expect(numbers.length).toBeGreaterThanOrEqual(10);
    // Their logs came in ranges of several blocks, one after another, not block by block.
    const ranges = calls.flatMap((call, index) => {
      const filter = (call.params as { fromBlock?: string; toBlock?: string }[] | undefined)?.[0];
      if (call.method !== 'eth_getLogs' || !filter?.fromBlock || !filter.toBlock) return [];
      const from = Number.parseInt(filter.fromBlock, 16);
      const to = Number.parseInt(filter.toBlock, 16);
      return to >= numbers[0]! - 1 ? [{ from, to, index }] : [];
    });
    // The backfill's last range, then the followed blocks' ranges.
    expect(ranges[0]!.to).toBe(numbers[0]! - 1);
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    expect(ranges.length).toBeLessThan(numbers.length / 2);
    let coveredThrough = numbers[0]! - 1;
    for (const range of ranges.slice(1)) {
      expect(range.from).toBe(coveredThrough + 1);
      coveredThrough = range.to;
    }
    expect(coveredThrough).toBeGreaterThanOrEqual(numbers.at(-2)!);
    // Each batch (its headers, and its logs beside them) was asked for while the range before it
    // was stored (fetched ahead), not after the next pass had asked for the head: before the
    // first eth_blockNumber that follows the range before's logs.
    let checked = 0;
    for (const [position, range] of ranges.entries()) {
      if (position === 0) continue;
      const previous = ranges[position - 1]!.index;
      const nextHeadAsked = calls.findIndex(
        (call, index) => index > previous && call.method === 'eth_blockNumber',
      );
      if (nextHeadAsked < 0) continue;
      const batchHeaders = headers.filter(
        ({ number, index }) => number >= range.from && number <= range.to && index > previous,
      );
      expect(Math.min(range.index, ...batchHeaders.map(({ index }) => index))).toBeLessThan(
        nextHeadAsked,
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    // And what was fetched ahead was used: each header asked for once (the last one again while
    // idle at the head, to see it is still there), but for a pass or two that failed (a request
    // timing out on a loaded machine drops what was fetched ahead).
    const askedAgain = numbers
      .slice(0, -1)
      .filter((number) => calls.filter((call) => blockAsked(call) === number).length > 1);
    expect(askedAgain.length).toBeLessThanOrEqual(2);
  });

  for (const [name, fault] of [
    ['drops the connection on', { kind: 'drop' }],
    ['answers 502 to', { kind: 'status', status: 502 }],
    ['cuts short its answer to', { kind: 'truncate' }],
  ] as const satisfies readonly (readonly [string, Fault])[]) {
    it(`a node that ${name} wide ranges: the same, every event once`, async () => {
      proxy.setFaults({ fault, methods: ['eth_getLogs'], widerThanBlocks: WIDEST });
      await backfillAgain();
      await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);
      expect(askedRanges().some((range) => range.width > WIDEST)).toBe(true);
      const status = await firstChainStatus(server);
      expect(status.backfill.rangeBlocks).toBeLessThanOrEqual(WIDEST);
      expect(status.backfill.rangeShrunk).toMatch(/ranges are now \d+ block\(s\)\.$/);
    });
  }

  it('a single block that keeps failing is retried with back-off and shown in the status', async () => {
    // Every range by number hangs, however narrow; blocks asked for by hash still pass.
    proxy.setFaults({ fault: { kind: 'hang' }, methods: ['eth_getLogs'], widerThanBlocks: 0 });
    await backfillAgain();
    const stuck = await waitFor(async () => {
      const status = await firstChainStatus(server);
      return status.phase === 'error' ? status : undefined;
    }, 60_000);
    expect(stuck.backfill.rangeBlocks).toBe(1);
    expect(stuck.backfill.rangeShrunk).toMatch(
      /^eth_getLogs over 2 blocks .* timed out; ranges are now 1 block\(s\)\.$/,
    );
    expect(stuck.lastError).toMatch(/No RPC URL answered/);
    expect(stuck.indexedThrough).toBeNull();
    // The same block, never a wider range, while it keeps failing.
    const single = askedRanges().filter((range) => range.width === 1);
    expect(single.length).toBeGreaterThan(0);
    expect(new Set(single.map((range) => range.from))).toEqual(new Set([0]));
    proxy.clearFaults();
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);
    expect((await firstChainStatus(server)).lastError).toBeNull();
  });
});
