// The store's figures at one size, from outside: headless mode as a child process, spoken to only
// through its JSON-RPC contract, and watched through /proc (RSS, bytes written) and the size of
// its data directory. Nothing here knows how the store keeps its rows, so the same code measures
// the old store and the new one.
import type { Address, Hex } from 'viem';
import type { ChainStatus, EventRow, WatchedContract } from '../../src-main/ipc/contract.ts';
import type { RpcClient } from '../../test/helpers/serve.ts';
import { sendEmitMany } from './dense-chain.ts';
import type { EmitterArtifact } from './emitter.ts';
import {
  discardNotifications,
  startHeadless,
  waitUntilFollowing,
  watchOverHeadless,
  type Headless,
} from './headless.ts';
import { hexToNumber, nodeRpc, toHex } from './json-rpc.ts';
import { startRssSampler } from './process-monitor.ts';
import {
  cpuUseSince,
  directorySizeBytes,
  readRssBytes,
  readCpuSeconds,
  readWriteBytes,
  type CpuUse,
} from './proc.ts';
import { percentile, sleep } from './stats.ts';

export interface StoreBenchChain {
  chainId: number;
  rpcUrl: string;
  emitter: EmitterArtifact;
  address: Address;
  deployBlock: number;
  headBlock: number;
  /** The node's process, whose CPU during the backfill is read beside serve's. */
  nodePid: number;
  /** Every Ping the Emitter has emitted so far: what the store must hold once caught up. */
  events: number;
}

export interface StoreBenchOptions {
  chain: StoreBenchChain;
  dataDir: string;
  followSeconds: number;
  /** Seconds between the blocks mined while following. */
  followBlockSeconds: number;
  queryRuns: number;
  /** Longest a backfill or a catch-up may take before the run is called failed. */
  timeoutMs: number;
  step: (text: string) => void;
  /** Run once the backfill is stored and serve idles (the raw read again, beside it in time). */
  afterBackfill?: (servePid: number) => Promise<void>;
}

export interface QueryTiming {
  name: string;
  p50Ms: number;
  p95Ms: number;
  /** Rows a run returned on average, to show each query found what it looked for. */
  rows: number;
}

export interface StoreBenchResult {
  backfill: {
    events: number;
    seconds: number;
    eventsPerSecond: number;
    peakRssBytes: number;
    /** Median RSS over a quiet stretch once following, in the process that backfilled. */
    idleRssBytes: number;
    /** CPU the serve process and the node used while it ran. */
    serveCpu: CpuUse;
    nodeCpu: CpuUse;
  };
  follow: {
    seconds: number;
    blocks: number;
    writeBytes: number;
    bytesPerMinute: number;
    /** Median RSS during the minute of following. */
    rssBytes: number;
  };
  /** Everything in the data directory right after the kill -9. */
  dataDirBytes: number;
  coldStart: {
    /** Spawn → first status.get answer, on a data directory holding nothing. */
    emptySeconds: number;
    /** The same after a kill -9 with every event stored. */
    storedSeconds: number;
    /** What that first status.get counted: the events that survived the kill. */
    eventsAtFirstAnswer: number;
    /** Spawn → following the head again with every event counted. */
    caughtUpSeconds: number;
    idleRssBytes: number;
  };
  queries: QueryTiming[];
  /** Median RSS over a quiet stretch after the queries: what reading old segments leaves held. */
  idleRssAfterQueriesBytes: number;
}

const name = 'bench-store';

/** Spawn → WebSocket → the first status.get that answers (the engine may still be loading). */
async function coldStart(
  dataDir: string,
  timeoutMs: number,
): Promise<{ headless: Headless; seconds: number; chains: ChainStatus[] }> {
  const started = performance.now();
  const headless = await startHeadless(dataDir);
  discardNotifications(headless.client);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { chains } = await headless.client.call<{ chains: ChainStatus[] }>('status.get');
      return { headless, seconds: (performance.now() - started) / 1000, chains };
    } catch (error) {
      if (Date.now() > deadline) {
        await headless.crash();
        throw error;
      }
      await sleep(50);
    }
  }
}

/** Median RSS of the process over a quiet few seconds. */
async function idleRss(pid: number, seconds = 5): Promise<number> {
  const sampler = startRssSampler(() => readRssBytes(pid));
  await sleep(seconds * 1000);
  return percentile(sampler.stop().samples, 50);
}

async function waitUntilStored(
  client: RpcClient,
  chain: StoreBenchChain,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status: ChainStatus | undefined;
  while (Date.now() < deadline) {
    const { chains } = await client.call<{ chains: ChainStatus[] }>('status.get');
    status = chains.find((c) => c.chainId === chain.chainId);
    if (
      status &&
      status.totalEvents === chain.events &&
      (status.indexedThrough ?? -1) >= chain.headBlock
    )
      return;
    await sleep(500);
  }
  throw new Error(
    `The store never counted ${chain.events} events through block ${chain.headBlock}: ${JSON.stringify(status)}`,
  );
}

/** contracts.add on a fresh store until the contract's cursor reaches the head. */
async function backfill(
  headless: Headless,
  chain: StoreBenchChain,
  timeoutMs: number,
): Promise<{
  contract: WatchedContract;
  seconds: number;
  peakRssBytes: number;
  serveCpu: CpuUse;
  nodeCpu: CpuUse;
}> {
  const pid = headless.serve.process.pid!;
  const sampler = startRssSampler(() => readRssBytes(pid));
  const serveCpuBefore = readCpuSeconds(pid);
  const nodeCpuBefore = readCpuSeconds(chain.nodePid);
  const started = performance.now();
  const contract = await watchOverHeadless(
    headless.client,
    { chainId: chain.chainId, name, rpcUrl: chain.rpcUrl },
    { address: chain.address, abi: chain.emitter.abi, startBlock: chain.deployBlock },
  );
  const deadline = Date.now() + timeoutMs;
  // contracts.list is cheap where status.get may count every row; polling it leaves the
  // worker being measured alone.
  for (;;) {
    const listed = await headless.client.call<WatchedContract[]>('contracts.list');
    const through = listed.find((c) => c.id === contract.id)?.indexedThrough ?? null;
    if (through !== null && through >= chain.headBlock) break;
    if (Date.now() > deadline)
      throw new Error(`Backfill only reached block ${through} of ${chain.headBlock} in time.`);
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    contract,
    seconds,
    peakRssBytes: sampler.stop().peakRssBytes,
    serveCpu: cpuUseSince(pid, serveCpuBefore),
    nodeCpu: cpuUseSince(chain.nodePid, nodeCpuBefore),
  };
}

/** More than the watcher's unfinalized tail (16 blocks) plus a confirmation depth. */
const WARM_UP_BLOCKS = 40;

/**
 * A block every followBlockSeconds with one event, for followSeconds, while the process's
 * write_bytes is read before and after: what keeping up with a chain costs the disk.
 */
async function follow(
  headless: Headless,
  chain: StoreBenchChain,
  options: StoreBenchOptions,
): Promise<StoreBenchResult['follow']> {
  const pid = headless.serve.process.pid!;
  const sampler = startRssSampler(() => readRssBytes(pid));
  const writtenBefore = readWriteBytes(pid);
  const started = performance.now();
  const blocks = Math.max(1, Math.floor(options.followSeconds / options.followBlockSeconds));
  for (let block = 0; block < blocks; block++) {
    await sleep(started + block * options.followBlockSeconds * 1000 - performance.now());
    await sendEmitMany(chain.rpcUrl, chain.emitter, chain.address, 1);
    chain.events += 1;
  }
  await sleep(started + options.followSeconds * 1000 - performance.now());
  const writeBytes = readWriteBytes(pid) - writtenBefore;
  const seconds = (performance.now() - started) / 1000;
  chain.headBlock = hexToNumber(await nodeRpc<Hex>(chain.rpcUrl, 'eth_blockNumber'));
  return {
    seconds,
    blocks,
    writeBytes,
    bytesPerMinute: (writeBytes / seconds) * 60,
    rssBytes: percentile(sampler.stop().samples, 50),
  };
}

/** Runs `query` runs times, one after another, and keeps p50/p95 of the answer times. */
async function timeQuery(
  label: string,
  runs: number,
  query: (run: number) => Promise<EventRow[]>,
): Promise<QueryTiming> {
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const asked = performance.now();
    rows += (await query(run)).length;
    times.push(performance.now() - asked);
  }
  return {
    name: label,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    rows: rows / runs,
  };
}

/** Transactions of blocks picked at random, fetched from the node, not the store. */
async function sampleTransactions(
  chain: StoreBenchChain,
  count: number,
): Promise<{ hash: Hex; block: number }[]> {
  const picked: { hash: Hex; block: number }[] = [];
  while (picked.length < count) {
    const block =
      chain.deployBlock + 1 + Math.floor(Math.random() * (chain.headBlock - chain.deployBlock));
    const found = await nodeRpc<{ transactions: Hex[] } | null>(
      chain.rpcUrl,
      'eth_getBlockByNumber',
      [toHex(block), false],
    );
    const hash = found?.transactions[Math.floor(Math.random() * found.transactions.length)];
    if (hash) picked.push({ hash, block });
  }
  return picked;
}

async function measureQueries(
  client: RpcClient,
  chain: StoreBenchChain,
  contract: WatchedContract,
  runs: number,
  step: (text: string) => void,
): Promise<QueryTiming[]> {
  const query = async (params: Record<string, unknown>): Promise<EventRow[]> =>
    (await client.call<{ rows: EventRow[] }>('events.query', params)).rows;
  const transactions = await sampleTransactions(chain, runs);
  const rangeBlocks = 10;
  const rangeStart = (): number =>
    chain.deployBlock +
    1 +
    Math.floor(Math.random() * Math.max(1, chain.headBlock - chain.deployBlock - rangeBlocks));
  const kinds: [string, (run: number) => Promise<EventRow[]>][] = [
    ['newest 100', () => query({ chainId: chain.chainId, limit: 100, order: 'desc' })],
    [
      'contract + event, newest 100',
      () => query({ contractId: contract.id, eventName: 'Ping', limit: 100, order: 'desc' }),
    ],
    // A dense block's transaction emits 1,000 events; the first 100 keep the answer the size of
    // the other queries', so the figure is about finding the transaction.
    [
      'transaction hash, first 100',
      (run) =>
        query({ chainId: chain.chainId, transactionHash: transactions[run]!.hash, limit: 100 }),
    ],
    [
      'transaction hash + its block, first 100',
      (run) =>
        query({
          chainId: chain.chainId,
          transactionHash: transactions[run]!.hash,
          limit: 100,
          fromBlock: transactions[run]!.block,
          toBlock: transactions[run]!.block,
        }),
    ],
    [
      `block range (${rangeBlocks} blocks, first 1,000)`,
      () => {
        const fromBlock = rangeStart();
        return query({
          chainId: chain.chainId,
          fromBlock,
          toBlock: fromBlock + rangeBlocks - 1,
          limit: 1_000,
          order: 'asc',
        });
      },
    ],
  ];
  const timings: QueryTiming[] = [];
  for (const [label, run] of kinds) {
    const timing = await timeQuery(label, runs, run);
    step(`  ${label}: p95 ${Math.round(timing.p95Ms)} ms`);
    timings.push(timing);
  }
  return timings;
}

/**
 * One size, start to end on a fresh data directory: cold start on nothing, backfill of the whole
 * chain, a minute of following, kill -9, cold start on what is on disk, queries.
 * chain.events and chain.headBlock move on with the blocks mined while following.
 */
export async function measureStore(options: StoreBenchOptions): Promise<StoreBenchResult> {
  const { chain, dataDir, step, timeoutMs } = options;
  let headless: Headless | undefined;
  try {
    step('Cold start on an empty data directory (start, kill -9, start again)…');
    const first = await coldStart(dataDir, timeoutMs);
    await first.headless.crash();
    const empty = await coldStart(dataDir, timeoutMs);
    headless = empty.headless;

    step(`Backfill of ${chain.events.toLocaleString('en-US')} events through headless mode…`);
    const backfilledEvents = chain.events;
    const filled = await backfill(headless, chain, timeoutMs);
    await waitUntilFollowing(headless.client, chain.chainId, timeoutMs);
    await waitUntilStored(headless.client, chain, timeoutMs);
    const idleAfterBackfill = await idleRss(headless.serve.process.pid!);
    await options.afterBackfill?.(headless.serve.process.pid!);

    // The last blocks of a backfill are not final yet; they sit in the head until the chain
    // moves past them and are sealed then. That is the backfill's cost, not following's: a
    // few single-event blocks first, so the measured minute is the steady state.
    step(`Warm-up: ${WARM_UP_BLOCKS} single-event blocks, then a quiet moment…`);
    for (let block = 0; block < WARM_UP_BLOCKS; block++) {
      await sendEmitMany(chain.rpcUrl, chain.emitter, chain.address, 1);
      chain.events += 1;
    }
    await waitUntilStored(headless.client, chain, timeoutMs);
    await sleep(5_000);

    step(
      `Following: a block every ${options.followBlockSeconds} s with one event, for ${options.followSeconds} s…`,
    );
    const followed = await follow(headless, chain, options);
    await waitUntilStored(headless.client, chain, timeoutMs);

    step('kill -9, then a cold start on what is on disk…');
    await headless.crash();
    headless = undefined;
    const dataDirBytes = directorySizeBytes(dataDir);
    const stored = await coldStart(dataDir, timeoutMs);
    headless = stored.headless;
    const eventsAtFirstAnswer =
      stored.chains.find((c) => c.chainId === chain.chainId)?.totalEvents ?? 0;
    const restartedAt = performance.now() - stored.seconds * 1000;
    await waitUntilFollowing(headless.client, chain.chainId, timeoutMs);
    await waitUntilStored(headless.client, chain, timeoutMs);
    const caughtUpSeconds = (performance.now() - restartedAt) / 1000;
    const idleAfterStart = await idleRss(headless.serve.process.pid!);

    step(`Queries over events.query, ${options.queryRuns} runs each…`);
    const queries = await measureQueries(
      headless.client,
      chain,
      filled.contract,
      options.queryRuns,
      step,
    );
    const idleAfterQueries = await idleRss(headless.serve.process.pid!);
    await headless.close(60_000);
    headless = undefined;

    return {
      backfill: {
        events: backfilledEvents,
        seconds: filled.seconds,
        eventsPerSecond: backfilledEvents / filled.seconds,
        peakRssBytes: filled.peakRssBytes,
        idleRssBytes: idleAfterBackfill,
        serveCpu: filled.serveCpu,
        nodeCpu: filled.nodeCpu,
      },
      follow: followed,
      dataDirBytes,
      coldStart: {
        emptySeconds: empty.seconds,
        storedSeconds: stored.seconds,
        eventsAtFirstAnswer,
        caughtUpSeconds,
        idleRssBytes: idleAfterStart,
      },
      queries,
      idleRssAfterQueriesBytes: idleAfterQueries,
    };
  } finally {
    if (headless) await headless.crash();
  }
}
