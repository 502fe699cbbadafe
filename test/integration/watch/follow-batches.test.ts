// A watcher some blocks behind the head (here: its node held back while blocks were mined) follows
// them a batch at a time: the headers, then one eth_getLogs over the batch's range, checked
// against those headers. On a real anvil behind a fault proxy: the store ends equal to the chain
// with each log once; a node that answers a range without its last block's logs (a provider
// behind the others) has that block asked for again by its hash, as its header's Bloom filter
// says it holds the contract's logs; logs of another branch make the watcher follow block by
// block; and a reorg inside blocks stored in a batch is found and repaired, so their headers
// were stored.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bloomMayHold, type RawBlock } from '../../../src-main/core/watch/followed-blocks.ts';
import type { ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { emitManyTx, headBlock, mineBlocks, rawRpc, reorg } from '../../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { callOk, watchEmitter } from '../../helpers/contract-call.ts';
import type { FaultProxy } from '../../helpers/fault-proxy.ts';
import { startProxiedVigil, type ProxiedVigil } from '../../helpers/proxied-vigil.ts';
import { waitFor } from '../../helpers/serve.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
let vigil: ProxiedVigil;
let proxy: FaultProxy;
let server: ContractServer;
const log = makeLogger();

const call = <T>(name: string, input?: unknown): Promise<T> => callOk<T>(server, name, input);

async function indexedThrough(): Promise<number> {
  const status = await call<{ chains: { indexedThrough: number | null }[] }>('status.get');
  return status.chains[0]?.indexedThrough ?? -1;
}

/** eth_getLogs calls since the counts were reset: ranges (from, to) and look-ups by hash. */
function logCalls(): ({ from: number; to: number } | { blockHash: string })[] {
  return proxy.calls.flatMap(
    ({ method, params }): ({ from: number; to: number } | { blockHash: string })[] => {
      if (method !== 'eth_getLogs') return [];
      const filter = (params as Record<string, string>[])[0]!;
      if (filter.blockHash) return [{ blockHash: filter.blockHash }];
      return [
        { from: Number.parseInt(filter.fromBlock!, 16), to: Number.parseInt(filter.toBlock!, 16) },
      ];
    },
  );
}

/**
 * Holds the watcher's node while `blocks` blocks are mined, each with events, then lets it go:
 * the watcher wakes that many blocks behind. Returns the first and last of them.
 */
async function fallBehind(blocks: number): Promise<{ first: number; last: number }> {
  const caughtUpAt = await headBlock(anvil.rpcUrl);
  await waitFor(async () => (await indexedThrough()) >= caughtUpAt, 30_000);
  proxy.pause();
  for (let i = 0; i < blocks; i++) await emitMany(anvil.rpcUrl, emitter, 5 + i);
  const last = await headBlock(anvil.rpcUrl);
  proxy.resetCounts();
  proxy.resume();
  return { first: caughtUpAt + 1, last };
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 5; i++) await emitMany(anvil.rpcUrl, emitter, 10);
  vigil = await startProxiedVigil(anvil, { log });
  ({ proxy, server } = vigil);
  await watchEmitter(call, { chainId: anvil.chainId, rpcUrls: [proxy.url] }, emitter);
  await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 30_000);
});

afterEach(() => proxy?.clearFaults());

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('following blocks in batches when behind the head', () => {
  it('asks for the blocks behind in ranges of several and stores exactly the chain', async () => {
    const { first, last } = await fallBehind(10);
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 30_000);
    const calls = logCalls();
    const ranges = calls.filter((c): c is { from: number; to: number } => 'from' in c);
    // Every block behind was asked for in a range of more than one block, none by its hash.
    expect(ranges.filter((range) => range.to > range.from).length).toBeGreaterThan(0);
    expect(calls.filter((c) => 'blockHash' in c && c.blockHash)).toEqual([]);
    let covered = first - 1;
    for (const range of ranges) {
      expect(range.from).toBe(covered + 1);
      covered = range.to;
    }
    expect(covered).toBe(last);
  });

  it("asks for a block again by its hash when a range comes back without its logs and the header's Bloom filter says it has some", async () => {
    proxy.setFaults({ fault: { kind: 'omit-last-block-logs' }, methods: ['eth_getLogs'] });
    await fallBehind(6);
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 30_000);
    const calls = logCalls();
    // Each range lost its last block's logs on the way; that block was asked for by its hash.
    const ranges = calls.filter((c): c is { from: number; to: number } => 'from' in c);
    const byHash = calls.filter((c): c is { blockHash: string } => 'blockHash' in c);
    expect(ranges.length).toBeGreaterThan(0);
    const lastBlocks = await Promise.all(
      ranges.map((range) =>
        rawRpc<RawBlock>(anvil.rpcUrl, 'eth_getBlockByNumber', [
          `0x${range.to.toString(16)}`,
          false,
        ]),
      ),
    );
    for (const block of lastBlocks) expect(byHash.map((c) => c.blockHash)).toContain(block.hash);
  });

  it('follows block by block when a range answers with logs of another branch', async () => {
    proxy.setFaults({
      fault: { kind: 'lie-log-block-hash' },
      methods: ['eth_getLogs'],
      widerThanBlocks: 1,
    });
    const { first, last } = await fallBehind(4);
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 30_000);
    const byHash = logCalls().filter((c) => 'blockHash' in c);
    // Each block after the first batch was refused came by its hash.
    expect(byHash.length).toBeGreaterThanOrEqual(last - first);
    expect(log.messages.join('\n')).toMatch(
      /changed while they were fetched .*following them one by one/,
    );
  });

  it('stores the headers of blocks followed in a batch: a reorg among them is repaired', async () => {
    const { last } = await fallBehind(8);
    await waitFor(async () => (await indexedThrough()) >= last, 30_000);
    // Three of the blocks just stored in a batch are replaced, with other events in them.
    await reorg(anvil.rpcUrl, 3, [{ tx: emitManyTx(emitter, 7), offset: 1 }]);
    await mineBlocks(anvil.rpcUrl, 1);
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 30_000);
    const { reorgs } = await call<{ reorgs: { depth: number }[] }>('reorgs.list', {
      chainId: anvil.chainId,
    });
    expect(reorgs.map((found) => found.depth)).toContain(3);
  });

  it("reads a header's Bloom filter as Ethereum defines it", async () => {
    const head = await headBlock(anvil.rpcUrl);
    await emitMany(anvil.rpcUrl, emitter, 3);
    const block = await rawRpc<RawBlock>(anvil.rpcUrl, 'eth_getBlockByNumber', [
      `0x${(head + 1).toString(16)}`,
      false,
    ]);
    expect(bloomMayHold(block.logsBloom, emitter)).toBe(true);
    expect(bloomMayHold(block.logsBloom, '0x000000000000000000000000000000000000dEaD')).toBe(false);
    // No filter, a malformed one, or an empty one (some chains leave them empty): anything may
    // be there.
    await mineBlocks(anvil.rpcUrl, 1);
    const empty = await rawRpc<RawBlock>(anvil.rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
    expect(empty.logsBloom).toBe(`0x${'0'.repeat(512)}`);
    expect(bloomMayHold(empty.logsBloom, emitter)).toBe(true);
    expect(bloomMayHold(undefined, emitter)).toBe(true);
    expect(bloomMayHold('0x00', emitter)).toBe(true);
  });
});
