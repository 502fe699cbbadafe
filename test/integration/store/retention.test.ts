// Retention on real files: a contract's sealed rows older than N days, or beyond its newest N,
// are deleted (segments rewritten or dropped through the manifest), the head and the other
// contract's rows are kept, counts follow, and all of it holds after a crash and a reopen.
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import {
  allPages,
  chain,
  chainId,
  contracts,
  expectSameRows,
  ingest,
  manifestOf,
  segmentFiles,
  tuning,
} from '../../helpers/chain-store-rows.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

const [a, b] = contracts as [(typeof contracts)[0], (typeof contracts)[0]];
const timeOf = (block: number): number => 1_700_000_000 + block * 12;

describe('retention in the chain-data store', () => {
  const sandbox = useStoreSandbox();

  /** 80 blocks ingested and sealed (the newest few stay in the head). */
  async function filledStore(): Promise<{ store: Store; dir: string; rows: EventRow[] }> {
    const dir = sandbox.freshDir();
    const store = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    store.execute({ type: 'chain.add', chain });
    for (const contract of contracts) store.execute({ type: 'contract.add', contract });
    const rows = ingest(store, 1, 80);
    store.maintainChainData();
    expect(manifestOf(dir).segments.length).toBeGreaterThanOrEqual(3);
    return { store, dir, rows };
  }

  const sealedThrough = (dir: string): number =>
    Math.max(...manifestOf(dir).segments.map((segment) => segment.toBlock));

  it('keeps everything when no contract has a retention', async () => {
    const { store, dir, rows } = await filledStore();
    const files = segmentFiles(dir);
    expect(store.applyRetention(timeOf(80) + 1_000 * 86_400)).toEqual([]);
    expect(segmentFiles(dir)).toEqual(files);
    expect(store.countEvents().get(chainId)).toBe(rows.length);
  });

  it('by days: deletes the sealed rows of that contract older than the cutoff, and nothing else', async () => {
    const { store, dir, rows } = await filledStore();
    const through = sealedThrough(dir);
    const segmentsBefore = manifestOf(dir).segments;
    store.execute({ type: 'contract.update', id: a.id, name: a.name, retention: { days: 2 } });
    // The cutoff falls inside a segment (block 30) for the first run, then after every sealed
    // block for the second: the head's rows of that contract are older too, and stay.
    const expectGone = (row: EventRow, cutoffBlock: number): boolean =>
      row.contractId === a.id && row.blockNumber < cutoffBlock && row.blockNumber <= through;

    const first = store.applyRetention(timeOf(30) + 2 * 86_400);
    let kept = rows.filter((row) => !expectGone(row, 30));
    expectSameRows(allPages(store, {}), kept);
    expect(store.countEvents().get(chainId)).toBe(kept.length);
    expect(first.every((deletion) => deletion.contractId === a.id)).toBe(true);
    expect(first.reduce((sum, deletion) => sum + deletion.rows, 0)).toBe(rows.length - kept.length);
    for (const deletion of first) {
      const segment = segmentsBefore.find((candidate) => candidate.file === deletion.segmentFile)!;
      const gone = rows.filter(
        (row) =>
          expectGone(row, 30) &&
          row.blockNumber >= segment.fromBlock &&
          row.blockNumber <= segment.toBlock,
      );
      expect(deletion).toEqual({
        contractId: a.id,
        segmentFile: segment.file,
        rows: gone.length,
        fromBlock: gone[0]!.blockNumber,
        toBlock: gone.at(-1)!.blockNumber,
      });
    }
    // Each affected segment was replaced (rewritten or dropped); the others are the same files.
    const files = segmentFiles(dir);
    for (const deletion of first) expect(files).not.toContain(deletion.segmentFile);
    // Nothing left to delete at the same time: the segments still holding the other contract's
    // older rows are read and left as they are, not rewritten.
    expect(store.applyRetention(timeOf(30) + 2 * 86_400)).toEqual([]);
    expect(segmentFiles(dir)).toEqual(files);

    store.applyRetention(timeOf(1_000) + 2 * 86_400);
    kept = rows.filter((row) => !expectGone(row, 1_000));
    expect(kept.some((row) => row.contractId === a.id && row.blockNumber > through)).toBe(true);
    expectSameRows(allPages(store, {}), kept);
    expectSameRows(
      allPages(store, { contractId: b.id }),
      rows.filter((row) => row.contractId === b.id),
    );

    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, {}), kept);
    expect(reopened.countEvents().get(chainId)).toBe(kept.length);
  });

  it('by events: keeps the newest N rows of that contract, whole sealed segments at a time', async () => {
    const { store, dir, rows } = await filledStore();
    const keep = 20;
    store.execute({ type: 'contract.update', id: b.id, name: b.name, retention: { events: keep } });
    const deletions = store.applyRetention(timeOf(80));
    expect(deletions.length).toBeGreaterThan(0);
    expect(deletions.every((deletion) => deletion.contractId === b.id)).toBe(true);

    const ofB = rows.filter((row) => row.contractId === b.id);
    const keptB = allPages(store, { contractId: b.id });
    // The newest rows, without a gap: at least N, and fewer than N plus the largest segment's.
    expectSameRows(keptB, ofB.slice(ofB.length - keptB.length));
    const largest = Math.max(
      ...manifestOf(dir).segments.map((segment) => segment.toBlock - segment.fromBlock + 1),
    );
    expect(keptB.length).toBeGreaterThanOrEqual(keep);
    expect(keptB.length).toBeLessThan(keep + largest);
    expect(keptB.length).toBeLessThan(ofB.length);
    expect(deletions.reduce((sum, deletion) => sum + deletion.rows, 0)).toBe(
      ofB.length - keptB.length,
    );
    const kept = [...rows.filter((row) => row.contractId !== b.id), ...keptB];
    expect(store.countEvents().get(chainId)).toBe(kept.length);
    expectSameRows(
      allPages(store, { contractId: a.id }),
      rows.filter((row) => row.contractId === a.id),
    );

    sandbox.crash(store);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning });
    expectSameRows(allPages(reopened, { contractId: b.id }), keptB);
    expect(reopened.countEvents().get(chainId)).toBe(kept.length);
    // Run again after the reopen: what is left is already within the retention.
    expect(reopened.applyRetention(timeOf(80))).toEqual([]);
  });
});
