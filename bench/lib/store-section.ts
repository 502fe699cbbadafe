// The store section of `npm run bench` (alone: BENCH_ONLY=store): one anvil chain of dense
// 4,000-log blocks grown through each size in BENCH_STORE_EVENTS (e.g. 100000,1000000), and at
// each size the store's figures from measureStore, printed side by side with their aims.
import { startAnvil } from '../../test/helpers/anvil.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { appendDenseBlocks, deployEmitter } from './dense-chain.ts';
import type { EmitterArtifact } from './emitter.ts';
import {
  blocksPerRawRequest,
  measureFastestRawGetLogs,
  type RawGetLogsResult,
} from './raw-get-logs.ts';
import { measureStore, type StoreBenchChain, type StoreBenchResult } from './store-bench.ts';
import { formatInt, formatMb, formatMs } from './stats.ts';
import { printGrid } from './table.ts';

export interface StoreSectionSettings {
  /** Ascending; the chain grows from one to the next. */
  sizes: number[];
  eventsPerBlock: number;
  eventsPerTx: number;
  followSeconds: number;
  queryRuns: number;
  /** Keeps each raw eth_getLogs answer near 6 MB, as the main section does. */
  rawLogsPerRequest: number;
}

interface SizeRun {
  size: number;
  blocks: number;
  fillSeconds: number;
  raw: RawGetLogsResult & { others: RawGetLogsResult[] };
  /** The same sizes read again right after the backfill, serve paused (see rawMean). */
  rawAfter: RawGetLogsResult & { others: RawGetLogsResult[] };
  store: StoreBenchResult;
  wallSeconds: number;
}

const chainId = 31341;

/** "100000,1000000" or "1e6" → [100000, 1000000], ascending. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim()));
  for (const size of sizes)
    if (!Number.isSafeInteger(size) || size <= 0)
      throw new Error(
        `BENCH_STORE_EVENTS=${text}: each size must be a positive whole number of events.`,
      );
  return [...new Set(sizes)].sort((a, b) => a - b);
}

const seconds = (value: number): string => `${value.toFixed(1)} s`;

/**
 * The raw rate a backfill is compared with: the mean of the read before it and the read right
 * after it, both the faster of the same sizes with nothing else running (serve is paused with
 * SIGSTOP for the second). This machine's speed drifts by a tenth and more within minutes (raw
 * read 176k–199k events/s in one half hour), and a read on one side only leaves the ratio to
 * that drift. The ratio against each read is shown beside it.
 */
const rawMean = (run: SizeRun): number =>
  (run.raw.eventsPerSecond + run.rawAfter.eventsPerSecond) / 2;
const shortCount = (value: number): string =>
  value >= 1e6 && value % 1e5 === 0
    ? `${value / 1e6}M`
    : value >= 1e3 && value % 100 === 0
      ? `${value / 1e3}k`
      : formatInt(value);

function gridRows(runs: readonly SizeRun[]): string[][] {
  const row = (label: string, cell: (run: SizeRun, index: number) => string, notes = '') => [
    label,
    ...runs.map(cell),
    notes,
  ];
  const queryNames = runs[0]?.store.queries.map((query) => query.name) ?? [];
  return [
    row(
      'Events backfilled',
      (run) => formatInt(run.store.backfill.events),
      'dense blocks; the single-event blocks of earlier follows sit among them',
    ),
    row(
      'Chain grown by',
      (run) => `${run.blocks} blocks, ${seconds(run.fillSeconds)}`,
      'anvil, automine off, one evm_mine a block',
    ),
    row(
      'Raw eth_getLogs',
      (run) => `${formatInt(run.raw.eventsPerSecond)} ev/s`,
      'plain fetch, one request at a time; the faster of 1 block a request and about 8,000 logs',
    ),
    row(
      'Raw eth_getLogs, after the backfill',
      (run) => `${formatInt(run.rawAfter.eventsPerSecond)} ev/s`,
      'the same sizes again, once the backfill is stored, with serve paused (SIGSTOP)',
    ),
    row(
      'Raw eth_getLogs, each size',
      (run) =>
        [run.raw, ...run.raw.others]
          .sort((a, b) => a.blocksPerRequest - b.blocksPerRequest)
          .map((raw) => `${raw.blocksPerRequest}: ${formatInt(raw.eventsPerSecond)}`)
          .join(', '),
      'blocks a request: ev/s',
    ),
    row(
      'Backfill (headless)',
      (run) => `${formatInt(run.store.backfill.eventsPerSecond)} ev/s`,
      'contracts.add → indexedThrough ≥ head',
    ),
    row(
      'Backfill ÷ raw',
      (run) => {
        const rate = run.store.backfill.eventsPerSecond;
        const against = (raw: number): string => (rate / raw).toFixed(2);
        return `${against(rawMean(run))} (${against(run.raw.eventsPerSecond)}, ${against(run.rawAfter.eventsPerSecond)})`;
      },
      'against the mean of the raw reads (against the one before, the one after); aim ≥ 0.5',
    ),
    row(
      'Backfill rate ÷ previous size',
      (run, index) =>
        index === 0
          ? '—'
          : (
              run.store.backfill.eventsPerSecond / runs[index - 1]!.store.backfill.eventsPerSecond
            ).toFixed(2),
      'aim ≥ 0.8 at 5M against 1M',
    ),
    row(
      'Peak RSS, backfill',
      (run) => formatMb(run.store.backfill.peakRssBytes),
      'serve process (main + engine worker), /proc VmRSS every 100 ms; aim ≤ 700 MB',
    ),
    row(
      'CPU during backfill',
      (run) => {
        const { serveCpu, nodeCpu } = run.store.backfill;
        const [first = 0, second = 0] = serveCpu.threadSeconds;
        const others = serveCpu.totalSeconds - first - second;
        return `serve ${serveCpu.totalSeconds.toFixed(1)} s (${first.toFixed(1)} + ${second.toFixed(1)} + ${others.toFixed(1)}), anvil ${nodeCpu.totalSeconds.toFixed(1)} s`;
      },
      'user + system, /proc/<pid>/task/*/stat; the two busiest threads (in a backfill the engine, then the segment builder), then the rest (the GC helpers of V8, main, libuv, and a builder thread closed after 2 s idle)',
    ),
    row(
      'Idle RSS after backfill',
      (run) => formatMb(run.store.backfill.idleRssBytes),
      'median over 5 s once following; aim ≤ 500 MB',
    ),
    row(
      'Idle RSS after cold start',
      (run) => formatMb(run.store.coldStart.idleRssBytes),
      'the same in the process restarted after kill -9',
    ),
    row(
      'Idle RSS after the queries',
      (run) => formatMb(run.store.idleRssAfterQueriesBytes),
      'the same process once the queries below are answered (old segments read); aim ≤ 500 MB',
    ),
    row(
      'Disk writes, following',
      (run) => `${(run.store.follow.bytesPerMinute / 1024 / 1024).toFixed(1)} MB/min`,
      `/proc write_bytes over ${seconds(runs[0]?.store.follow.seconds ?? 0)}, a block every 2 s with one event; aim ≤ 5 MB/min at every size`,
    ),
    row(
      'RSS, following',
      (run) => formatMb(run.store.follow.rssBytes),
      'median over the same minute',
    ),
    row(
      'Cold start, empty store',
      (run) => seconds(run.store.coldStart.emptySeconds),
      'spawn → status.get answers (node --import tsx included)',
    ),
    row(
      'Cold start, all stored',
      (run) => seconds(run.store.coldStart.storedSeconds),
      'the same after kill -9',
    ),
    row(
      'Events at that first answer',
      (run) => formatInt(run.store.coldStart.eventsAtFirstAnswer),
      'status.get totalEvents: what the kill -9 left on disk',
    ),
    row(
      'Restart → caught up',
      (run) => seconds(run.store.coldStart.caughtUpSeconds),
      'following again with every event counted',
    ),
    row(
      'Data directory',
      (run) => formatMb(run.store.dataDirBytes),
      'allocated on disk, right after the kill -9',
    ),
    ...queryNames.map((name, index) =>
      row(
        `Query: ${name}`,
        (run) => {
          const query = run.store.queries[index]!;
          return `p95 ${formatMs(query.p95Ms)} (p50 ${formatMs(query.p50Ms)})`;
        },
        `rows per answer: ${runs.map((run) => formatInt(run.store.queries[index]!.rows)).join(' / ')}`,
      ),
    ),
    row('Wall time for this size', (run) => seconds(run.wallSeconds), 'chain growth included'),
  ];
}

export async function runStoreSection(
  emitter: EmitterArtifact,
  settings: StoreSectionSettings,
  step: (text: string) => void,
): Promise<void> {
  const anvil = await startAnvil({ chainId, extraArgs: ['--gas-limit', '1000000000'] });
  const runs: SizeRun[] = [];
  try {
    const deployed = await deployEmitter(anvil.rpcUrl, emitter);
    const chain: StoreBenchChain = {
      chainId,
      rpcUrl: anvil.rpcUrl,
      emitter,
      address: deployed.address,
      deployBlock: deployed.deployBlock,
      headBlock: deployed.deployBlock,
      nodePid: anvil.process.pid!,
      events: 0,
    };
    for (const size of settings.sizes) {
      const sizeStarted = performance.now();
      step(`Store at ${formatInt(size)} events: growing the chain…`);
      const grown = await appendDenseBlocks(anvil.rpcUrl, emitter, deployed, {
        events: Math.max(0, size - chain.events),
        eventsPerBlock: settings.eventsPerBlock,
        eventsPerTx: settings.eventsPerTx,
      });
      chain.events += grown.events;
      chain.headBlock = grown.headBlock;

      const blocksPerRequest = blocksPerRawRequest(
        settings.rawLogsPerRequest,
        settings.eventsPerBlock,
      );
      step(`Raw eth_getLogs over the whole chain, 1 and ${blocksPerRequest} block(s) per request…`);
      const rawRange = {
        rpcUrl: anvil.rpcUrl,
        address: chain.address,
        fromBlock: chain.deployBlock,
        toBlock: chain.headBlock,
        expectedLogs: chain.events,
      };
      const raw = await measureFastestRawGetLogs(rawRange, [1, blocksPerRequest]);
      let rawAfter: SizeRun['rawAfter'] | undefined;
      const dataDir = makeTempDir('vigil-bench-store-');
      try {
        const store = await measureStore({
          chain,
          dataDir: dataDir.path,
          followSeconds: settings.followSeconds,
          followBlockSeconds: 2,
          queryRuns: settings.queryRuns,
          timeoutMs: 30 * 60_000,
          step,
          async afterBackfill(servePid) {
            step('Raw eth_getLogs again, the same sizes, serve paused…');
            process.kill(servePid, 'SIGSTOP');
            try {
              rawAfter = await measureFastestRawGetLogs(rawRange, [1, blocksPerRequest]);
            } finally {
              process.kill(servePid, 'SIGCONT');
            }
          },
        });
        runs.push({
          size,
          blocks: grown.blocks,
          fillSeconds: grown.setupMs / 1000,
          raw,
          rawAfter: rawAfter!,
          store,
          wallSeconds: (performance.now() - sizeStarted) / 1000,
        });
      } finally {
        dataDir.remove();
      }
      step(`Store at ${formatInt(size)} events done in ${seconds(runs.at(-1)!.wallSeconds)}.`);
    }
  } finally {
    await anvil.stop();
    if (runs.length)
      printGrid(
        `Store (dense ${formatInt(settings.eventsPerBlock)}-log blocks, headless mode, ${settings.queryRuns} runs per query)`,
        ['measurement', ...runs.map((run) => shortCount(run.size)), 'notes'],
        gridRows(runs),
      );
  }
}
