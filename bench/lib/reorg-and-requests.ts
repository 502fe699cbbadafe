// Issue 3's figures: how long after a depth-5 reorg the store again equals the canonical chain,
// and how many RPC requests the watcher makes per new block in live follow (counted by a small
// forwarding proxy between Vigil and anvil, the tests' fault proxy with no faults set).
import { createVigil } from '../../src-main/core/app.ts';
import { createContractServer } from '../../src-main/ipc/server.ts';
import { startAnvil } from '../../test/helpers/anvil.ts';
import { emitManyTx, headBlock, mineBlocks, reorg } from '../../test/helpers/chain-control.ts';
import { chainLogs, storedEvents } from '../../test/helpers/compare.ts';
import { deployContract, emitMany } from '../../test/helpers/contracts.ts';
import { callOk, watchEmitter } from '../../test/helpers/contract-call.ts';
import { startFaultProxy } from '../../test/helpers/fault-proxy.ts';
import { makeLogger, makeTempDir } from '../../test/helpers/temp-dir.ts';

export interface ReorgAndRequestsResult {
  reorgToEqualMs: number[];
  requestsPerBlock: number;
  requestsByMethod: Record<string, number>;
  blocksObserved: number;
}

export async function measureReorgAndRequests(options: {
  reorgs: number;
  followBlocks: number;
}): Promise<ReorgAndRequestsResult> {
  const anvil = await startAnvil({ chainId: 31339 });
  const proxy = await startFaultProxy(anvil.rpcUrl);
  const dataDir = makeTempDir('vigil-bench-reorg-');
  const core = await createVigil({
    dataDir: dataDir.path,
    log: makeLogger(),
    // The bench's anvil is on this machine, as an operator's own node would be.
    tuning: { allowPrivateRpc: true },
  });
  const server = createContractServer(core);
  const key = (row: { blockHash: string; logIndex: number }): string =>
    `${row.blockHash}:${row.logIndex}`;
  const equal = async (): Promise<boolean> =>
    JSON.stringify((await storedEvents(server)).map(key)) ===
    JSON.stringify((await chainLogs(anvil.rpcUrl, emitter)).map(key));
  const emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  try {
    for (let i = 0; i < 10; i++) await emitMany(anvil.rpcUrl, emitter, 10);
    await watchEmitter(
      (name, input) => callOk(server, name, input),
      { name: 'bench', chainId: anvil.chainId, rpcUrls: [proxy.url] },
      emitter,
    );
    while (!(await equal())) await new Promise((resolve) => setTimeout(resolve, 100));

    // Live follow: one block a second with one event each; requests counted per new block.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    proxy.resetCounts();
    const firstBlock = await headBlock(anvil.rpcUrl);
    for (let i = 0; i < options.followBlocks; i++) {
      await emitMany(anvil.rpcUrl, emitter, 1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    while (!(await equal())) await new Promise((resolve) => setTimeout(resolve, 100));
    const blocksObserved = (await headBlock(anvil.rpcUrl)) - firstBlock;
    const requestsByMethod = { ...proxy.counts };
    const requests = Object.values(requestsByMethod).reduce((sum, count) => sum + count, 0);

    // Depth-5 reorgs whose new branch has different events; time until the store equals the chain.
    const reorgToEqualMs: number[] = [];
    for (let round = 0; round < options.reorgs; round++) {
      for (let i = 0; i < 5; i++) await emitMany(anvil.rpcUrl, emitter, 3);
      await mineBlocks(anvil.rpcUrl, 1);
      while (!(await equal())) await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await reorg(anvil.rpcUrl, 5, [
        { tx: emitManyTx(emitter, 2), offset: 1 },
        { tx: emitManyTx(emitter, 4), offset: 3 },
      ]);
      while (!(await equal())) await new Promise((resolve) => setTimeout(resolve, 20));
      reorgToEqualMs.push(performance.now() - started);
    }
    return {
      reorgToEqualMs,
      requestsPerBlock: requests / Math.max(1, blocksObserved),
      requestsByMethod,
      blocksObserved,
    };
  } finally {
    await core.close();
    await proxy.close();
    await anvil.stop();
    dataDir.remove();
  }
}
