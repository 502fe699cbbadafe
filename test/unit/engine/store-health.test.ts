import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStoreHealthMonitor,
  createWriteRateWindow,
  directoryBytes,
} from '../../../src-main/core/engine/store-health.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const MB = 1024 * 1024;

describe('write-rate window', () => {
  it('gives bytes per minute over the last minute, forgetting bursts older than that', () => {
    const window = createWriteRateWindow(60_000);
    // A 6 MB burst in the first 5 s, then 100 kB every 5 s.
    window.record(0, 0);
    window.record(5_000, 6 * MB);
    let written = 6 * MB;
    for (let at = 10_000; at <= 120_000; at += 5_000) {
      written += 100_000;
      window.record(at, written);
    }
    // The minute before 120 s holds only the steady writes: 12 readings of 100 kB.
    expect(window.bytesPerMinute(120_000, written)).toBe(1_200_000);
    // Halfway through the burst's minute it still counts.
    const early = createWriteRateWindow(60_000);
    early.record(0, 0);
    early.record(5_000, 6 * MB);
    expect(early.bytesPerMinute(30_000, 6 * MB)).toBe(6 * MB);
  });

  it('measures up to the reading it is given, not only to the last one recorded', () => {
    const window = createWriteRateWindow(60_000);
    window.record(0, 0);
    window.record(60_000, 0);
    expect(window.bytesPerMinute(60_000, 0)).toBe(0);
    // 3 MB written since the last reading count at once, over the 63 s since the baseline.
    expect(window.bytesPerMinute(63_000, 3 * MB)).toBe(Math.round(((3 * MB) / 63_000) * 60_000));
  });

  it('counts what a young process wrote as its first minute, not a burst of seconds scaled up', () => {
    const window = createWriteRateWindow(60_000);
    expect(window.bytesPerMinute(0, 1_000)).toBe(0);
    window.record(0, 1_000);
    // 5 MB in the first 200 ms is 5 MB in the last minute, not 1.5 GB a minute.
    expect(window.bytesPerMinute(200, 1_000 + 5 * MB)).toBe(5 * MB);
    // A counter that went down counts as no writes.
    expect(window.bytesPerMinute(10_000, 0)).toBe(0);
  });

  it('keeps a minute of readings however long it runs', () => {
    const window = createWriteRateWindow(60_000);
    let written = 0;
    for (let at = 0; at <= 10 * 60 * 60_000; at += 5_000) window.record(at, (written += 1_000));
    // 1 kB every 5 s is 12 kB a minute, measured over exactly the last minute.
    expect(window.bytesPerMinute(10 * 60 * 60_000, written)).toBe(12_000);
  });
});

describe('store health figures', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function dataDir(): string {
    const dir = makeTempDir();
    dirs.push(dir);
    mkdirSync(join(dir.path, 'chain', 'segments'), { recursive: true });
    writeFileSync(join(dir.path, 'store.sqlite'), Buffer.alloc(4_096));
    writeFileSync(join(dir.path, 'journal.ndjson'), Buffer.alloc(300));
    writeFileSync(join(dir.path, 'chain', 'head.log'), Buffer.alloc(1_000));
    writeFileSync(join(dir.path, 'chain', 'segments', '1.sqlite'), Buffer.alloc(20_000));
    return dir.path;
  }

  it('sums every file under the data directory, nested ones included, but for skipped folders', () => {
    const dir = dataDir();
    expect(directoryBytes(dir)).toBe(4_096 + 300 + 1_000 + 20_000);
    expect(directoryBytes(dir, new Set([join(dir, 'chain', 'segments')]))).toBe(
      4_096 + 300 + 1_000,
    );
    expect(directoryBytes('/nonexistent/vigil-data')).toBe(0);
  });

  it('reuses the measured size for a few seconds, then measures again; a sample always measures; the rate counts writes at once', () => {
    const dir = dataDir();
    let now = 0;
    let bytesWritten = 0;
    // Sealed segments count as their manifest lists them; their folder is never listed.
    const sealed = { directories: [join(dir, 'chain', 'segments')], bytes: 20_000 };
    const monitor = createStoreHealthMonitor({
      dataDir: dir,
      sealedFiles: () => sealed,
      stats: () => ({
        segments: 1,
        segmentBytes: 20_000,
        headEvents: 7,
        headBytes: 8_192,
        openSegments: 1,
        openSegmentBytes: 20_000,
        bytesWritten,
      }),
      problems: () => [{ message: 'Segment 2 is damaged', path: '/d/2.sqlite', movedTo: '/d/x' }],
      memory: () => ({ rss: 90 * MB, heapUsed: 30 * MB }),
      now: () => now,
      diskCacheMs: 5_000,
    });
    const first = monitor.sample();
    expect(first).toMatchObject({
      bytesOnDisk: 25_396,
      memoryBytes: 90 * MB,
      heapBytes: 30 * MB,
      segments: 1,
      headEvents: 7,
      writeBytesPerMinute: 0,
      problems: [{ message: 'Segment 2 is damaged', path: '/d/2.sqlite', movedTo: '/d/x' }],
    });
    writeFileSync(join(dir, 'chain', 'segments', '2.sqlite'), Buffer.alloc(10_000));
    sealed.bytes += 10_000;
    // A file the manifest does not list (a seal's temp file) is not seen: the folder is skipped.
    writeFileSync(join(dir, 'chain', 'segments', '3.sqlite.tmp'), Buffer.alloc(7_000));
    now = 4_000;
    bytesWritten = 2 * MB;
    expect(monitor.current().bytesOnDisk).toBe(25_396);
    expect(monitor.current().writeBytesPerMinute).toBe(2 * MB);
    now = 5_000;
    expect(monitor.current().bytesOnDisk).toBe(35_396);
    expect(monitor.current().bytesWrittenTotal).toBe(2 * MB);
    // A sample (the push timer) always measures: what it pushes is never older than itself.
    writeFileSync(join(dir, 'chain', 'head.sqlite'), Buffer.alloc(1_000));
    now = 5_100;
    expect(monitor.sample().bytesOnDisk).toBe(36_396);
  });
});
