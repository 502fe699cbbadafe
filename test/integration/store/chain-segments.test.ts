// The chain-data store on real files with small thresholds: final rows sealed into several
// segments, pages read across head and segments, a crash at every step of a seal, a merge, an
// unseal and a head image, damaged segment files, purges and deep reorgs into sealed ranges.
// The reference for every read is the plain list of rows the test put in.
import { mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import type {
  ChainStoreCrashPoint,
  StoreOptions,
  Store,
} from '../../../src-main/core/store/index.ts';
import {
  allPages,
  blockRows,
  chain,
  chainDir,
  chainId,
  contracts,
  expectSameRows,
  hex,
  ingest,
  manifestOf,
  segmentFiles,
  tuning,
} from '../../helpers/chain-store-rows.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

/** Commits blocks from–to as one final backfill batch (built straight into segments). */
function commitFinal(store: Store, from: number, to: number): EventRow[] {
  const rows = Array.from({ length: to - from + 1 }, (_, i) => blockRows(from + i)).flat();
  store.commitChainData({
    chainId,
    events: rows,
    blocks: [],
    cursors: contracts.map((contract) => ({ contractId: contract.id, indexedThrough: to })),
    confirmedThrough: 1_000,
  });
  return rows;
}

/** What the engine does for a range queued to fetch again: the chain's rows, then done. */
function refetchFirstPending(store: Store, rows: EventRow[]): void {
  const range = store.pendingRefetches()[0]!;
  store.applyCanonicalRange({
    chainId,
    contractIds: contracts.map((c) => c.id),
    fromBlock: range.fromBlock,
    toBlock: range.toBlock,
    events: rows,
    blocks: [],
  });
  store.refetched(range);
}

describe('the chain-data store', () => {
  const sandbox = useStoreSandbox();
  async function freshStore(options: StoreOptions = {}): Promise<{ store: Store; dir: string }> {
    const dir = sandbox.freshDir();
    const store = await sandbox.open(dir, makeLogger(), { chainData: tuning, ...options });
    store.execute({ type: 'chain.add', chain });
    for (const contract of contracts) store.execute({ type: 'contract.add', contract });
    return { store, dir };
  }

  it('seals final rows into several segments and reads every page across head and segments, once and in order', async () => {
    const { store, dir } = await freshStore();
    const rows = ingest(store, 1, 80);
    store.maintainChainData();
    expect(segmentFiles(dir).length).toBeGreaterThanOrEqual(3);
    expect(store.chainDataStats().headEvents).toBeLessThan(rows.length);
    // The per-minute chart is answered from the summaries: exact, and no segment opened.
    expect(store.chainDataStats().openSegments).toBe(0);
    const perMinute = store.eventsPerMinute(chainId, 30);
    expect(perMinute.reduce((sum, point) => sum + point.count, 0)).toBe(rows.length);
    const lastMinute = Math.floor(rows.at(-1)!.blockTimestamp! / 60) * 60;
    expect(perMinute.at(-1)).toEqual({
      minute: lastMinute,
      count: rows.filter((row) => Math.floor(row.blockTimestamp! / 60) * 60 === lastMinute).length,
    });
    expect(store.chainDataStats().openSegments).toBe(0);

    const ascending = [...rows];
    const descending = [...rows].reverse();
    expectSameRows(allPages(store, {}), ascending);
    expectSameRows(allPages(store, { order: 'desc' }), descending);
    const contractB = contracts[1]!.id;
    expectSameRows(
      allPages(store, { contractId: contractB, order: 'desc' }),
      descending.filter((row) => row.contractId === contractB),
    );
    expectSameRows(
      allPages(store, { eventName: 'Rare' }),
      ascending.filter((row) => row.eventName === 'Rare'),
    );
    expectSameRows(
      allPages(store, { fromBlock: 17, toBlock: 43, order: 'desc' }),
      descending.filter((row) => row.blockNumber >= 17 && row.blockNumber <= 43),
    );
    const from = 1_700_000_000 + 30 * 12;
    expectSameRows(
      allPages(store, { fromTime: from, toTime: from + 100 }),
      ascending.filter((row) => row.blockTimestamp! >= from && row.blockTimestamp! <= from + 100),
    );
    const target = rows[37]!;
    expectSameRows(allPages(store, { transactionHash: target.transactionHash }), [target]);
    expect(store.eventByIdentity(chainId, target.blockHash, target.logIndex)?.transactionHash).toBe(
      target.transactionHash,
    );
    expect(store.blockHeaderAt(chainId, 5)?.hash).toBe(hex('block 5'));
    expect(store.storedIdentities(chainId, [contracts[0]!.id], 10, 20)).toHaveLength(
      rows.filter(
        (row) =>
          row.contractId === contracts[0]!.id && row.blockNumber >= 10 && row.blockNumber <= 20,
      ).length,
    );
    expect(store.countEvents().get(chainId)).toBe(rows.length);
  });

  it('pages stay exact while sealing and merging run between them', async () => {
    const { store } = await freshStore();
    const rows = ingest(store, 1, 30);
    const seen: EventRow[] = [];
    let cursor: string | undefined;
    let next = 31;
    do {
      const page = store.queryEvents({ limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...page.rows);
      cursor = page.nextCursor;
      // More blocks arrive and are sealed between two pages.
      if (next <= 90) {
        rows.push(...ingest(store, next, next + 9));
        next += 10;
        store.maintainChainData();
      }
    } while (cursor);
    expectSameRows(seen, rows);
  });

  const crashPoints: ChainStoreCrashPoint[] = [
    'seal.segment-written',
    'seal.manifest-written',
    'seal.head-written',
    'merge.segment-written',
    'merge.manifest-written',
    'head.image-written',
  ];
  for (const point of crashPoints) {
    it(`a crash at ${point} leaves every row exactly once, and no file unlisted or listed twice`, async () => {
      const crashPoint = (reached: string): void => {
        if (reached === point) throw new Error(`crash at ${point}`);
      };
      // Small seals, so merges come early too.
      const chainData = point.startsWith('merge.')
        ? { sealMinEvents: 3, segmentTargetEvents: 60, sealMaxAgeMs: 0 }
        : tuning;
      const { store, dir } = await freshStore({ chainData, crashPoint });
      const committed: EventRow[] = [];
      let crashedAt: string | undefined;
      try {
        for (let block = 1; block <= 60; block += 2) {
          committed.push(...ingest(store, block, block + 1));
          store.maintainChainData();
        }
      } catch (error) {
        crashedAt = (error as Error).message;
      }
      expect(crashedAt).toBe(`crash at ${point}`);
      sandbox.crash(store);
      const reopened = await sandbox.open(dir, makeLogger(), { chainData });
      expectSameRows(allPages(reopened, {}), committed);
      const listed = manifestOf(dir).segments.map((segment) => segment.file);
      expect(new Set(listed).size).toBe(listed.length);
      expect(segmentFiles(dir).sort()).toEqual([...listed].sort());
      // And it goes on from where it stood: more rows, sealed, still exact.
      const last = committed.at(-1)!.blockNumber;
      const more = ingest(reopened, last + 1, last + 40);
      reopened.maintainChainData();
      expectSameRows(allPages(reopened, {}), [...committed, ...more]);
      expect(reopened.contractCursors(chainId).map((cursor) => cursor.cursor)).toEqual([
        last + 40,
        last + 40,
      ]);
    });
  }

  // A head image and the log started after it share one fsync of their folder, so a power cut
  // can keep the new (empty) log and lose the image's rename. The start must then keep the old
  // image, redo the seal's cut, and set the cursors behind what the old log held (unsynced
  // records, fetched again): every row once, nothing skipped.
  it('a power cut that kept a seal’s new head log but not its head image loses only what the old log held, and goes on exactly', async () => {
    const { store, dir } = await freshStore();
    const first = ingest(store, 1, 30);
    store.maintainChainData();
    const headPath = join(chainDir(dir), 'head.sqlite');
    const oldImage = readFileSync(headPath);
    const segmentsBefore = segmentFiles(dir).length;
    const second = ingest(store, 31, 70);
    store.maintainChainData();
    expect(segmentFiles(dir).length).toBeGreaterThan(segmentsBefore);
    sandbox.crash(store);
    writeFileSync(headPath, oldImage);

    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    const committed = [...first, ...second];
    const cursors = reopened.contractCursors(chainId).map((cursor) => cursor.cursor);
    const through = Math.min(...cursors);
    expect(through).toBeLessThan(70);
    expectSameRows(
      allPages(reopened, {}),
      committed.filter((row) => row.blockNumber <= through),
    );
    // Fetched again from the cursor, the store ends equal to everything committed.
    const refetched = ingest(reopened, through + 1, 70);
    reopened.maintainChainData();
    expectSameRows(allPages(reopened, {}), [
      ...committed.filter((row) => row.blockNumber <= through),
      ...refetched,
    ]);
    expectSameRows(allPages(reopened, {}), committed);
  });

  it('final backfill batches are built straight into a segment; a crash before it is sealed loses rows and cursor together', async () => {
    const { store, dir } = await freshStore();
    const final = (from: number, to: number): EventRow[] => commitFinal(store, from, to);
    // 75 rows: over the target of 60, so cut at a block boundary: blocks 1–20 are sealed at
    // once, 21–25 start the next segment (a segment stays near its target whatever the batch).
    const firstRows = final(1, 25);
    const sealedRows = firstRows.slice(0, 60);
    final(26, 30); // 15 more rows, still being built
    // The builder's thread writes the first segment; a read over its blocks waits for it and
    // lists it, and leaves the one being built (blocks 21–30) alone.
    expectSameRows(
      allPages(store, { fromBlock: 1, toBlock: 20, order: 'desc' }),
      [...sealedRows].reverse(),
    );
    expect(segmentFiles(dir)).toHaveLength(1);
    // Counted while being built, with its cursor acknowledged.
    expect(store.contractCursors(chainId)[0]!.cursor).toBe(30);
    expect(store.countEvents().get(chainId)).toBe(90);
    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), sealedRows);
    // The cut batch's cursors were held back to the last block sealed.
    expect(reopened.contractCursors(chainId).map((cursor) => cursor.cursor)).toEqual([20, 20]);
    // A batch for the head seals what is being built first, so the head never passes it.
    const more = Array.from({ length: 11 }, (_, i) => blockRows(21 + i)).flat();
    reopened.commitChainData({
      chainId,
      events: more.slice(0, 30),
      blocks: [],
      cursors: contracts.map((c) => ({ contractId: c.id, indexedThrough: 30 })),
      confirmedThrough: 1_000,
    });
    ingest(reopened, 31, 31);
    expect(segmentFiles(dir)).toHaveLength(2);
    sandbox.crash(reopened);
    const again = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(again, {}), [...sealedRows, ...more]);
    // Rows being built are read all the same: the read waits for their segment and lists it.
    const latest = commitFinal(again, 100, 102);
    expect(segmentFiles(dir)).toHaveLength(2);
    expectSameRows(allPages(again, { fromBlock: 100 }), latest);
    expect(segmentFiles(dir)).toHaveLength(3);
    sandbox.crash(again);
    const last = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(last, {}), [...sealedRows, ...more, ...latest]);
  });

  it('a log a provider lists twice is built into its segment once, and reported as new once', async () => {
    const { store } = await freshStore();
    const batch = (events: EventRow[], to: number): EventRow[] =>
      store.commitChainData({
        chainId,
        events,
        blocks: [],
        cursors: contracts.map((contract) => ({ contractId: contract.id, indexedThrough: to })),
        confirmedThrough: 1_000,
      }).inserted;
    const first = [blockRows(1), blockRows(2)].flat();
    // Within one answer (the second copy out of order), then again in the next answer.
    expect(batch([...first, first[4]!, first[0]!], 2)).toEqual(first);
    const second = blockRows(3);
    expect(batch([first[5]!, ...second, second[1]!], 3)).toEqual(second);
    // A row still being built is found by its identity (its segment is finished and listed first).
    expect(store.eventByIdentity(chainId, second[1]!.blockHash, second[1]!.logIndex)).toEqual(
      second[1],
    );
    // Sealed (the target is 60 rows) through a batch that fills the segment.
    const rest = Array.from({ length: 20 }, (_, i) => blockRows(4 + i)).flat();
    expect(batch([...rest, rest[0]!], 23)).toEqual(rest);
    expectSameRows(allPages(store, {}), [...first, ...second, ...rest]);
    expect(store.countEvents().get(chainId)).toBe(first.length + second.length + rest.length);
  });

  for (const point of ['seal.segment-written', 'seal.manifest-written'] as const) {
    it(`a crash at ${point} of a segment built from a backfill neither loses nor doubles a row`, async () => {
      let armed = false;
      const { store, dir } = await freshStore({
        crashPoint: (reached: string) => {
          if (armed && reached === point) throw new Error(`crash at ${point}`);
        },
      });
      const batch = (from: number, to: number): EventRow[] => commitFinal(store, from, to);
      // Blocks 1–20 fill a segment (the target is 60 rows), 21–30 are being built.
      const kept = batch(1, 25).slice(0, 60);
      batch(26, 30);
      expectSameRows(allPages(store, { toBlock: 20 }), kept); // the first one listed
      armed = true;
      // 30 rows being built + 30 of this batch (blocks 31–40) reach the target: the build goes
      // to the builder's thread, and is listed (and crashes there) once written: at the latest
      // when a read covers it. Blocks 41–45 have started the next one.
      expect(() => {
        batch(31, 45);
        allPages(store, { toBlock: 40 });
      }).toThrow(`crash at ${point}`);
      sandbox.crash(store);
      const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
      const cursor = reopened.contractCursors(chainId)[0]!.cursor;
      const stored = allPages(reopened, {});
      if (point === 'seal.segment-written') {
        expect(cursor).toBe(20);
        expectSameRows(stored, kept);
      } else {
        // The segment was listed: its rows and its cursor are there, though the log never said so.
        expect(cursor).toBe(40);
        expectSameRows(stored, Array.from({ length: 40 }, (_, i) => blockRows(1 + i)).flat());
      }
    });
  }

  it('a segment the builder cannot write is reported and its range queued to fetch again; later ones are kept', async () => {
    const { store, dir } = await freshStore();
    // A folder where the builder writes the first segment's temporary file: its write fails
    // (as on a full disk) on the builder's thread.
    const blocker = join(chainDir(dir), 'segments', `seg-${chainId}-1-20-1.sqlite.tmp`);
    mkdirSync(blocker);
    const batch = (from: number, to: number): EventRow[] => commitFinal(store, from, to);
    const lost = batch(1, 20);
    const kept = batch(21, 40);
    // Reading waits for both builds: the first failed, the second is listed.
    expectSameRows(allPages(store, {}), kept);
    expect(store.chainDataProblems().map((problem) => problem.message)).toEqual([
      expect.stringMatching(/Building a segment of chain \d+ \(blocks 1–20\) failed: .*EISDIR/),
    ]);
    expect(store.pendingRefetches()).toEqual([
      expect.objectContaining({ chainId, fromBlock: 1, toBlock: 20 }),
    ]);
    refetchFirstPending(store, lost);
    expectSameRows(allPages(store, {}), [...lost, ...kept]);
    rmSync(blocker, { recursive: true }); // the disk has room again
    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), [...lost, ...kept]);
    expect(reopened.pendingRefetches()).toEqual([]);
  });

  it('a build that fails between two that are written: both of those are listed, it is queued to fetch again', async () => {
    const { store, dir } = await freshStore();
    const blocker = join(chainDir(dir), 'segments', `seg-${chainId}-21-40-2.sqlite.tmp`);
    mkdirSync(blocker);
    const first = commitFinal(store, 1, 20);
    const lost = commitFinal(store, 21, 40);
    const third = commitFinal(store, 41, 60);
    expectSameRows(allPages(store, {}), [...first, ...third]);
    expect(manifestOf(dir).segments.map((segment) => [segment.fromBlock, segment.toBlock])).toEqual(
      [
        [1, 20],
        [41, 60],
      ],
    );
    expect(store.chainDataProblems().map((problem) => problem.message)).toEqual([
      expect.stringMatching(/Building a segment of chain \d+ \(blocks 21–40\) failed: .*EISDIR/),
    ]);
    expect(store.pendingRefetches()).toEqual([
      expect.objectContaining({ chainId, fromBlock: 21, toBlock: 40 }),
    ]);
    rmSync(blocker, { recursive: true });
    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), [...first, ...third]);
    expect(reopened.pendingRefetches()).toEqual([
      expect.objectContaining({ chainId, fromBlock: 21, toBlock: 40 }),
    ]);
    refetchFirstPending(reopened, lost);
    expectSameRows(allPages(reopened, {}), [...first, ...lost, ...third]);
  });

  it('merges small segments into one through the manifest', async () => {
    const { store, dir } = await freshStore({
      chainData: { sealMinEvents: 3, segmentTargetEvents: 60, sealMaxAgeMs: 0 },
    });
    const rows: EventRow[] = [];
    for (let block = 1; block <= 12; block += 2) {
      rows.push(...ingest(store, block, block + 1));
      store.maintainChainData();
    }
    expect(segmentFiles(dir).length).toBeLessThanOrEqual(2);
    expectSameRows(allPages(store, {}), rows);
  });

  for (const damage of ['flipped byte', 'truncated', 'missing'] as const) {
    it(`a ${damage} segment is found at first open, moved aside, reported, and its range queued to fetch again`, async () => {
      const { store, dir } = await freshStore();
      ingest(store, 1, 60);
      store.maintainChainData();
      sandbox.closeCleanly(store);
      const victim = manifestOf(dir).segments[0]!;
      const path = join(chainDir(dir), 'segments', victim.file);
      if (damage === 'flipped byte') {
        const bytes = readFileSync(path);
        bytes[bytes.length - 200] = bytes[bytes.length - 200]! ^ 0xff;
        writeFileSync(path, bytes);
      } else if (damage === 'truncated') truncateSync(path, 1000);
      else rmSync(path);

      const log = makeLogger();
      const reopened = await sandbox.open(dir, log, { chainData: tuning });
      // Reading the range opens the segment.
      const rows = allPages(reopened, { toBlock: victim.toBlock });
      expect(
        rows.every((row) => row.blockNumber > victim.toBlock || row.blockNumber < victim.fromBlock),
      ).toBe(true);
      expect(log.messages.join('\n')).toMatch(
        new RegExp(`Sealed segment ${victim.file.replace(/\./g, '\\.')} .* is damaged`),
      );
      expect(reopened.pendingRefetches()).toEqual([
        expect.objectContaining({ chainId, fromBlock: victim.fromBlock, toBlock: victim.toBlock }),
      ]);
      if (damage !== 'missing') {
        const kept = readdirSync(join(chainDir(dir), 'damaged'));
        expect(kept.some((name) => name.startsWith(victim.file))).toBe(true);
      }
      expect(manifestOf(dir).segments.map((segment) => segment.file)).not.toContain(victim.file);
      // The engine fetches the range again through applyCanonicalRange; then it is whole.
      const canonical = Array.from({ length: victim.toBlock - victim.fromBlock + 1 }, (_, i) =>
        blockRows(victim.fromBlock + i),
      ).flat();
      reopened.applyCanonicalRange({
        chainId,
        contractIds: contracts.map((c) => c.id),
        fromBlock: victim.fromBlock,
        toBlock: victim.toBlock,
        events: canonical,
        blocks: [],
      });
      reopened.refetched(reopened.pendingRefetches()[0]!);
      expect(reopened.pendingRefetches()).toEqual([]);
      expectSameRows(
        allPages(reopened, { toBlock: 60 }),
        Array.from({ length: 60 }, (_, i) => blockRows(i + 1)).flat(),
      );
    });
  }

  it('a reorg deeper than the confirmation depth into a sealed range is repaired, and survives a crash', async () => {
    const { store, dir } = await freshStore();
    const rows = ingest(store, 1, 60);
    store.maintainChainData();
    const sealedBlock = manifestOf(dir).segments[0]!.toBlock;
    // Blocks sealedBlock-1 .. sealedBlock+1 are replaced by a fork with one event each.
    const fork = [sealedBlock - 1, sealedBlock, sealedBlock + 1].flatMap((number) =>
      blockRows(number, 1, 'confirmed', ' fork'),
    );
    const result = store.applyCanonicalRange(
      {
        chainId,
        contractIds: contracts.map((c) => c.id),
        fromBlock: sealedBlock - 1,
        toBlock: sealedBlock + 1,
        events: fork,
        blocks: [],
      },
      {
        chainId,
        detectedAt: Date.now(),
        forkBlock: sealedBlock - 2,
        depth: 3,
        oldBlocks: [],
        newBlocks: [],
        beyondWindow: true,
      },
    );
    expect(result.removed).toHaveLength(9);
    expect(result.added).toHaveLength(3);
    const expected = [
      ...rows.filter((row) => row.blockNumber < sealedBlock - 1),
      ...fork,
      ...rows.filter((row) => row.blockNumber > sealedBlock + 1),
    ];
    expectSameRows(allPages(store, {}), expected);
    expect(
      allPages(store, { includeRemoved: true }).filter((row) => row.status === 'removed'),
    ).toHaveLength(9);
    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), expected);
    expect(reopened.listReorgs(chainId, 10)).toHaveLength(1);
    reopened.maintainChainData();
    expectSameRows(allPages(reopened, {}), expected);
  });

  it('removing a contract drops its rows from the head and rewrites the segments that held them', async () => {
    const { store, dir } = await freshStore();
    const rows = ingest(store, 1, 60);
    store.maintainChainData();
    const before = segmentFiles(dir);
    store.execute({ type: 'contract.remove', id: contracts[0]!.id });
    const kept = rows.filter((row) => row.contractId !== contracts[0]!.id);
    expectSameRows(allPages(store, {}), kept);
    expect(segmentFiles(dir).some((name) => before.includes(name))).toBe(false);
    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), kept);
    expect(reopened.countEvents().get(chainId)).toBe(kept.length);
  });

  it('a batch of many unconfirmed rows is logged packed and comes back exactly after a crash, among JSON records', async () => {
    const { store, dir } = await freshStore();
    const before = ingest(store, 1, 3);
    // 300 unconfirmed rows in one batch (a dense chain's last blocks), one with non-ASCII text.
    const dense = [...blockRows(4, 150, 'pending'), ...blockRows(5, 150, 'pending')];
    dense[7] = { ...dense[7]!, args: { n: 'Grüße "✓"' }, blockTimestamp: null };
    store.commitChainData({
      chainId,
      events: dense,
      blocks: [],
      cursors: contracts.map((contract) => ({ contractId: contract.id, indexedThrough: 5 })),
      confirmedThrough: 3,
    });
    const after = ingest(store, 6, 6);
    const expected = allPages(store, {});
    expect(expected).toHaveLength(before.length + dense.length + after.length);
    sandbox.crash(store);

    // The log holds JSON records and one packed (its payload's first byte 1, not '{').
    const log = readFileSync(join(chainDir(dir), 'head.log'));
    const firstBytes: number[] = [];
    for (let at = 16; at + 8 <= log.length; at += 8 + log.readUInt32LE(at))
      firstBytes.push(log[at + 8]!);
    expect(firstBytes.filter((byte) => byte === 1)).toHaveLength(1);
    expect(firstBytes.filter((byte) => byte === 0x7b).length).toBeGreaterThanOrEqual(4);

    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expect(allPages(reopened, {})).toEqual(expected);
    expect(reopened.contractCursors(chainId).map((cursor) => cursor.cursor)).toEqual([6, 6]);
    expect(
      allPages(reopened, {}).find((row) => row.blockNumber === 4 && row.logIndex === 7),
    ).toMatchObject({
      args: { n: 'Grüße "✓"' },
      blockTimestamp: null,
    });
  });

  it('a head log record this release cannot read is copied aside, reported, and the log cut there', async () => {
    const { store, dir } = await freshStore();
    const before = ingest(store, 1, 3);
    store.commitChainData({
      chainId,
      events: [...blockRows(4, 150, 'pending'), ...blockRows(5, 150, 'pending')],
      blocks: [],
      cursors: contracts.map((contract) => ({ contractId: contract.id, indexedThrough: 5 })),
      confirmedThrough: 3,
    });
    ingest(store, 6, 6);
    sandbox.crash(store);
    // The packed record as a later release might write it: another kind, its checksum whole.
    const logPath = join(chainDir(dir), 'head.log');
    const log = readFileSync(logPath);
    let at = 16;
    while (log[at + 8] !== 1) at += 8 + log.readUInt32LE(at);
    const payload = log.subarray(at + 8, at + 8 + log.readUInt32LE(at));
    payload[0] = 9;
    log.writeUInt32LE(crc32(payload), at + 4);
    writeFileSync(logPath, log);

    const messages = makeLogger();
    const reopened = await sandbox.open(dir, messages, { chainData: tuning });
    // The records before it are replayed; it and the ones after are cut, to be fetched again.
    expect(allPages(reopened, {}).map((row) => row.blockNumber)).toEqual(
      before.map((row) => row.blockNumber),
    );
    expect(messages.messages.join('\n')).toMatch(/head log has a record this release cannot read/);
    expect(messages.messages.join('\n')).not.toMatch(/torn write/);
    const kept = readdirSync(join(chainDir(dir), 'damaged')).filter((name) =>
      name.startsWith('head.log'),
    );
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(chainDir(dir), 'damaged', kept[0]!)).equals(log)).toBe(true);
  });

  it('writes per new block do not grow with what is stored', async () => {
    const { store } = await freshStore();
    ingest(store, 1, 40);
    store.maintainChainData();
    const small = store.chainDataStats().bytesWritten;
    ingest(store, 41, 42);
    const perBlockSmall = store.chainDataStats().bytesWritten - small;
    ingest(store, 43, 400);
    store.maintainChainData();
    const large = store.chainDataStats().bytesWritten;
    ingest(store, 401, 402);
    const perBlockLarge = store.chainDataStats().bytesWritten - large;
    expect(perBlockLarge).toBeGreaterThan(0);
    expect(perBlockLarge).toBeLessThanOrEqual(perBlockSmall * 1.1);
  });
});
