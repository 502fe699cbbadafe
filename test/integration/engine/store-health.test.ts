// store.health through the contract, on a real anvil chain and real files with small seal
// thresholds: after events are ingested and sealed, the figures match the data directory, the
// write rate counts what was just written, the push carries the same figures, and a damaged head
// image found at the next start is listed with where it was moved.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreHealth, type StoreHealth as Health } from '../../../src-main/ipc/contract.ts';
import type { EngineTuning } from '../../../src-main/core/engine/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { watchEmitter } from '../../helpers/contract-call.ts';
import { waitFor } from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

const tuning: EngineTuning = {
  sealMinEvents: 4,
  segmentTargetEvents: 40,
  sealMaxAgeMs: 0,
  maintainIntervalMs: 100,
  storeHealthIntervalMs: 200,
};

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
let vigil: VigilUnderTest;

/** What du would say, from the files themselves. */
function filesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sum + filesUnder(path);
    return entry.isFile() ? sum + statSync(path).size : sum;
  }, 0);
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 8; i++) await emitMany(anvil.rpcUrl, emitter, 5);
  vigil = await startVigilInProcess({ dataDir: dataDir.path, tuning });
  await watchEmitter(vigil.call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
  await waitForStoreToEqualChain(vigil.server, anvil.rpcUrl, emitter, 45_000);
});

afterAll(async () => {
  await vigil?.close({ keepDataDir: true });
  await anvil?.stop();
  dataDir.remove();
});

describe('store.health', () => {
  it('answers with the size on disk, memory, segments and write rate of the store just filled', async () => {
    // The size on disk is measured again at most every 5 s: wait for one taken after a seal. The
    // sealed segments are files in the data directory, so the total then holds at least them.
    const health = await waitFor(async () => {
      const answer = await vigil.call<Health>('store.health', {});
      return answer.segments >= 1 && answer.bytesOnDisk > answer.segmentBytes ? answer : undefined;
    }, 30_000);
    expect(StoreHealth.parse(health)).toEqual(health);
    expect(health.segmentBytes).toBeGreaterThan(0);
    const onDisk = filesUnder(dataDir.path);
    // Measured at most 5 s ago while the store writes on: close to what is there now.
    expect(Math.abs(health.bytesOnDisk - onDisk)).toBeLessThan(onDisk / 2);
    expect(health.memoryBytes).toBeGreaterThan(health.heapBytes);
    expect(health.heapBytes).toBeGreaterThan(1024 * 1024);
    // The total holds at least the segments written. This process is younger than a minute, so
    // the rate is what it wrote since the engine started: more than nothing, at most the total.
    expect(health.bytesWrittenTotal).toBeGreaterThanOrEqual(health.segmentBytes);
    expect(health.writeBytesPerMinute).toBeGreaterThan(0);
    expect(health.writeBytesPerMinute).toBeLessThanOrEqual(health.bytesWrittenTotal);
    expect(health.problems).toEqual([]);
  });

  it('pushes the same figures every interval while they change', async () => {
    const since = vigil.pushes.length;
    const pushed = await waitFor(
      () =>
        vigil.pushes
          .slice(since)
          .filter((push) => push.name === 'store.healthChanged')
          .map((push) => push.payload as Health)
          .find((payload) => payload.segments >= 1),
      10_000,
    );
    expect(StoreHealth.parse(pushed)).toEqual(pushed);
    const asked = await vigil.call<Health>('store.health', {});
    expect(asked.segments).toBe(pushed.segments);
    expect(asked.bytesWrittenTotal).toBeGreaterThanOrEqual(pushed.bytesWrittenTotal);
  });

  it('refuses an input it does not know, naming the key', async () => {
    const error = await vigil.refused('store.health', { verbose: true });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('verbose');
  });

  it('lists a damaged head image found at start, with where it was moved', async () => {
    await vigil.close({ keepDataDir: true });
    const headPath = join(dataDir.path, 'chain', 'head.sqlite');
    const bytes = readFileSync(headPath);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(headPath, bytes);
    vigil = await startVigilInProcess({ dataDir: dataDir.path, tuning });
    const health = await vigil.call<Health>('store.health', {});
    expect(health.problems).toHaveLength(1);
    const [problem] = health.problems;
    expect(problem!.path).toBe(headPath);
    expect(problem!.message).toContain('damaged');
    expect(problem!.movedTo).toMatch(/chain\/damaged\/head\.sqlite\.\d+$/);
    expect(statSync(problem!.movedTo!).size).toBe(bytes.length);
    // The head's events come back from the chain.
    await waitForStoreToEqualChain(vigil.server, anvil.rpcUrl, emitter, 45_000);
  });
});
