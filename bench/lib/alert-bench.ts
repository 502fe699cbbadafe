// Alert rules under load. (1) Pure evaluation: synthetic Transfer rows through 100 compiled
// rules, the matcher live rules and backtests share. (2) Through the store: the alert service on
// a real store, fed the rows the watcher would commit, firings journaled (fsync) as they happen.
// (3) Matching block → webhook: headless mode on a local anvil, a rule with a webhook to a
// receiver on loopback, timed from the mined block to the signed request's arrival.
import type { Address } from 'viem';
import { demoTokenAbi } from '../../resources/contracts/abis.ts';
import { createAlertService } from '../../src-main/core/alerts/index.ts';
import { createEventMatcher } from '../../src-main/core/alerts/event-matcher.ts';
import { createEngineEvents } from '../../src-main/core/engine/engine-events.ts';
import type { ChainAccess } from '../../src-main/core/engine/service.ts';
import type { RpcPool } from '../../src-main/core/chains/index.ts';
import { openStore } from '../../src-main/core/store/index.ts';
import { AlertRuleInput, type EventRow, type RequestInput } from '../../src-main/ipc/contract.ts';
import { connectRpc, startServe } from '../../test/helpers/serve.ts';
import { makeLogger } from '../../test/helpers/temp-dir.ts';
import { startWebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { deployEmitter } from './dense-chain.ts';
import type { EmitterArtifact } from './emitter.ts';
import { waitUntilFollowing } from './headless.ts';
import { measureLiveLatency, type BatchClock, type LiveLatencyResult } from './live-latency.ts';

const CHAIN_ID = 1;
const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const CONTRACT_ID = `${CHAIN_ID}:${TOKEN}`;
const SIGNATURE = 'Transfer(address,address,uint256)';
const e18 = 10n ** 18n;

/** 1,000 wallets send and receive; rules watch the first 50 (the matcher ignores case). */
const wallets = Array.from(
  { length: 1_000 },
  (_, index) => `0x${(index + 1).toString(16).padStart(40, '0')}`,
);

/** 100 conditions of the kinds operators write: thresholds, watch lists, pairs, ranges. */
export function benchConditions(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const wallet = wallets[index % 50]!;
    switch (index % 5) {
      case 0:
        return `value > ${995 + (index % 5)}e18`;
      case 1:
        return `to in [${wallets.slice(index % 40, (index % 40) + 5).join(', ')}]`;
      case 2:
        return `from == ${wallet} and value >= 1e15`;
      case 3:
        return `(value >= ${index}e17 and value < ${index + 1}e17) or to == ${wallet}`;
      default:
        return `not (from == 0x0000000000000000000000000000000000000000) and value > 999e18`;
    }
  });
}

function transferRows(count: number, firstBlock: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let index = 0; index < count; index++) {
    const block = firstBlock + Math.floor(index / 100);
    rows.push({
      chainId: CHAIN_ID,
      blockNumber: block,
      blockHash: `0x${block.toString(16).padStart(64, '0')}`,
      blockTimestamp: 1_700_000_000 + block,
      logIndex: index % 100,
      transactionHash: `0x${(index + 1).toString(16).padStart(64, 'f')}`,
      transactionIndex: index % 100,
      address: TOKEN,
      contractId: CONTRACT_ID,
      eventName: 'Transfer',
      signature: SIGNATURE,
      args: {
        from: wallets[(index * 7) % wallets.length],
        to: wallets[(index * 13) % wallets.length],
        value: ((BigInt(index * 7919) % 1_000n) * e18 + BigInt(index)).toString(),
      },
      topics: [],
      data: '0x',
      status: 'confirmed',
    });
  }
  return rows;
}

export interface EvaluationResult {
  rules: number;
  events: number;
  eventsPerSecond: number;
  matches: number;
}

/** (1) rows × rules through the compiled matchers, nothing else. */
export function measureRuleEvaluation(rules: number, events: number): EvaluationResult {
  const contract = {
    id: CONTRACT_ID,
    chainId: CHAIN_ID,
    name: 'DemoToken',
    abi: demoTokenAbi as unknown as unknown[],
  };
  const matchers = benchConditions(rules).map((condition) =>
    createEventMatcher(
      { contractId: CONTRACT_ID, eventName: 'Transfer', condition },
      { findContract: () => contract },
    ),
  );
  const rows = transferRows(events, 1);
  let matches = 0;
  // Warm up the JIT on a slice first, as a long-running engine would be.
  for (const row of rows.slice(0, 2_000))
    for (const matcher of matchers) matcher.matches({ ...row });
  const started = performance.now();
  for (const row of rows) for (const matcher of matchers) if (matcher.matches(row)) matches++;
  const seconds = (performance.now() - started) / 1000;
  return { rules, events, eventsPerSecond: events / seconds, matches };
}

export interface ThroughStoreResult extends EvaluationResult {
  /** Firings recorded: journaled with their audit entries, one fsync per batch of rows. */
  firings: number;
}

/** (2) The alert service on a real store, fed committed rows the way the watcher feeds it. */
export async function measureRulesThroughStore(options: {
  dataDir: string;
  rules: number;
  events: number;
  batch: number;
}): Promise<ThroughStoreResult> {
  const log = makeLogger();
  const store = await openStore(options.dataDir, log);
  const events = createEngineEvents((error) => {
    throw error;
  });
  const chains: ChainAccess = {
    rpc: () => ({ request: async () => '0x0' }) as unknown as RpcPool,
    sync: () => ({ headBlock: 1e9, indexedThrough: 1e9, lagBlocks: 0, lagSeconds: 0 }),
  };
  store.execute({
    type: 'chain.add',
    chain: { chainId: CHAIN_ID, name: 'bench', rpcUrls: ['http://127.0.0.1:9'], confirmations: 0 },
  });
  store.execute({
    type: 'contract.add',
    contract: {
      id: CONTRACT_ID,
      chainId: CHAIN_ID,
      address: TOKEN,
      name: 'DemoToken',
      abi: demoTokenAbi as unknown as unknown[],
      startBlock: 0,
    },
  });
  const service = createAlertService(
    { store, log, actor: 'bench', push: () => undefined, events, chains },
    // Secrets stay in memory here: the bench measures evaluation, not the keychain.
    {
      tickMs: 60_000,
      secrets: {
        put: (secret) => Promise.resolve(secret),
        reveal: (value) => Promise.resolve(value),
      },
    },
  );
  const save = service.handlers['alerts.rules.save']! as (
    input: RequestInput<'alerts.rules.save'>,
  ) => Promise<unknown>;
  for (const [index, condition] of benchConditions(options.rules).entries())
    // Validated as the contract server would, so defaults (channels …) are filled in.
    await save(
      AlertRuleInput.parse({
        name: `Bench rule ${index}`,
        kind: 'event',
        contractId: CONTRACT_ID,
        eventName: 'Transfer',
        condition,
        enabled: true,
      }),
    );
  const journalBefore = store.countAudit({ action: 'alert.fired' });
  const rows = transferRows(options.events, 1);
  let evaluating = 0;
  for (let start = 0; start < rows.length; start += options.batch) {
    const { inserted } = store.commitChainData({
      chainId: CHAIN_ID,
      events: rows.slice(start, start + options.batch),
      blocks: [],
      cursors: [],
    });
    const started = performance.now();
    events.emit('rows', inserted);
    evaluating += performance.now() - started;
  }
  const firings =
    store.countAudit({ action: 'alert.fired' }) +
    store.countAudit({ action: 'alert.suppressed' }) -
    journalBefore;
  await service.close?.();
  store.close({ snapshot: false });
  return {
    rules: options.rules,
    events: options.events,
    eventsPerSecond: options.events / (evaluating / 1000),
    matches: firings,
    firings,
  };
}

/** (3) Mined block → signed webhook request at a loopback receiver, through headless mode. */
export async function measureWebhookLatency(options: {
  dataDir: string;
  chainId: number;
  rpcUrl: string;
  /** What the chain is added with: its ws:// URL (woken by newHeads) or http:// (polled). */
  watchUrl: string;
  emitter: EmitterArtifact;
  samples: number;
}): Promise<LiveLatencyResult> {
  const secret = 'bench-webhook-secret-0123456789';
  const receiver = await startWebhookReceiver(secret);
  const serve = await startServe({ dataDir: options.dataDir });
  const client = await connectRpc(serve.wsUrl);
  try {
    const deployed = await deployEmitter(options.rpcUrl, options.emitter);
    await client.call('chains.add', {
      name: 'bench-alerts',
      chainId: options.chainId,
      rpcUrls: [options.watchUrl],
      confirmations: 2,
    });
    await client.call('contracts.add', {
      chainId: options.chainId,
      address: deployed.address,
      abi: options.emitter.abi,
      startBlock: deployed.deployBlock,
    });
    await waitUntilFollowing(client, options.chainId);
    await client.call('alerts.rules.save', {
      name: 'Every ping',
      kind: 'event',
      contractId: `${options.chainId}:${(deployed.address as Address).toLowerCase()}`,
      eventName: 'Ping',
      enabled: true,
      channels: [{ type: 'webhook', url: receiver.url, secret }],
    });
    // The clock stops when the signed request carrying the transaction reaches the receiver.
    const arrivals = new Map<string, number>();
    const waiting = new Map<string, (time: number) => void>();
    receiver.onRequest((request) => {
      const hash = (
        request.json.firing as { event?: { transactionHash?: string } } | undefined
      )?.event?.transactionHash?.toLowerCase();
      if (!hash || !request.signatureValid || arrivals.has(hash)) return;
      const now = performance.now();
      arrivals.set(hash, now);
      waiting.get(hash)?.(now);
    });
    const clock: BatchClock = {
      arrival: (txHash, timeoutMs) =>
        new Promise((resolve) => {
          const hash = txHash.toLowerCase();
          if (arrivals.has(hash)) return resolve(arrivals.get(hash));
          const timer = setTimeout(() => resolve(undefined), timeoutMs);
          waiting.set(hash, (time) => {
            clearTimeout(timer);
            resolve(time);
          });
        }),
    };
    return await measureLiveLatency({
      clock,
      chainRpcUrl: options.rpcUrl,
      emitter: options.emitter,
      address: deployed.address,
      samples: options.samples,
    });
  } finally {
    client.close();
    await serve.kill('SIGTERM');
    await receiver.close();
  }
}
