// `npm run bench`: Vigil's throughput, latency and memory on a local anvil, printed as one
// table. Figures, not a pass/fail test. Sizes can be changed with BENCH_EVENTS,
// BENCH_EVENTS_PER_BLOCK, BENCH_EVENTS_PER_TX, BENCH_LIVE_SAMPLES, BENCH_AUDIT_ENTRIES,
// BENCH_ALERT_EVENTS, BENCH_ALERT_SAMPLES and BENCH_AUTOMATION_SAMPLES; BENCH_ONLY=automation runs
// only trigger → broadcast (it needs the OS keychain: run it inside a D-Bus session with an
// unlocked keyring, as npm test does); BENCH_ONLY=audit runs only the audit log's figures
// (no chain needed). The store section (BENCH_ONLY=store runs only it) measures headless mode at
// each size in BENCH_STORE_EVENTS (one size, or a list such as 100000,1000000), following for
// BENCH_FOLLOW_SECONDS and timing each query BENCH_QUERY_RUNS times.
import { startAnvil, type AnvilInstance } from '../test/helpers/anvil.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { measureAuditLog, type AuditBenchResult } from './lib/audit-export.ts';
import { measureBackfill } from './lib/backfill.ts';
import { fillDenseBlocks, deployEmitter } from './lib/dense-chain.ts';
import { runDecodeBench } from './lib/decode-bench.ts';
import { loadEmitter } from './lib/emitter.ts';
import {
  startHeadless,
  waitUntilFollowing,
  watchOverHeadless,
  type Headless,
} from './lib/headless.ts';
import {
  clockEventBatches,
  measureLiveLatency,
  type LiveLatencyResult,
} from './lib/live-latency.ts';
import { describeMachine } from './lib/machine.ts';
import {
  blocksPerRawRequest,
  describeRawGetLogs,
  measureFastestRawGetLogs,
} from './lib/raw-get-logs.ts';
import {
  measureRuleEvaluation,
  measureRulesThroughStore,
  measureWebhookLatency,
} from './lib/alert-bench.ts';
import { measureAutomationLatency } from './lib/automation-latency.ts';
import { measureReorgAndRequests } from './lib/reorg-and-requests.ts';
import { parseSizes, runStoreSection } from './lib/store-section.ts';
import { formatInt, formatMb, formatMs } from './lib/stats.ts';
import { printTable, type TableRow } from './lib/table.ts';

/** Keeps each raw eth_getLogs answer near 6 MB, well under a 10 MB body limit. */
const rawLogsPerRequest = 8_000;

const settings = {
  events: Number(process.env.BENCH_EVENTS ?? 240_000),
  eventsPerTx: Number(process.env.BENCH_EVENTS_PER_TX ?? 1_000),
  eventsPerBlock: Number(process.env.BENCH_EVENTS_PER_BLOCK ?? 2_000),
  liveSamples: Number(process.env.BENCH_LIVE_SAMPLES ?? 40),
  auditEntries: Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000),
  alertEvents: Number(process.env.BENCH_ALERT_EVENTS ?? 100_000),
  alertSamples: Number(process.env.BENCH_ALERT_SAMPLES ?? 30),
  automationSamples: Number(process.env.BENCH_AUTOMATION_SAMPLES ?? 30),
  alertRules: 100,
  store: {
    sizes: parseSizes(process.env.BENCH_STORE_EVENTS ?? '100000'),
    eventsPerBlock: 4_000,
    eventsPerTx: 1_000,
    followSeconds: Number(process.env.BENCH_FOLLOW_SECONDS ?? 60),
    queryRuns: Number(process.env.BENCH_QUERY_RUNS ?? 50),
    rawLogsPerRequest,
  },
  rawLogsPerRequest,
};
const denseChainId = 31337;
const wsChainId = 31338;
const alertChainId = 31340;
const automationChainId = 31341;
const anvilArgs = ['--gas-limit', '1000000000'];

const step = (text: string): void => console.log(`· ${text}`);
const seconds = (value: number): string => `${value.toFixed(1)} s`;

function latencyRows(label: string, result: LiveLatencyResult, notes: string): TableRow[] {
  const missed = result.missed ? `; ${result.missed} never arrived within 15 s` : '';
  return [
    {
      measurement: `Block → view latency, ${label}`,
      value: `p50 ${formatMs(result.p50Ms)}`,
      notes: `${result.samples} single-event txs, random 0–1 s apart${missed}`,
    },
    { measurement: '', value: `p95 ${formatMs(result.p95Ms)}`, notes },
    { measurement: '', value: `max ${formatMs(result.maxMs)}`, notes: '' },
  ];
}

function auditRows(result: AuditBenchResult): TableRow[] {
  const entries = formatInt(result.entries);
  const rows: TableRow[] = [
    {
      measurement: 'Audit log',
      value: `${entries} entries`,
      notes: `built into a ${formatMb(result.snapshotBytes)} snapshot in ${seconds(result.buildSeconds)}`,
    },
    {
      measurement: 'Audit sealing, first snapshot',
      value: seconds(result.sealSeconds),
      notes: `${formatInt(result.sealedSegments)} segments written once; the snapshot went from ${formatMb(result.snapshotBytes)} to ${formatMb(result.sealedSnapshotBytes)}`,
    },
    {
      measurement: 'Audit verify, whole log',
      value: `${formatInt(result.entries / result.liveVerifySeconds)} entries/s`,
      notes: `${seconds(result.liveVerifySeconds)} across sealed segments and the live table: audit.verify; a start checks only what is newer than its checkpoint`,
    },
  ];
  for (const run of result.exports) {
    rows.push({
      measurement: `Audit export, ${run.format}`,
      value: `${formatInt(run.entriesPerSecond)} entries/s`,
      notes: `${seconds(run.seconds)}, ${formatMb(run.fileBytes)} file; peak growth RSS ${formatMb(run.rssGrowthBytes)}, JS heap ${formatMb(run.heapGrowthBytes)} (streams; the store itself is in memory already)`,
    });
  }
  for (const run of result.verifies) {
    rows.push({
      measurement: `Audit verify, ${run.format} file`,
      value: `${formatInt(run.entriesPerSecond)} entries/s`,
      notes: `${seconds(run.seconds)}, ${formatMb(run.fileBytes)}; peak growth RSS ${formatMb(run.rssGrowthBytes)}, JS heap ${formatMb(run.heapGrowthBytes)}`,
    });
  }
  rows.push(
    {
      measurement: 'Start, empty data directory',
      value: seconds(result.engine.emptyStartSeconds),
      notes: 'createVigil to ready, in the same run',
    },
    {
      measurement: `First start with the ${entries}-entry log`,
      value: seconds(result.engine.firstStartSeconds),
      notes: 'no checkpoint yet: the whole chain is checked, once',
    },
    {
      measurement: `Start with the ${entries}-entry log`,
      value: seconds(result.engine.startSeconds),
      notes: `createVigil: load the snapshot, check from the checkpoint, start the engine (${seconds(result.engine.startSeconds - result.engine.emptyStartSeconds)} over an empty start)`,
    },
    {
      measurement: 'audit.export via the engine',
      value: `${formatInt(result.entries / result.engine.exportSeconds)} entries/s`,
      notes: `jsonl, ${seconds(result.engine.exportSeconds)}; audit.status asked every 50 ms meanwhile: ${result.engine.answeredDuringExport} answers, p50 ${formatMs(result.engine.statusP50Ms)}, max ${formatMs(result.engine.statusMaxMs)}`,
    },
  );
  return rows;
}

async function runAuditBench(): Promise<TableRow[]> {
  const dataDir = makeTempDir('vigil-bench-audit-');
  const outDir = makeTempDir('vigil-bench-audit-out-');
  try {
    return auditRows(
      await measureAuditLog({
        dataDir: dataDir.path,
        outDir: outDir.path,
        entries: settings.auditEntries,
        step,
      }),
    );
  } finally {
    dataDir.remove();
    outDir.remove();
  }
}

/** Trigger → broadcast of a rule executing under a policy, over ws:// and http://. */
async function runAutomationBench(): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for (const transport of ['ws', 'http'] as const) {
    step(
      `Triggering block → automatic transaction broadcast over ${transport}:// (${settings.automationSamples} triggers)…`,
    );
    const result = await measureAutomationLatency({
      transport,
      chainId: automationChainId,
      samples: settings.automationSamples,
    });
    const missed = result.missed ? `; ${result.missed} not broadcast within 20 s` : '';
    rows.push(
      {
        measurement: `Trigger → broadcast, ${transport}://`,
        value: `p50 ${formatMs(result.sentP50Ms)}`,
        notes: `${result.samples} withdrawals, random 0–1 s apart, each firing a rule whose flag(…) is approved by its policy${missed}`,
      },
      {
        measurement: '',
        value: `p95 ${formatMs(result.sentP95Ms)}`,
        notes: `max ${formatMs(result.sentMaxMs)}; proposed after p50 ${formatMs(result.proposedP50Ms)} (the rest: simulation, policy, signing, eth_sendRawTransaction)`,
      },
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  console.log(`Vigil bench — ${describeMachine()}`);
  if (process.env.BENCH_ONLY === 'audit') {
    const rows = await runAuditBench();
    printTable(`Results (${seconds((performance.now() - benchStarted) / 1000)} in all)`, rows);
    return;
  }
  if (process.env.BENCH_ONLY === 'automation') {
    const rows = await runAutomationBench();
    printTable(`Results (${seconds((performance.now() - benchStarted) / 1000)} in all)`, rows);
    return;
  }
  if (process.env.BENCH_ONLY === 'store') {
    await runStoreSection(loadEmitter(), settings.store, step);
    console.log(`\n${seconds((performance.now() - benchStarted) / 1000)} in all`);
    return;
  }
  const rows: TableRow[] = [];
  const dataDir = makeTempDir('vigil-bench-');
  const anvils: AnvilInstance[] = [];
  let headless: Headless | undefined;
  try {
    // ---- a chain with dense blocks ------------------------------------------------------
    const emitter = loadEmitter();
    const dense = await startAnvil({ chainId: denseChainId, extraArgs: anvilArgs });
    anvils.push(dense);
    step(
      `Filling anvil with ${formatInt(settings.events)} Ping events (${formatInt(settings.eventsPerBlock)} per block; Emitter from ${emitter.origin})…`,
    );
    const chain = await fillDenseBlocks(dense.rpcUrl, emitter, settings);
    step(
      `${formatInt(chain.events)} events in ${chain.blocks} blocks (${chain.transactions} txs) up to block ${chain.headBlock}, set up in ${seconds(chain.setupMs / 1000)}.`,
    );
    rows.push({
      measurement: 'Chain',
      value: `${formatInt(chain.events)} events`,
      notes: `${chain.blocks} blocks × ${formatInt(settings.eventsPerBlock)} events (${settings.eventsPerTx} per tx), set up in ${seconds(chain.setupMs / 1000)}`,
    });

    // ---- 1. raw eth_getLogs ---------------------------------------------------------------
    const blocksPerRequest = blocksPerRawRequest(
      settings.rawLogsPerRequest,
      settings.eventsPerBlock,
    );
    step(`Raw eth_getLogs, 1 and ${blocksPerRequest} block(s) per request…`);
    const raw = await measureFastestRawGetLogs(
      {
        rpcUrl: dense.rpcUrl,
        address: chain.address,
        fromBlock: chain.deployBlock,
        toBlock: chain.headBlock,
        expectedLogs: chain.events,
      },
      [1, blocksPerRequest],
    );
    rows.push({
      measurement: 'Raw eth_getLogs (plain fetch)',
      value: `${formatInt(raw.eventsPerSecond)} ev/s`,
      notes: describeRawGetLogs(raw, seconds, formatInt),
    });

    // ---- 2–4. end-to-end backfill in this process ------------------------------------------
    step('End-to-end backfill (createVigil in this process)…');
    const backfill = await measureBackfill({
      dataDir: dataDir.path,
      chainId: denseChainId,
      rpcUrl: dense.rpcUrl,
      address: chain.address,
      abi: emitter.abi,
      startBlock: chain.deployBlock,
      headBlock: chain.headBlock,
      events: chain.events,
    });
    rows.push(
      {
        measurement: 'End-to-end backfill',
        value: `${formatInt(backfill.eventsPerSecond)} ev/s`,
        notes: `contracts.add → indexedThrough ≥ head in ${seconds(backfill.seconds)}; status.get agreed (totalEvents ${formatInt(backfill.totalEvents)}) at ${seconds(backfill.statusAgreedSeconds)}`,
      },
      {
        measurement: 'Backfill ÷ raw',
        value: (backfill.eventsPerSecond / raw.eventsPerSecond).toFixed(2),
        notes: 'aim ≥ 0.5',
      },
      {
        measurement: 'Peak RSS during backfill',
        value: formatMb(backfill.during.peakRssBytes),
        notes: `main + engine worker; ${formatMb(backfill.during.startRssBytes)} before contracts.add`,
      },
      {
        measurement: 'Peak RSS during close',
        value: formatMb(backfill.closing.peakRssBytes),
        notes: `core.close() with its final snapshot took ${seconds(backfill.closeSeconds)}`,
      },
      {
        measurement: 'Main loop delay, backfill',
        value: `max ${formatMs(backfill.during.loopDelayMaxMs)}`,
        notes: `p99 ${formatMs(backfill.during.loopDelayP99Ms)}, p50 ${formatMs(backfill.during.loopDelayP50Ms)} (10 ms resolution: an idle loop reads ~10 ms); aim < 50 ms`,
      },
      {
        measurement: 'Main loop delay, close',
        value: `max ${formatMs(backfill.closing.loopDelayMaxMs)}`,
        notes: `p99 ${formatMs(backfill.closing.loopDelayP99Ms)}`,
      },
      {
        measurement: 'Pushes to the view, backfill',
        value: `${formatInt(backfill.pushes)} msgs`,
        notes: `${formatInt(backfill.pushedRows)} event rows, ${backfill.pushedMegabytes.toFixed(1)} MB as JSON`,
      },
      {
        measurement: 'status.get with all events stored',
        value: formatMs(backfill.statusGetMs),
        notes: 'the engine also runs this query once a second for status.changed',
      },
    );
    const warnings = backfill.engineMessages.filter((message) => !message.startsWith('info:'));
    if (warnings.length)
      step(`Engine said during backfill:\n    ${warnings.slice(0, 10).join('\n    ')}`);

    // ---- 5. live follow through headless mode --------------------------------------------
    // A failure here (e.g. serve not starting) is reported in the table; the rest still runs.
    try {
      step('Headless mode on the same data directory…');
      headless = await startHeadless(dataDir.path);
      rows.push({
        measurement: 'Headless start with the store',
        value: seconds(headless.startupSeconds),
        notes: `spawn → WebSocket open, ${formatInt(chain.events)} events in the snapshot`,
      });
      const clock = clockEventBatches(headless.client);
      await waitUntilFollowing(headless.client, denseChainId);
      step(`Live follow over HTTP polling (${settings.liveSamples} txs)…`);
      const overHttp = await measureLiveLatency({
        clock,
        chainRpcUrl: dense.rpcUrl,
        emitter,
        address: chain.address,
        samples: settings.liveSamples,
      });
      rows.push(
        ...latencyRows(
          'http://',
          overHttp,
          `chain ${denseChainId} (the backfilled one), watcher polls every 1 s`,
        ),
      );

      const wsAnvil = await startAnvil({ chainId: wsChainId, extraArgs: anvilArgs });
      anvils.push(wsAnvil);
      const wsEmitter = await deployEmitter(wsAnvil.rpcUrl, emitter);
      await watchOverHeadless(
        headless.client,
        { chainId: wsChainId, name: 'bench-ws', rpcUrl: wsAnvil.wsUrl },
        { address: wsEmitter.address, abi: emitter.abi, startBlock: wsEmitter.deployBlock },
      );
      await waitUntilFollowing(headless.client, wsChainId);
      step(`Live follow over WebSocket newHeads (${settings.liveSamples} txs)…`);
      const overWs = await measureLiveLatency({
        clock,
        chainRpcUrl: wsAnvil.rpcUrl,
        emitter,
        address: wsEmitter.address,
        samples: settings.liveSamples,
      });
      rows.push(
        ...latencyRows(
          'ws://',
          overWs,
          `chain ${wsChainId} (fresh anvil, same serve process), woken by newHeads`,
        ),
      );
      step('Stopping headless mode (SIGTERM)…');
      const stop = await headless.close(15_000);
      headless = undefined;
      rows.push({
        measurement: 'Headless stop (SIGTERM)',
        value: stop.stoppedCleanly ? seconds(stop.seconds) : 'hung',
        notes: stop.stoppedCleanly
          ? 'saves a snapshot, then exits'
          : `killed after ${seconds(stop.seconds)}`,
      });
      if (!stop.stoppedCleanly)
        step(
          `serve did not exit on SIGTERM; its last output:\n${stop.output.replace(/^/gm, '    ')}`,
        );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({
        measurement: 'Live follow (headless)',
        value: 'failed',
        notes: message.split('\n')[0]!,
      });
      step(`Live follow failed:\n${message.replace(/^/gm, '    ')}`);
      if (headless) await headless.close(5_000).catch(() => undefined);
      headless = undefined;
    }

    // ---- 6. reorg convergence and RPC cost of live follow ----------------------------------
    step('Depth-5 reorgs and requests per block in live follow…');
    const reorgs = await measureReorgAndRequests({ reorgs: 5, followBlocks: 20 });
    const sorted = [...reorgs.reorgToEqualMs].sort((a, b) => a - b);
    rows.push({
      measurement: 'Depth-5 reorg → store equal',
      value: `p50 ${formatMs(sorted[Math.floor(sorted.length / 2)]!)}`,
      notes: `${sorted.length} reorgs (anvil_reorg, new branch with other events); max ${formatMs(sorted.at(-1)!)}; watcher polls every 1 s over http`,
    });
    const perDay = reorgs.requestsPerBlock * (86_400 / 2);
    rows.push({
      measurement: 'RPC requests per new block',
      value: reorgs.requestsPerBlock.toFixed(1),
      notes: `live follow over http, ${reorgs.blocksObserved} blocks; ${Object.entries(
        reorgs.requestsByMethod,
      )
        .map(([method, count]) => `${method} ${count}`)
        .join(
          ', ',
        )}; ≈${formatInt(Math.round(perDay))} requests/day on a 2 s chain (plus idle polls between blocks)`,
    });

    // ---- 7. the audit log at a million entries ----------------------------------------------
    rows.push(...(await runAuditBench()));

    // ---- 8. alert rules ---------------------------------------------------------------------
    step(
      `Alert rules: ${formatInt(settings.alertEvents)} Transfer events through ${settings.alertRules} enabled rules…`,
    );
    const evaluation = measureRuleEvaluation(settings.alertRules, settings.alertEvents);
    rows.push({
      measurement: `Rule evaluation, ${evaluation.rules} rules`,
      value: `${formatInt(evaluation.eventsPerSecond)} ev/s`,
      notes: `compiled conditions only (thresholds, watch lists, pairs, ranges; bigint and address compares); ${formatInt(evaluation.events)} events, ${formatInt(evaluation.matches)} rule matches`,
    });
    const alertStoreDir = makeTempDir('vigil-bench-alerts-');
    try {
      const throughStore = await measureRulesThroughStore({
        dataDir: alertStoreDir.path,
        rules: settings.alertRules,
        events: Math.min(settings.alertEvents, 50_000),
        batch: 1_000,
      });
      rows.push({
        measurement: `Rules through the store, ${throughStore.rules} rules`,
        value: `${formatInt(throughStore.eventsPerSecond)} ev/s`,
        notes: `the alert service on a real store, rows as the watcher hands them over in batches of 1,000; ${formatInt(throughStore.firings)} firings journaled (fsync per batch) with audit entries`,
      });
    } finally {
      alertStoreDir.remove();
    }
    for (const label of ['ws://', 'http://'] as const) {
      step(`Matching block → webhook receiver over ${label} (${settings.alertSamples} txs)…`);
      // A fresh chain each time: nothing left over from the other measurement.
      const alertAnvil = await startAnvil({ chainId: alertChainId });
      anvils.push(alertAnvil);
      const watchUrl = label === 'ws://' ? alertAnvil.wsUrl : alertAnvil.rpcUrl;
      const webhookDir = makeTempDir('vigil-bench-webhook-');
      try {
        const latency = await measureWebhookLatency({
          dataDir: webhookDir.path,
          chainId: alertChainId,
          rpcUrl: alertAnvil.rpcUrl,
          watchUrl,
          emitter,
          samples: settings.alertSamples,
        });
        const missed = latency.missed ? `; ${latency.missed} never arrived within 15 s` : '';
        rows.push(
          {
            measurement: `Block → webhook, ${label}`,
            value: `p50 ${formatMs(latency.p50Ms)}`,
            notes: `${latency.samples} matching txs, random 0–1 s apart; a signed POST to a receiver on loopback${missed}`,
          },
          {
            measurement: '',
            value: `p95 ${formatMs(latency.p95Ms)}`,
            notes:
              label === 'ws://'
                ? 'headless mode, chain over ws:// (woken by newHeads), rule fires at 0 confirmations'
                : 'the same over http:// (watcher polls every 1 s)',
          },
        );
      } finally {
        webhookDir.remove();
      }
    }

    // ---- 8b. automation: a triggering block to the automatic transaction's broadcast ---------
    rows.push(...(await runAutomationBench()));

    // ---- 9. the store at BENCH_STORE_EVENTS, through headless mode ----------------------------
    await runStoreSection(emitter, settings.store, step);

    // ---- 10. decoder micro-benchmark --------------------------------------------------------
    step('bench/decode.ts…');
    const decode = await runDecodeBench();

    printTable(`Results (${seconds((performance.now() - benchStarted) / 1000)} in all)`, rows);
    console.log(
      `\nbench/decode.ts${decode.ran ? ` (exit ${decode.exitCode}, ${seconds(decode.seconds)})` : ''}:`,
    );
    console.log(decode.output.replace(/^/gm, '  '));
  } finally {
    if (headless) await headless.close().catch(() => undefined);
    for (const anvil of anvils) await anvil.stop();
    dataDir.remove();
  }
}

main().catch((error: unknown) => {
  console.error(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
