// The RPC pool's rotation on an injected clock: failover, back-off and return, Retry-After, the
// chain id check before first use, and retries within one request. The URLs are fault proxies in
// front of a tiny in-process JSON-RPC server, so no chain is needed and time is the test's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRpcPool, type RpcPool } from '../../../src-main/core/chains/rpc-pool.ts';
import { isFailedInTransit } from '../../../src-main/core/chains/rpc-errors.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';

const CHAIN_ID = 31337;
let stub: Server;
let stubUrl: string;
let proxies: FaultProxy[];
let time: number;
const pools: RpcPool[] = [];

/** chainId null: a pool that checks no chain id (as verifyRpcUrls uses one). */
function pool(urls: string[], chainId: number | null = CHAIN_ID): RpcPool {
  const created = createRpcPool(urls, {
    ...(chainId === null ? {} : { chainId }),
    timeoutMs: 2_000,
    now: () => time,
    random: () => 1,
    // Waiting for a back-off to end only moves the test's clock.
    sleep: async (milliseconds) => void (time += milliseconds),
  });
  pools.push(created);
  return created;
}

beforeAll(async () => {
  stub = createServer((incoming, outgoing) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string };
      const result = { eth_chainId: `0x${CHAIN_ID.toString(16)}`, eth_blockNumber: '0x64' }[
        call.method
      ];
      // Every eth_getLogs is "too large": the answer a smaller range would avoid.
      const error =
        call.method === 'eth_getLogs'
          ? { code: -32005, message: 'query returned more than 10000 results' }
          : { code: -32601, message: 'no such method' };
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(
        JSON.stringify(
          result === undefined
            ? { jsonrpc: '2.0', id: call.id, error }
            : { jsonrpc: '2.0', id: call.id, result },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  proxies = [await startFaultProxy(stubUrl), await startFaultProxy(stubUrl)];
});

afterEach(() => {
  for (const created of pools.splice(0)) created.close();
  for (const proxy of proxies) {
    proxy.clearFaults();
    proxy.resetCounts();
  }
  time = 1_000_000;
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

describe('RPC pool', () => {
  it('fails over from a failing URL, backs it off, and uses it again once the back-off is over', async () => {
    time = 1_000_000;
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    const rpc = pool([a.url, b.url]);
    a.setFaults({ fault: { kind: 'status', status: 500 }, methods: ['eth_blockNumber'] });
    expect(await rpc.request('eth_blockNumber')).toBe('0x64');
    const [first, second] = rpc.providers();
    expect(first).toMatchObject({ inRotation: false, outOfRotation: 'backing-off', errors: 1 });
    // random() = 1: the full first back-off, 500 ms.
    expect(first!.retryAt).toBe(time + 500);
    expect(second).toMatchObject({ inRotation: true, preferred: true, headBlock: 100 });

    a.clearFaults();
    time += 499;
    expect(rpc.providers()[0]!.inRotation).toBe(false);
    time += 1;
    expect(rpc.providers()[0]).toMatchObject({ inRotation: true, outOfRotation: null });
  });

  it('leaves a 429 URL alone for as long as Retry-After says, sending it nothing meanwhile', async () => {
    time = 1_000_000;
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    const rpc = pool([a.url, b.url]);
    a.setFaults({
      fault: { kind: 'status', status: 429, retryAfter: '20' },
      methods: ['eth_blockNumber'],
    });
    await rpc.request('eth_blockNumber');
    expect(rpc.providers()[0]).toMatchObject({
      outOfRotation: 'rate-limited',
      reason: 'rate-limited: the provider asked to wait 20 s (Retry-After)',
    });
    // Retry-After plus at most 10% (capped at 1 s) of jitter.
    expect(rpc.providers()[0]!.retryAt).toBe(time + 21_000);
    a.resetCounts();
    for (let i = 0; i < 5; i++) {
      time += 3_000;
      await rpc.request('eth_blockNumber');
    }
    expect(a.counts).toEqual({});
    time += 6_001;
    expect(rpc.providers()[0]!.inRotation).toBe(true);
  });

  it('asks each URL its chain id before first use, and never uses one on another chain', async () => {
    time = 1_000_000;
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    a.setFaults({ fault: { kind: 'lie-chain-id', chainId: 1 } });
    const rpc = pool([a.url, b.url]);
    expect(await rpc.request('eth_blockNumber')).toBe('0x64');
    expect(a.counts).toEqual({ eth_chainId: 1 });
    expect(rpc.providers()[0]).toMatchObject({
      outOfRotation: 'wrong-chain',
      reason: `RPC ${a.url} answered chain id 1, but this chain is configured as ${CHAIN_ID}.`,
    });
    time += 3_600_000;
    await rpc.request('eth_blockNumber');
    expect(a.counts).toEqual({ eth_chainId: 1 });

    a.clearFaults();
    expect(await rpc.checkChainIds()).toBe(true);
    expect(rpc.providers()[0]).toMatchObject({ inRotation: true, outOfRotation: null });
  });

  it('with only a URL on another chain, refuses with the reason instead of using it', async () => {
    time = 1_000_000;
    const [a] = proxies as [FaultProxy];
    a.setFaults({ fault: { kind: 'lie-chain-id', chainId: 1 } });
    const rpc = pool([a.url]);
    await expect(rpc.request('eth_blockNumber')).rejects.toMatchObject({
      code: 'RPC_UNREACHABLE',
      message: expect.stringContaining('answered chain id 1, but this chain is configured as'),
    });
    expect(a.counts).toEqual({ eth_chainId: 1 });
  });

  it('retries within one request while a backed-off URL is due soon, then names every URL’s failure', async () => {
    time = 1_000_000;
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    for (const proxy of [a, b]) proxy.setFaults({ fault: { kind: 'status', status: 500 } });
    const rpc = pool([a.url, b.url], null);
    const failure = rpc.request('eth_blockNumber');
    await expect(failure).rejects.toMatchObject({ code: 'RPC_UNREACHABLE' });
    await expect(failure).rejects.toThrow(
      new RegExp(`No RPC URL answered eth_blockNumber\\. ${a.url}: .*; ${b.url}: `),
    );
    // Three passes over both URLs, waiting out each back-off in between.
    expect(a.counts).toEqual({ eth_blockNumber: 3 });
    expect(b.counts).toEqual({ eth_blockNumber: 3 });
  });

  it('hands a "too many results" refusal straight back, without failing over or counting it against the URL', async () => {
    time = 1_000_000;
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    const rpc = pool([a.url, b.url], null);
    await expect(rpc.request('eth_getLogs', [{}])).rejects.toThrow(/more than 10000 results/);
    expect(a.counts).toEqual({ eth_getLogs: 1 });
    expect(b.counts).toEqual({});
    expect(rpc.providers()[0]).toMatchObject({ inRotation: true, errors: 0, requests: 1 });
  });

  it('fails over a wide log range that broke off without backing either URL off; a single block counts', async () => {
    const [a, b] = proxies as [FaultProxy, FaultProxy];
    for (const proxy of [a, b])
      proxy.setFaults({ fault: { kind: 'drop' }, methods: ['eth_getLogs'] });
    const rpc = pool([a.url, b.url], null);
    const wide = [{ fromBlock: '0x1', toBlock: '0x7d0' }];
    const error: unknown = await rpc
      .request('eth_getLogs', wide)
      .catch((caught: unknown) => caught);
    expect(isFailedInTransit(error)).toBe(true);
    expect([a.counts, b.counts]).toEqual([{ eth_getLogs: 1 }, { eth_getLogs: 1 }]);
    for (const status of rpc.providers())
      expect(status).toMatchObject({ inRotation: true, errors: 0 });
    await expect(
      rpc.request('eth_getLogs', [{ fromBlock: '0x5', toBlock: '0x5' }]),
    ).rejects.toThrow(/No RPC URL answered eth_getLogs/);
    // Three passes over both URLs, as for any failure of a URL.
    expect([a.counts, b.counts]).toEqual([{ eth_getLogs: 4 }, { eth_getLogs: 4 }]);
    for (const status of rpc.providers())
      expect(status).toMatchObject({ inRotation: false, outOfRotation: 'backing-off', errors: 3 });
  });
});
