// kill -9 of the serve process at each named step of a reorg's repair (VIGIL_CRASH_AT): the test
// proves the kill landed there (SIGKILL, and the line the worker writes just before it), and
// after restart the store equals eth_getLogs exactly. Then a plain kill -9, with the chain behind
// a counting proxy: the restarted process resumes from its logged cursor, not from block 0.
// Each test has its own data directory, so they run independently (-t works).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { emitManyTx, mineBlocks, rawRpc, reorg } from '../../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
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
type TempDir = ReturnType<typeof makeTempDir>;
const dataDirs: TempDir[] = [];
const running: ServeProcess[] = [];
const proxies: FaultProxy[] = [];

async function serve(
  dataDir: TempDir,
  crashAt?: string,
): Promise<{ server: ServeProcess; rpc: RpcClient }> {
  const server = await startServe({ dataDir: dataDir.path, env: { VIGIL_CRASH_AT: crashAt } });
  running.push(server);
  return { server, rpc: await connectRpc(server.wsUrl) };
}

const converged = (rpc: RpcClient): Promise<unknown> =>
  waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter, 45_000);

async function indexedThrough(rpc: RpcClient): Promise<number> {
  const status = await rpc.call<{ chains: { indexedThrough: number | null }[] }>('status.get');
  return status.chains[0]?.indexedThrough ?? -1;
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 6; i++) await emitMany(anvil.rpcUrl, emitter, 10);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill('SIGKILL')));
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await anvil?.stop();
  for (const dir of dataDirs) dir.remove();
});

describe('kill -9 at each step of a reorg', () => {
  for (const point of ['reorg.detected', 'reorg.refetching', 'reorg.rolled-back']) {
    it(`dies at ${point} and, restarted, equals the chain`, { timeout: 90_000 }, async () => {
      const dataDir = makeTempDir();
      dataDirs.push(dataDir);
      const first = await serve(dataDir, point);
      await watchEmitter(
        first.rpc.call,
        { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] },
        emitter,
      );
      await converged(first.rpc);
      const before = await indexedThrough(first.rpc);

      await reorg(anvil.rpcUrl, 3, [
        { tx: emitManyTx(emitter, 4), offset: 1 },
        { tx: emitManyTx(emitter, 2), offset: 2 },
      ]);
      // Nothing else ends the process: it dies only when the watcher reaches the point.
      await waitFor(() => first.server.process.signalCode ?? first.server.process.exitCode, 30_000);
      first.rpc.close();
      running.splice(running.indexOf(first.server), 1);
      expect(first.server.process.signalCode).toBe('SIGKILL');
      expect(first.server.output()).toContain(`crash point ${point} reached`);
      expect(before).toBeGreaterThan(0);

      const { server, rpc } = await serve(dataDir);
      await converged(rpc);
      const reorgs = await rpc.call<{ reorgs: unknown[] }>('reorgs.list');
      expect(reorgs.reorgs.length).toBeGreaterThanOrEqual(1);
      rpc.close();
      await server.kill();
      running.splice(running.indexOf(server), 1);
    });
  }
});

describe('resume after kill -9', () => {
  it('starts from the logged cursor, not from block 0', { timeout: 90_000 }, async () => {
    const dataDir = makeTempDir();
    dataDirs.push(dataDir);
    const proxy = await startFaultProxy(anvil.rpcUrl);
    proxies.push(proxy);
    // Blocks without events make a refetch from the start tell apart from a resume.
    await mineBlocks(anvil.rpcUrl, 40);
    const first = await serve(dataDir);
    await watchEmitter(first.rpc.call, { chainId: anvil.chainId, rpcUrls: [proxy.url] }, emitter);
    await converged(first.rpc);
    // The cursor read here must be the one the kill leaves: wait until it has reached the
    // chain's head (no block is mined meanwhile), not merely passed the empty blocks.
    const chainHead = Number.parseInt(
      await rawRpc<string>(anvil.rpcUrl, 'eth_blockNumber', []),
      16,
    );
    const head = await waitFor(async () => {
      const through = await indexedThrough(first.rpc);
      return through === chainHead ? through : undefined;
    });
    first.rpc.close();
    await first.server.kill('SIGKILL');
    running.splice(running.indexOf(first.server), 1);

    // Enough new blocks that the restart fetches a range of them before following one by one.
    await mineBlocks(anvil.rpcUrl, 30);
    for (let i = 0; i < 3; i++) await emitMany(anvil.rpcUrl, emitter, 3);
    proxy.resetCounts();
    const { server, rpc } = await serve(dataDir);
    await converged(rpc);
    // eth_getLogs asks for a range, or (near the head) for one block by its hash.
    const asked = await Promise.all(
      proxy.calls
        .filter((call) => call.method === 'eth_getLogs')
        .map(async (call) => {
          const [filter] = call.params as [
            { fromBlock?: string; toBlock?: string; blockHash?: string },
          ];
          if (filter.blockHash === undefined)
            return [Number.parseInt(filter.fromBlock!, 16), Number.parseInt(filter.toBlock!, 16)];
          const block = await rawRpc<{ number: string }>(anvil.rpcUrl, 'eth_getBlockByHash', [
            filter.blockHash,
            false,
          ]);
          const number = Number.parseInt(block.number, 16);
          return [number, number];
        }),
    );
    expect(asked.some(([from, to]) => from !== to)).toBe(true);
    // Every change to the head is logged before the next one, so nothing the killed process
    // had indexed is asked for again: the first block fetched is the one after its cursor.
    expect(Math.min(...asked.map(([from]) => from!))).toBe(head + 1);
    rpc.close();
    await server.kill();
    running.splice(running.indexOf(server), 1);
  });
});
