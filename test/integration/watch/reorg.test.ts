// Reorganisations on a real anvil (anvil_reorg: same height, new hashes, the old transactions
// dropped): afterwards the store's canonical events equal a direct eth_getLogs exactly, the
// orphaned ones are kept and marked removed, the reorg is logged, and pending events confirm at
// the chain's depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVigil, type VigilCore } from '../../../src-main/core/app.ts';
import type { EventRow, ReorgRecord } from '../../../src-main/ipc/contract.ts';
import { createContractServer, type ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { manifestOf } from '../../helpers/chain-store-rows.ts';
import { emitManyTx, headBlock, mineBlocks, reorg } from '../../helpers/chain-control.ts';
import { eventKey, storedEvents, waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import { callOk, watchEmitter } from '../../helpers/contract-call.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
let core: VigilCore;
let server: ContractServer;
const log = makeLogger();

const call = <T>(name: string, input?: unknown): Promise<T> => callOk<T>(server, name, input);

const key = eventKey;

/** Waits until the store's canonical events are exactly the chain's, and returns them. */
function convergedWithChain(): Promise<EventRow[]> {
  return waitForStoreToEqualChain(server, anvil.rpcUrl, emitter);
}

async function reorgs(): Promise<ReorgRecord[]> {
  return (await call<{ reorgs: ReorgRecord[] }>('reorgs.list', { chainId: anvil.chainId })).reorgs;
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  // History that will be backfilled (without headers) before Vigil follows block by block.
  for (let i = 0; i < 40; i++) await emitMany(anvil.rpcUrl, emitter, 3);
  // Small seals, so the history is in sealed segments and the deep reorg reaches into them.
  core = await createVigil({
    dataDir: dataDir.path,
    log,
    tuning: {
      allowPrivateRpc: true,
      sealMinEvents: 10,
      segmentTargetEvents: 40,
      sealMaxAgeMs: 0,
      maintainIntervalMs: 100,
    },
  });
  server = createContractServer(core);
  await watchEmitter(call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
  await convergedWithChain();
});

afterAll(async () => {
  await core?.close();
  await anvil?.stop();
  dataDir.remove();
});

describe('reorganisations', () => {
  it('depth 1: the replaced tip’s events are removed, the new block’s added, and the reorg logged', async () => {
    await emitMany(anvil.rpcUrl, emitter, 2);
    const before = await convergedWithChain();
    const orphaned = before.filter((row) => row.blockNumber === before.at(-1)!.blockNumber);
    await reorg(anvil.rpcUrl, 1, [{ tx: emitManyTx(emitter, 4), offset: 0 }]);
    const after = await convergedWithChain();
    expect(after.filter((row) => row.blockNumber === orphaned[0]!.blockNumber)).toHaveLength(4);

    const withRemoved = await storedEvents(server, {
      includeRemoved: true,
      fromBlock: orphaned[0]!.blockNumber,
    });
    const removedKeys = withRemoved.filter((row) => row.status === 'removed').map(key);
    expect(removedKeys).toEqual(orphaned.map(key));
    const [logged] = await waitFor(async () =>
      (await reorgs()).length === 1 ? reorgs() : undefined,
    );
    expect(logged).toMatchObject({
      depth: 1,
      forkBlock: orphaned[0]!.blockNumber - 1,
      eventsRemoved: 2,
      eventsAdded: 4,
      beyondWindow: false,
      oldBlocks: [{ number: orphaned[0]!.blockNumber, hash: orphaned[0]!.blockHash }],
    });
    expect(logged!.newBlocks[0]!.hash).not.toBe(orphaned[0]!.blockHash);
  });

  it('flips the new events from pending to confirmed at the confirmation depth', async () => {
    const newest = (await storedEvents(server)).at(-1)!;
    expect(newest.status).toBe('pending');
    await mineBlocks(anvil.rpcUrl, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await storedEvents(server)).find((row) => key(row) === key(newest))?.status).toBe(
      'pending',
    );
    await mineBlocks(anvil.rpcUrl, 1);
    await waitFor(
      async () =>
        (await storedEvents(server)).find((row) => key(row) === key(newest))?.status ===
        'confirmed',
    );
  });

  it('depth 3: events the same, moved to another block, or gone, end exactly as the chain has them', async () => {
    for (let i = 0; i < 3; i++) await emitMany(anvil.rpcUrl, emitter, 2);
    await convergedWithChain();
    const count = (await reorgs()).length;
    // Offset 0 repeats the first call in place; the second call moves to the last block; the third is gone.
    await reorg(anvil.rpcUrl, 3, [
      { tx: emitManyTx(emitter, 2), offset: 0 },
      { tx: emitManyTx(emitter, 2), offset: 2 },
    ]);
    await convergedWithChain();
    const logged = await waitFor(async () => {
      const list = await reorgs();
      return list.length === count + 1 ? list[0] : undefined;
    });
    expect(logged).toMatchObject({
      depth: 3,
      eventsRemoved: 6,
      eventsAdded: 4,
      beyondWindow: false,
    });
    expect(logged.oldBlocks).toHaveLength(3);
  });

  it('deeper than the stored header window and into sealed segments: detected, reported loudly, and repaired by refetching', async () => {
    const head = await headBlock(anvil.rpcUrl);
    const count = (await reorgs()).length;
    const sealedAt = (block: number): boolean => {
      const { segments } = manifestOf(dataDir.path);
      return segments.some((segment) => segment.fromBlock <= block && segment.toBlock >= block);
    };
    await waitFor(() => sealedAt(head - 27));
    // 30 blocks back reaches into the backfilled history, where no headers were kept.
    await reorg(anvil.rpcUrl, 30, [
      { tx: emitManyTx(emitter, 5), offset: 3 },
      { tx: emitManyTx(emitter, 1), offset: 29 },
    ]);
    expect(await headBlock(anvil.rpcUrl)).toBe(head);
    await convergedWithChain();
    const logged = await waitFor(async () => {
      const list = await reorgs();
      return list.length === count + 1 ? list[0] : undefined;
    });
    expect(logged).toMatchObject({ beyondWindow: true, forkBlock: head - 30 });
    expect(log.messages.join('\n')).toMatch(
      /error: Chain 31337: reorganisation of depth 30 .*deeper than the stored header window/,
    );
  });
});
