// kill -9 of the serve process at each step of the chain-data store's writes (a seal, a merge
// of small segments, a head image), on a real anvil chain with small thresholds: after each
// restart the stored events equal eth_getLogs exactly, and no segment file is half-written,
// unlisted or listed twice. Then a damaged segment: moved aside, its range fetched again.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { manifestOf } from '../../helpers/chain-store-rows.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { watchEmitter } from '../../helpers/contract-call.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
// Each test has a data directory of its own (the file runs its tests independently, -t works).
let dataDir = makeTempDir();
const dataDirs = [dataDir];
const running: ServeProcess[] = [];
// Seals of a few rows each, so small segments are merged soon after.
const tuning = JSON.stringify({
  sealMinEvents: 4,
  segmentTargetEvents: 40,
  sealMaxAgeMs: 0,
  maintainIntervalMs: 100,
});

async function serve(crashAt?: string): Promise<{ server: ServeProcess; rpc: RpcClient }> {
  const server = await startServe({
    dataDir: dataDir.path,
    env: { VIGIL_TUNING: tuning, VIGIL_CRASH_AT: crashAt },
  });
  running.push(server);
  return { server, rpc: await connectRpc(server.wsUrl) };
}

/** Whether the process ended by its crash point (waits a moment for the exit to be seen). */
async function killedAtItsPoint(server: ServeProcess): Promise<boolean> {
  for (let i = 0; i < 20 && server.process.signalCode === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return server.process.signalCode === 'SIGKILL';
}

const segmentsDir = (): string => join(dataDir.path, 'chain', 'segments');
function listedSegments(): string[] {
  return manifestOf(dataDir.path).segments.map((segment) => segment.file);
}

/** Mines blocks of a few events each until the process dies (at its crash point). */
async function emitUntilDead(server: ServeProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.process.exitCode === null && server.process.signalCode === null) {
    if (Date.now() > deadline)
      throw new Error(`serve never reached its crash point:\n${server.output()}`);
    await emitMany(anvil.rpcUrl, emitter, 3);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  expect(server.process.signalCode).toBe('SIGKILL');
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 8; i++) await emitMany(anvil.rpcUrl, emitter, 5);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill('SIGKILL')));
  await anvil?.stop();
  for (const dir of dataDirs) dir.remove();
});

describe('kill -9 while the chain-data store writes', () => {
  it(
    'ends equal to the chain after a kill at each step, with every segment file listed once',
    { timeout: 400_000 },
    async () => {
      let { server, rpc } = await serve('seal.segment-written');
      // startServe prints the URL before the first seal can run (the watcher has nothing yet).
      await watchEmitter(rpc.call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
      for (const next of [
        'seal.manifest-written',
        'seal.head-written',
        'merge.segment-written',
        'merge.manifest-written',
        'head.image-written',
        undefined,
      ]) {
        await emitUntilDead(server);
        rpc.close();
        running.pop();
        ({ server, rpc } = await serve(next));
        if (next === undefined) break;
        // The restarted process equals the chain before it is killed again, unless it reached
        // its crash point while catching up.
        await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter, 45_000).catch(async (error) => {
          if (!(await killedAtItsPoint(server))) throw error;
        });
      }
      await emitMany(anvil.rpcUrl, emitter, 3);
      await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter, 45_000);
      // Stopped first: a merge running between reading the manifest and listing the folder
      // would show its replaced file still there (it is removed just after the manifest edit).
      rpc.close();
      await server.kill();
      running.pop();
      const listed = listedSegments();
      expect(listed.length).toBeGreaterThan(0);
      expect(new Set(listed).size).toBe(listed.length);
      const onDisk = readdirSync(segmentsDir()).filter((name) => name.endsWith('.sqlite'));
      expect(onDisk.sort()).toEqual([...listed].sort());
    },
  );

  it(
    'a damaged segment is moved aside at first read and its range fetched again from the chain',
    { timeout: 120_000 },
    async () => {
      dataDir = makeTempDir();
      dataDirs.push(dataDir);
      const first = await serve();
      await watchEmitter(
        first.rpc.call,
        { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] },
        emitter,
      );
      await waitForStoreToEqualChain(first.rpc, anvil.rpcUrl, emitter, 45_000);
      for (let i = 0; i < 3; i++) await emitMany(anvil.rpcUrl, emitter, 3);
      await waitFor(
        () =>
          existsSync(join(dataDir.path, 'chain', 'manifest.json')) && listedSegments().length > 0,
      );
      first.rpc.close();
      await first.server.kill();
      running.pop();

      const victim = listedSegments()[0]!;
      const path = join(segmentsDir(), victim);
      const bytes = readFileSync(path);
      bytes[bytes.length - 300] = bytes[bytes.length - 300]! ^ 0xff;
      writeFileSync(path, bytes);
      const { server, rpc } = await serve();
      await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter, 60_000);
      expect(server.output()).toMatch(
        new RegExp(`Sealed segment ${victim.replace(/\./g, '\\.')} .* is damaged`),
      );
      // The log line crosses from the engine thread after the rows are back: wait for it.
      await waitFor(() =>
        /Fetched chain \d+ blocks \d+–\d+ again after a damaged segment/.test(server.output()),
      );
      expect(
        readdirSync(join(dataDir.path, 'chain', 'damaged')).some((name) => name.startsWith(victim)),
      ).toBe(true);
      rpc.close();
      await server.kill();
      running.pop();
    },
  );
});
