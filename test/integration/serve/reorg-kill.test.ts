// kill -9 of the serve process at random moments around a reorg: the rollback is one logged
// change, so after restart the store must again equal the chain exactly. (That a kill lands at
// each step of the repair is shown by reorg-crash-points.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { emitManyTx, reorg } from '../../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../../helpers/serve.ts';
import { watchEmitter } from '../../helpers/contract-call.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
const running: ServeProcess[] = [];

async function serve(): Promise<{ server: ServeProcess; rpc: RpcClient }> {
  const server = await startServe({ dataDir: dataDir.path });
  running.push(server);
  return { server, rpc: await connectRpc(server.wsUrl) };
}

async function converged(rpc: RpcClient): Promise<void> {
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter, 45_000);
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 10; i++) await emitMany(anvil.rpcUrl, emitter, 20);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill('SIGKILL')));
  await anvil?.stop();
  dataDir.remove();
});

describe('kill -9 during a reorg', () => {
  it('ends equal to the chain after each kill and restart', { timeout: 300_000 }, async () => {
    let { server, rpc } = await serve();
    await watchEmitter(rpc.call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
    await converged(rpc);

    for (const [round, delayMs] of [0, 40, 150, 400].entries()) {
      for (let i = 0; i < 3; i++) await emitMany(anvil.rpcUrl, emitter, 5 + round);
      // Stored means logged (each change to the head is appended before the next), so the
      // branch about to be orphaned survives the kill without waiting for a snapshot.
      await converged(rpc);
      await reorg(anvil.rpcUrl, 3, [
        { tx: emitManyTx(emitter, 4), offset: 1 },
        { tx: emitManyTx(emitter, 2), offset: 2 },
      ]);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      rpc.close();
      await server.kill('SIGKILL');
      running.pop();
      ({ server, rpc } = await serve());
      await converged(rpc);
    }
    const reorgs = await rpc.call<{ reorgs: unknown[] }>('reorgs.list');
    expect(reorgs.reorgs.length).toBeGreaterThanOrEqual(1);
    rpc.close();
  });
});
