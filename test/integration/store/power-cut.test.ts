// Power cuts in the middle of the chain-data store's writes that change what the manifest lists
// (an unseal for a deep reorg, a damaged segment): only what was fsync'd survives (see
// helpers/power-cut.ts). After the restart, and after fetching again from the cursors as the
// watcher would, every acknowledged event is stored exactly once.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import type {
  ChainStoreCrashPoint,
  RefetchRange,
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
  ingest,
  manifestOf,
  segmentFiles,
  tuning,
} from '../../helpers/chain-store-rows.ts';
import { powerCut } from '../../helpers/power-cut.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const { trackingFs } = await import('../../helpers/power-cut.ts');
  const tracked = { ...real, ...trackingFs(real) };
  return { ...tracked, default: tracked };
});

const contractIds = contracts.map((contract) => contract.id);
const blocksRows = (from: number, to: number, fork = ''): EventRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => blockRows(from + i, 3, 'confirmed', fork)).flat();

describe('the chain-data store after a power cut', () => {
  const sandbox = useStoreSandbox();

  /** Opens a store that throws at `point` once armed; `arm()` arms it. */
  async function storeCrashingAt(
    dir: string,
    point: ChainStoreCrashPoint,
  ): Promise<{ store: Store; arm(): void }> {
    let armed = false;
    const store = await sandbox.open(dir, makeLogger(), {
      chainData: tuning,
      crashPoint: (reached: string) => {
        if (armed && reached === point) throw new Error(`crash at ${point}`);
      },
    });
    return {
      store,
      arm: () => {
        armed = true;
      },
    };
  }

  /**
   * The restart after the power cut, and what the engine does next: reads everything (a damaged
   * segment is found at its first read), fetches again each range queued for it, and fetches
   * again from each contract's cursor. Returns the store and the ranges it fetched again.
   */
  async function restartAndCatchUp(
    dir: string,
    through: number,
  ): Promise<{ store: Store; refetched: RefetchRange[] }> {
    const store = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    allPages(store, {});
    const refetched = store.pendingRefetches();
    for (const range of refetched) {
      store.applyCanonicalRange({
        chainId,
        contractIds,
        fromBlock: range.fromBlock,
        toBlock: range.toBlock,
        events: blocksRows(range.fromBlock, range.toBlock),
        blocks: [],
      });
      store.refetched(range);
    }
    const cursor = Math.min(...store.contractCursors(chainId).map((c) => c.cursor));
    if (cursor < through) ingest(store, cursor + 1, through);
    return { store, refetched };
  }

  // A seal's or a merge's manifest edit is fsync'd before the step after it relies on it.
  for (const point of ['seal.manifest-written', 'merge.manifest-written'] as const) {
    it(`a power cut at ${point} keeps every committed row once`, async () => {
      const dir = sandbox.freshDir();
      const chainData = point.startsWith('merge.')
        ? { sealMinEvents: 3, segmentTargetEvents: 60, sealMaxAgeMs: 0 }
        : tuning;
      let armed = true;
      const store = await sandbox.open(dir, makeLogger(), {
        chainData,
        crashPoint: (reached: string) => {
          if (armed && reached === point) {
            armed = false;
            throw new Error(`crash at ${point}`);
          }
        },
      });
      store.execute({ type: 'chain.add', chain });
      for (const contract of contracts) store.execute({ type: 'contract.add', contract });
      const committed: EventRow[] = [];
      let block = 1;
      expect(() => {
        for (; block <= 60; block += 2) {
          committed.push(...ingest(store, block, block + 1));
          store.maintainChainData();
        }
      }).toThrow(`crash at ${point}`);
      sandbox.crash(store);
      powerCut(fs);
      const { store: reopened } = await restartAndCatchUp(dir, block + 1);
      expectSameRows(allPages(reopened, {}), committed);
      const listed = manifestOf(dir).segments.map((segment) => segment.file);
      expect(new Set(listed).size).toBe(listed.length);
      expect(segmentFiles(dir).sort()).toEqual([...listed].sort());
    });
  }

  for (const point of ['unseal.logged', 'unseal.manifest-written'] as const) {
    it(`a power cut at ${point} of a deep reorg keeps every sealed row it reopened`, async () => {
      const dir = sandbox.freshDir();
      const { store, arm } = await storeCrashingAt(dir, point);
      store.execute({ type: 'chain.add', chain });
      for (const contract of contracts) store.execute({ type: 'contract.add', contract });
      const committed = ingest(store, 1, 60);
      store.maintainChainData();
      const sealed = manifestOf(dir).segments[0]!;
      arm();
      const fork = blocksRows(sealed.toBlock - 1, sealed.toBlock + 1, ' fork');
      const forkRange = {
        chainId,
        contractIds,
        fromBlock: sealed.toBlock - 1,
        toBlock: sealed.toBlock + 1,
        events: fork,
        blocks: [],
      };
      expect(() => store.applyCanonicalRange(forkRange)).toThrow(`crash at ${point}`);
      sandbox.crash(store);
      powerCut(fs);

      // The reorg was never acknowledged (it threw): the store holds what was committed.
      const { store: reopened } = await restartAndCatchUp(dir, 60);
      expectSameRows(allPages(reopened, {}), committed);
      const listed = manifestOf(dir).segments.map((segment) => segment.file);
      expect(new Set(listed).size).toBe(listed.length);
      // The watcher finds the fork again and repairs it; then it goes on, sealing, exactly.
      reopened.applyCanonicalRange(forkRange);
      const more = ingest(reopened, 61, 100);
      reopened.maintainChainData();
      const expected = [
        ...committed.filter((row) => row.blockNumber < sealed.toBlock - 1),
        ...fork,
        ...committed.filter((row) => row.blockNumber > sealed.toBlock + 1),
        ...more,
      ];
      expectSameRows(allPages(reopened, {}), expected);
      sandbox.crash(reopened);
      powerCut(fs);
      expectSameRows(allPages((await restartAndCatchUp(dir, 100)).store, {}), expected);
    });
  }

  for (const point of ['damaged.logged', 'damaged.manifest-written'] as const) {
    it(`a power cut at ${point} keeps the damaged segment's range queued to fetch again`, async () => {
      const dir = sandbox.freshDir();
      const first = await sandbox.open(dir, makeLogger(), { chainData: tuning });
      first.execute({ type: 'chain.add', chain });
      for (const contract of contracts) first.execute({ type: 'contract.add', contract });
      const committed = ingest(first, 1, 60);
      first.maintainChainData();
      sandbox.closeCleanly(first);
      const victim = manifestOf(dir).segments[0]!;
      const path = join(chainDir(dir), 'segments', victim.file);
      const bytes = fs.readFileSync(path);
      bytes[bytes.length - 200] = bytes[bytes.length - 200]! ^ 0xff;
      fs.writeFileSync(path, bytes);

      const { store, arm } = await storeCrashingAt(dir, point);
      arm();
      expect(() => allPages(store, { toBlock: victim.toBlock })).toThrow(`crash at ${point}`);
      sandbox.crash(store);
      powerCut(fs);

      const { store: reopened, refetched } = await restartAndCatchUp(dir, 60);
      // Queued before the cut, or (crash before the manifest) still listed and found damaged
      // again at the first read: either way its range was fetched again.
      expect(refetched).toEqual([
        expect.objectContaining({ chainId, fromBlock: victim.fromBlock, toBlock: victim.toBlock }),
      ]);
      expect(manifestOf(dir).segments.map((segment) => segment.file)).not.toContain(victim.file);
      expect(reopened.pendingRefetches()).toEqual([]);
      expectSameRows(allPages(reopened, {}), committed);
      sandbox.crash(reopened);
      powerCut(fs);
      const { store: again } = await restartAndCatchUp(dir, 60);
      expect(again.pendingRefetches()).toEqual([]);
      expectSameRows(allPages(again, {}), committed);
    });
  }
});
