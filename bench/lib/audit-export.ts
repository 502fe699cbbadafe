// The audit log at a million entries: how long sealing a log from before sealing takes, how fast
// it exports (JSON Lines, CSV) and verifies across sealed segments, how much memory an export
// takes on top of the store (it streams, so far less than the file), how long a start takes
// (against an empty data directory's, the first with a full check, then from the checkpoint),
// and whether the engine keeps answering while it exports.
//
// The log is built straight into a snapshot through the store's own pieces (migrations, the
// chaining function, the audit table's insert): chained entries in large transactions, not a
// million journal fsyncs.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createVigil, type Logger } from '../../src-main/core/app.ts';
import {
  chainAuditEntry,
  verifyAuditExportFile,
  verifyStoredLog,
  writeAuditExport,
  type AuditAction,
  type AuditDraft,
  type AuditEntry,
} from '../../src-main/core/audit/index.ts';
import { insertAuditEntry } from '../../src-main/core/store/audit-log.ts';
import { inTransaction, loadSqlJs, openDatabase } from '../../src-main/core/store/database.ts';
import { migrate, openStore } from '../../src-main/core/store/index.ts';
import { writeSnapshot } from '../../src-main/core/store/snapshot.ts';
import { percentile, sleep } from './stats.ts';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const actions: AuditAction[] = [
  'tx.proposed',
  'tx.approved',
  'tx.signed',
  'tx.sent',
  'tx.mined',
  'tx.confirmed',
  'alert.fired',
  'alert.delivered',
];

/** Something like what Vigil records: a transaction's or an alert's life, ~200 bytes of details. */
function draftAt(index: number): AuditDraft {
  const action = actions[index % actions.length]!;
  const tx = Math.floor(index / actions.length);
  return {
    actor: index % 4 === 1 ? 'alice' : 'system',
    action,
    subject: action.startsWith('alert') ? `firing:${tx}` : `tx:${tx}`,
    details: {
      chainId: 8453,
      to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      value: `${10n ** 18n * BigInt(tx % 1000)}`,
      nonce: tx,
      note: `entry ${index}: "quoted", with commas`,
    },
  };
}

/** Builds a data directory whose snapshot holds `count` chained audit entries. */
export async function buildAuditLog(dataDir: string, count: number): Promise<number> {
  const started = performance.now();
  const db = openDatabase(await loadSqlJs());
  migrate(db);
  let previous: AuditEntry | undefined;
  const batch = 50_000;
  const firstAt = Date.now() - count * 1_000;
  for (let start = 0; start < count; start += batch) {
    inTransaction(db, () => {
      for (let index = start; index < Math.min(count, start + batch); index++) {
        previous = chainAuditEntry(previous, draftAt(index), firstAt + index * 1_000);
        insertAuditEntry(db, previous);
      }
    });
  }
  writeSnapshot(dataDir, db.export());
  db.close();
  return (performance.now() - started) / 1000;
}

interface MemoryPeak {
  rssGrowthBytes: number;
  heapGrowthBytes: number;
}

/** Peak RSS and JS heap above where they were when it started, sampled every 20 ms. */
function watchMemory(): { stop(): MemoryPeak } {
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = (): void => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rssGrowthBytes: rss - before.rss, heapGrowthBytes: heap - before.heapUsed };
    },
  };
}

export interface AuditRunFigures extends MemoryPeak {
  format: 'jsonl' | 'csv';
  seconds: number;
  entriesPerSecond: number;
  fileBytes: number;
}

export interface AuditBenchResult {
  entries: number;
  buildSeconds: number;
  snapshotBytes: number;
  /** The first snapshot of that data directory, which seals all but the newest entries. */
  sealSeconds: number;
  sealedSegments: number;
  sealedSnapshotBytes: number;
  liveVerifySeconds: number;
  exports: AuditRunFigures[];
  verifies: AuditRunFigures[];
  engine: {
    /** createVigil on an empty data directory, in the same run. */
    emptyStartSeconds: number;
    /** The first start on the sealed log: no checkpoint yet, so the whole log is checked. */
    firstStartSeconds: number;
    /** The next start: checked from the checkpoint the first one left. */
    startSeconds: number;
    exportSeconds: number;
    /** audit.status asked every 50 ms while audit.export ran through the engine thread. */
    answeredDuringExport: number;
    statusP50Ms: number;
    statusMaxMs: number;
  };
}

export async function measureAuditLog(options: {
  dataDir: string;
  outDir: string;
  entries: number;
  step?: (text: string) => void;
}): Promise<AuditBenchResult> {
  const step = options.step ?? (() => undefined);
  const { dataDir, outDir, entries } = options;

  step(`Building an audit log of ${entries.toLocaleString('en-US')} chained entries…`);
  const buildSeconds = await buildAuditLog(dataDir, entries);
  const snapshotBytes = statSync(join(dataDir, 'store.sqlite')).size;

  // In this thread, through the store, as the engine runs them.
  const store = await openStore(dataDir, silent);
  const exports: AuditRunFigures[] = [];
  const verifies: AuditRunFigures[] = [];
  let liveVerifySeconds: number;
  let sealSeconds: number;
  let sealedSegments: number;
  try {
    step('Sealing all but the newest entries (the first snapshot of a log from before sealing)…');
    let started = performance.now();
    store.snapshot();
    sealSeconds = (performance.now() - started) / 1000;
    sealedSegments = store.auditLayout().sealedSegments;

    step('Verifying the whole log, across sealed segments…');
    started = performance.now();
    const live = verifyStoredLog(store);
    liveVerifySeconds = (performance.now() - started) / 1000;
    if (!live.intact || live.count !== entries)
      throw new Error(`The built log does not verify: ${JSON.stringify(live)}`);

    for (const format of ['jsonl', 'csv'] as const) {
      const path = join(outDir, `audit.${format}`);
      step(`Exporting as ${format}…`);
      const memory = watchMemory();
      started = performance.now();
      const summary = await writeAuditExport({ store, format, path, exportedBy: 'bench' });
      const seconds = (performance.now() - started) / 1000;
      exports.push({
        format,
        seconds,
        entriesPerSecond: entries / seconds,
        fileBytes: summary.bytes,
        ...memory.stop(),
      });

      step(`Verifying the ${format} export…`);
      const verifyMemory = watchMemory();
      started = performance.now();
      const check = await verifyAuditExportFile(path);
      const verifySeconds = (performance.now() - started) / 1000;
      if (!check.verification.intact || check.verification.count !== entries)
        throw new Error(`The ${format} export does not verify: ${JSON.stringify(check)}`);
      verifies.push({
        format,
        seconds: verifySeconds,
        entriesPerSecond: entries / verifySeconds,
        fileBytes: summary.bytes,
        ...verifyMemory.stop(),
      });
    }
  } finally {
    store.close({ snapshot: false });
  }

  const sealedSnapshotBytes = statSync(join(dataDir, 'store.sqlite')).size;

  // Through the engine thread, as the app runs it.
  step('Starts through createVigil: an empty data directory, then the log twice…');
  const timeStart = async (directory: string): Promise<number> => {
    const begun = performance.now();
    const started = await createVigil({ dataDir: directory, log: silent, profile: 'bench' });
    const spent = (performance.now() - begun) / 1000;
    await started.close();
    return spent;
  };
  const emptyDir = join(outDir, 'empty');
  mkdirSync(emptyDir, { recursive: true });
  const emptyStartSeconds = await timeStart(emptyDir);
  const firstStartSeconds = await timeStart(dataDir);
  step(
    'The log through createVigil again: start check, then audit.export while asking audit.status…',
  );
  let started = performance.now();
  const core = await createVigil({ dataDir, log: silent, profile: 'bench' });
  const startSeconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  let exportSeconds: number;
  try {
    started = performance.now();
    let exporting = true;
    const exported = core
      .call('audit.export', { format: 'jsonl', path: join(outDir, 'engine.jsonl') })
      .finally(() => (exporting = false));
    while (exporting) {
      const asked = performance.now();
      await core.call('audit.status', {});
      latencies.push(performance.now() - asked);
      await sleep(50);
    }
    await exported;
    exportSeconds = (performance.now() - started) / 1000;
  } finally {
    await core.close();
  }

  return {
    entries,
    buildSeconds,
    snapshotBytes,
    sealSeconds,
    sealedSegments,
    sealedSnapshotBytes,
    liveVerifySeconds,
    exports,
    verifies,
    engine: {
      emptyStartSeconds,
      firstStartSeconds,
      startSeconds,
      exportSeconds,
      answeredDuringExport: latencies.length,
      statusP50Ms: percentile(latencies, 50),
      statusMaxMs: percentile(latencies, 100),
    },
  };
}
