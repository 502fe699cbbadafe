// RPC faults on a real anvil: one chain with two URLs, each a fault proxy in front of the same
// anvil. One URL at a time drops connections, never answers, answers 500, 429 or cut-off bodies,
// is slow, serves another chain id, stalls its head, or lies about block hashes. Each time the
// other URL takes over, the store ends with exactly the chain's logs (nothing missed or doubled),
// drift.get shows the faulty URL out of rotation with the right reason, and it comes back when
// the fault ends. Lies are named in a disagreement with the block and both hashes, and do not
// make the watcher believe in a reorg.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVigil, type VigilCore } from '../../../src-main/core/app.ts';
import type { ChainDrift, ProviderStatus, ReorgRecord } from '../../../src-main/ipc/contract.ts';
import { createContractServer, type ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock, mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { fakeHash, startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { waitFor } from '../../helpers/serve.ts';
import { callOk, watchEmitter } from '../../helpers/contract-call.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
let proxies: FaultProxy[];
const dataDir = makeTempDir();
let core: VigilCore;
let server: ContractServer;
const log = makeLogger();

const call = <T>(name: string, input?: unknown): Promise<T> => callOk<T>(server, name, input);

async function drift(): Promise<ChainDrift> {
  return (await call<{ chains: ChainDrift[] }>('drift.get', { chainId: anvil.chainId })).chains[0]!;
}

async function provider(proxy: FaultProxy): Promise<ProviderStatus> {
  return (await drift()).providers.find((status) => status.url === proxy.url)!;
}

/** The proxy whose URL requests go to first now, and the other one. */
async function preferredAndOther(): Promise<[FaultProxy, FaultProxy]> {
  const preferred = (await drift()).providers.find((status) => status.preferred)!;
  const first = proxies.find((proxy) => proxy.url === preferred.url)!;
  return [first, proxies.find((proxy) => proxy !== first)!];
}

/** Waits until drift.get shows the proxy's URL in the given standing, and returns its status. */
function standing(
  proxy: FaultProxy,
  outOfRotation: ProviderStatus['outOfRotation'],
  timeoutMs = 30_000,
): Promise<ProviderStatus> {
  return waitFor(async () => {
    const status = await provider(proxy);
    return status.outOfRotation === outOfRotation ? status : undefined;
  }, timeoutMs);
}

async function emitAndConverge(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await emitMany(anvil.rpcUrl, emitter, 2 + i);
  await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter);
}

/** The fault ends: the URL must come back into rotation (after its back-off, if any). */
async function endFault(proxy: FaultProxy): Promise<void> {
  proxy.clearFaults();
  await standing(proxy, null, 45_000);
}

function watchEmitterThrough(rpcUrls: string[]): Promise<void> {
  return watchEmitter(call, { chainId: anvil.chainId, rpcUrls }, emitter);
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 20; i++) await emitMany(anvil.rpcUrl, emitter, 3);
  proxies = [await startFaultProxy(anvil.rpcUrl), await startFaultProxy(anvil.rpcUrl)];
  core = await createVigil({
    dataDir: dataDir.path,
    log,
    tuning: {
      allowPrivateRpc: true,
      rpcTimeoutMs: 1_500,
      // Rounds slower than the watcher's polls, so the watcher meets a lie before a round does.
      providerCheckIntervalMs: 3_000,
      chainIdCheckIntervalMs: 1_000,
      pollIntervalMs: 250,
      driftIntervalMs: 500,
      reconcileIntervalMs: 0,
    },
  });
  server = createContractServer(core);
  await watchEmitterThrough(proxies.map((proxy) => proxy.url));
  await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter);
});

// A test that fails half-way must not leave its fault for the next one (a cascade of failures
// that says nothing): every proxy is healthy again, and back in rotation, between tests.
afterEach(async () => {
  for (const proxy of proxies ?? []) proxy.clearFaults();
  await Promise.all(
    (proxies ?? []).map((proxy) => standing(proxy, null, 45_000).catch(() => undefined)),
  );
});

afterAll(async () => {
  await core?.close();
  await Promise.all((proxies ?? []).map((proxy) => proxy.close()));
  await anvil?.stop();
  dataDir.remove();
});

describe('RPC faults with two URLs', () => {
  it('starts with both URLs in rotation, their heads, requests and latency tracked', async () => {
    const providers = await waitFor(async () => {
      const list = (await drift()).providers;
      return list.every((status) => status.headBlock !== null && status.latencyMs !== null)
        ? list
        : undefined;
    });
    const head = await headBlock(anvil.rpcUrl);
    expect(providers).toHaveLength(2);
    expect(providers.filter((status) => status.preferred)).toHaveLength(1);
    for (const status of providers) {
      expect(status).toMatchObject({ inRotation: true, outOfRotation: null, reason: null });
      expect(status.requests).toBeGreaterThan(0);
      expect(status.headBlock).toBe(head);
    }
    expect((await drift()).disagreements).toEqual([]);
  });

  for (const { name, fault, expectReason } of [
    {
      name: 'drops the connection',
      fault: { kind: 'drop' } as const,
      expectReason: /failed \d+ time\(s\) in a row/,
    },
    {
      name: 'never answers',
      fault: { kind: 'hang' } as const,
      expectReason: /timed out \d+ time\(s\) in a row/,
    },
    {
      name: 'answers HTTP 500',
      fault: { kind: 'status', status: 500 } as const,
      expectReason: /failed \d+ time\(s\) in a row: HTTP request failed/,
    },
    {
      name: 'cuts answers short',
      fault: { kind: 'truncate' } as const,
      // A body cut off mid-way surfaces as a failed request, or as one that never completes.
      expectReason: /(failed|timed out) \d+ time\(s\) in a row/,
    },
  ]) {
    it(`the preferred URL ${name}: the other takes over, nothing is missed, and it comes back`, async () => {
      const [faulty, healthy] = await preferredAndOther();
      const errorsBefore = (await provider(faulty)).errors;
      faulty.setFaults({ fault });
      await emitAndConverge();
      const out = await standing(faulty, 'backing-off');
      expect(out.inRotation).toBe(false);
      expect(out.reason).toMatch(expectReason);
      expect(out.errors).toBeGreaterThan(errorsBefore);
      expect(out.errorRate).toBeGreaterThan(0);
      expect(out.retryAt).not.toBeNull();
      expect((await provider(healthy)).preferred).toBe(true);
      await endFault(faulty);
      await emitAndConverge(1);
    });
  }

  it('a rate-limited URL (429 with Retry-After) is left alone for as long as it asks', async () => {
    const [limited, healthy] = await preferredAndOther();
    limited.setFaults({ fault: { kind: 'status', status: 429, retryAfter: '4' } });
    await emitAndConverge();
    const out = await standing(limited, 'rate-limited');
    expect(out.reason).toBe('rate-limited: the provider asked to wait 4.0 s (Retry-After)');
    expect(out.retryAt! - Date.now()).toBeLessThanOrEqual(4_500);
    expect((await provider(healthy)).preferred).toBe(true);
    // While it is rate-limited, nothing is sent to it: not the watcher's requests, not the checks.
    limited.resetCounts();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(1_500, out.retryAt! - Date.now() - 300)),
    );
    expect(limited.counts).toEqual({});
    await endFault(limited);
  });

  it('a slow URL loses its place to a faster one', async () => {
    const [slow, fast] = await preferredAndOther();
    slow.setFaults({ fault: { kind: 'delay', ms: 400 } });
    await emitAndConverge();
    await waitFor(async () => (await provider(fast)).preferred);
    expect((await provider(slow)).latencyMs!).toBeGreaterThan((await provider(fast)).latencyMs!);
    expect((await provider(slow)).inRotation).toBe(true);
    slow.clearFaults();
  });

  it('a URL that answers another chain id leaves rotation, and comes back when it is right again', async () => {
    const [wrong] = await preferredAndOther();
    wrong.setFaults({ fault: { kind: 'lie-chain-id', chainId: 1 } });
    const out = await standing(wrong, 'wrong-chain');
    expect(out.reason).toBe(
      `RPC ${wrong.url} answered chain id 1, but this chain is configured as ${anvil.chainId}.`,
    );
    expect(out.preferred).toBe(false);
    await emitAndConverge();
    await endFault(wrong);
  });

  it('a URL whose head stalls far behind the other leaves rotation, and comes back when caught up', async () => {
    const [stalled] = await preferredAndOther();
    const head = await headBlock(anvil.rpcUrl);
    stalled.setFaults({ fault: { kind: 'stale-head', blockNumber: head } });
    await mineBlocks(anvil.rpcUrl, 40);
    const out = await standing(stalled, 'behind');
    expect(out.reason).toMatch(
      new RegExp(`^head ${head} is 40 blocks behind .* \\(${head + 40}\\); more than 32 behind`),
    );
    expect(out.headBlock).toBe(head);
    await emitAndConverge();
    await endFault(stalled);
  });

  it('a URL lying about block hashes is named in a disagreement and taken out; no reorg is believed', async () => {
    const [liar, honest] = await preferredAndOther();
    const messagesBefore = log.messages.length;
    liar.setFaults({ fault: { kind: 'lie-block-hash' } });
    const out = await standing(liar, 'disagrees');
    const { disagreements } = await drift();
    const disagreement = disagreements[0]!;
    const real = await rawRpc<{ hash: string }>(anvil.rpcUrl, 'eth_getBlockByNumber', [
      `0x${disagreement.blockNumber.toString(16)}`,
      false,
    ]);
    expect(disagreement).toMatchObject({
      chainId: anvil.chainId,
      suspects: [liar.url],
      decidedBy: 'store',
      storedHash: real.hash,
    });
    expect(disagreement.hashes).toEqual(
      expect.arrayContaining([
        { url: liar.url, hash: fakeHash(real.hash) },
        { url: honest.url, hash: real.hash },
      ]),
    );
    expect(out.reason).toContain(`disagrees on block ${disagreement.blockNumber}`);
    expect((await provider(honest)).preferred).toBe(true);
    await emitAndConverge();
    // The watcher compared the providers before acting on the lie, so it never even tried a repair.
    expect(log.messages.slice(messagesBefore).filter((line) => /reorganis/.test(line))).toEqual([]);
    expect((await call<{ reorgs: ReorgRecord[] }>('reorgs.list', {})).reorgs).toEqual([]);
    await endFault(liar);
  });

  it('both URLs failing for a while: the watcher retries the same blocks until they come back', async () => {
    for (const proxy of proxies) proxy.setFaults({ fault: { kind: 'status', status: 500 } });
    for (let i = 0; i < 3; i++) await emitMany(anvil.rpcUrl, emitter, 4);
    const stuck = await waitFor(async () => {
      const status = (await call<{ chains: { lastError: string | null }[] }>('status.get'))
        .chains[0]!;
      return status.lastError?.includes('No RPC URL answered') ? status : undefined;
    });
    expect(stuck.lastError).toContain(proxies[0]!.url);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const proxy of proxies) proxy.clearFaults();
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 60_000);
    expect((await call<{ reorgs: ReorgRecord[] }>('reorgs.list', {})).reorgs).toEqual([]);
  });
});

describe('a lying URL first in the list from the start', () => {
  it('is found out by asking it for its own block by hash, and the store still equals the chain', async () => {
    const liar = await startFaultProxy(anvil.rpcUrl);
    liar.setFaults({ fault: { kind: 'lie-block-hash' } });
    try {
      await call('chains.remove', { chainId: anvil.chainId });
      await watchEmitterThrough([liar.url, proxies[0]!.url]);
      await emitAndConverge();
      const out = await waitFor(async () => {
        const status = (await drift()).providers.find((entry) => entry.url === liar.url)!;
        return status.outOfRotation === 'disagrees' ? status : undefined;
      });
      expect(out.reason).toMatch(/^disagrees on block \d+/);
      const disagreement = (await drift()).disagreements.find((entry) =>
        entry.suspects.includes(liar.url),
      )!;
      expect(['store', 'self-check']).toContain(disagreement.decidedBy);
      expect(disagreement.suspects).toEqual([liar.url]);
      expect((await call<{ reorgs: ReorgRecord[] }>('reorgs.list', {})).reorgs).toEqual([]);
    } finally {
      await call('chains.remove', { chainId: anvil.chainId }).catch(() => undefined);
      await liar.close();
    }
  });
});
