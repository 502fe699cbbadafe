// The store's health for the Dashboard and Sync drift: size on disk, memory, segments and the
// write rate, so an operator can see at a glance that the store stays small and writes little.
// Everything here is cheap enough to run every few seconds: sealed segments are sized from
// their manifests, and only the rest of the data directory (a few files) is stat'ed.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PushListener } from '../ports/index.ts';
import type { StoreHealth, StoreProblem } from '../../ipc/contract.ts';
import type { ChainStoreStats, SealedFiles, Store } from '../store/index.ts';
import type { EngineService } from './service.ts';

export interface WriteRateWindow {
  /** Keeps a reading of a cumulative byte counter. */
  record(at: number, bytesWritten: number): void;
  /** Bytes per minute from the reading about a window ago (or the oldest kept) up to this one. */
  bytesPerMinute(at: number, bytesWritten: number): number;
}

export function createWriteRateWindow(windowMs = 60_000): WriteRateWindow {
  const readings: { at: number; bytesWritten: number }[] = [];
  /** The newest reading at least a window old, else the oldest: the window spans a full minute once it can. */
  const baseline = (at: number): { at: number; bytesWritten: number } | undefined => {
    let chosen = readings[0];
    for (const reading of readings) if (reading.at <= at - windowMs) chosen = reading;
    return chosen;
  };
  return {
    record(at, bytesWritten) {
      readings.push({ at, bytesWritten });
      // Only one reading older than the window is needed; the list stays a minute long.
      while (readings.length > 1 && readings[1]!.at <= at - windowMs) readings.shift();
    },
    bytesPerMinute(at, bytesWritten) {
      const from = baseline(at);
      if (!from) return 0;
      // The counter only grows within a process; a smaller value is treated as no writes.
      const written = Math.max(0, bytesWritten - from.bytesWritten);
      // Over less than a window (a process just started) this is what was written in the last
      // minute, not a burst of seconds scaled up to one: a start's writes read as what they are.
      return Math.round((written / Math.max(at - from.at, windowMs)) * 60_000);
    },
  };
}

/**
 * Total size of the files under a directory, by stat, leaving out the folders in `skip`; a file
 * that vanishes meanwhile counts 0.
 */
export function directoryBytes(dir: string, skip: ReadonlySet<string> = new Set()): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(path)) total += directoryBytes(path, skip);
    } else if (entry.isFile()) {
      try {
        total += statSync(path).size;
      } catch {
        // Replaced or removed between the listing and the stat (a seal, a snapshot): skip it.
      }
    }
  }
  return total;
}

export interface StoreHealthDependencies {
  dataDir: string;
  stats(): ChainStoreStats & { bytesWritten: number };
  /** Segment folders whose size their manifests give (see Store.sealedFiles). */
  sealedFiles(): SealedFiles;
  /** Damaged files found so far, each moved aside. */
  problems(): readonly StoreProblem[];
  memory(): { rss: number; heapUsed: number };
  now(): number;
  /** How long a measured directory size is reused by current(). */
  diskCacheMs?: number;
  windowMs?: number;
}

export interface StoreHealthMonitor {
  /** Records a reading of the write counter, measures the directory, and returns the figures. */
  sample(): StoreHealth;
  /** The figures now, without recording a reading; the size on disk may be a few seconds old. */
  current(): StoreHealth;
}

export function createStoreHealthMonitor(deps: StoreHealthDependencies): StoreHealthMonitor {
  const diskCacheMs = deps.diskCacheMs ?? 5_000;
  const window = createWriteRateWindow(deps.windowMs);
  let disk: { at: number; bytes: number } | undefined;
  window.record(deps.now(), deps.stats().bytesWritten);

  // A sample (every few seconds) measures; requests between samples reuse its figure. Sealed
  // segments count as their manifests list them, so the walk stays a few files long however
  // many segments there are.
  function bytesOnDisk(at: number, fresh: boolean): number {
    if (fresh || !disk || at - disk.at >= diskCacheMs) {
      const sealed = deps.sealedFiles();
      const skip = new Set(sealed.directories.map((directory) => resolve(directory)));
      disk = { at, bytes: sealed.bytes + directoryBytes(resolve(deps.dataDir), skip) };
    }
    return disk.bytes;
  }

  function measure(sampling: boolean): StoreHealth {
    const at = deps.now();
    const stats = deps.stats();
    if (sampling) window.record(at, stats.bytesWritten);
    const memory = deps.memory();
    return {
      at,
      bytesOnDisk: bytesOnDisk(at, sampling),
      memoryBytes: memory.rss,
      heapBytes: memory.heapUsed,
      segments: stats.segments,
      segmentBytes: stats.segmentBytes,
      headEvents: stats.headEvents,
      openSegments: stats.openSegments,
      openSegmentBytes: stats.openSegmentBytes,
      writeBytesPerMinute: window.bytesPerMinute(at, stats.bytesWritten),
      bytesWrittenTotal: stats.bytesWritten,
      // Copied key by key: the wire schema is strict, and a store problem may grow fields.
      problems: deps.problems().map(({ message, path, movedTo }) => ({
        message,
        path,
        ...(movedTo === undefined ? {} : { movedTo }),
      })),
    };
  }

  return { sample: () => measure(true), current: () => measure(false) };
}

/** Damaged files the store moved aside at start: snapshots and chain data. */
export function storeProblems(
  store: Pick<Store, 'recovery' | 'chainDataProblems'>,
): StoreProblem[] {
  return [
    ...store.recovery.damagedSnapshots.map((snapshot) => ({
      message: `Snapshot ${snapshot.path} is damaged (${snapshot.reason})`,
      path: snapshot.path,
      movedTo: snapshot.movedTo,
    })),
    // Found at start or later, at a segment's first read.
    ...store.chainDataProblems(),
  ];
}

/**
 * Answers store.health and pushes store.healthChanged every interval while the figures change.
 * The push doubles as the write counter's reading, so the rate needs no timer of its own.
 */
export function createStoreHealthService(deps: {
  store: Pick<
    Store,
    'dataDir' | 'recovery' | 'chainDataStats' | 'chainDataProblems' | 'sealedFiles'
  >;
  push: PushListener;
  intervalMs?: number;
}): EngineService {
  const { store, push } = deps;
  const monitor = createStoreHealthMonitor({
    dataDir: store.dataDir,
    stats: () => store.chainDataStats(),
    sealedFiles: () => store.sealedFiles(),
    problems: () => storeProblems(store),
    memory: () => process.memoryUsage(),
    now: () => Date.now(),
  });
  let lastPushed = '';
  const timer = setInterval(() => {
    const health = monitor.sample();
    const { at: _at, ...figures } = health;
    const json = JSON.stringify(figures);
    if (json === lastPushed) return;
    lastPushed = json;
    push('store.healthChanged', health);
  }, deps.intervalMs ?? 5_000);
  return {
    handlers: { 'store.health': () => monitor.current() },
    close: () => clearInterval(timer),
  };
}
