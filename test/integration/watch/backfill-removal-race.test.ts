// A backfill turns the engine thread's event loop between decoding a range and storing it (so
// the answer to the range fetched ahead is read meanwhile). Anything else the engine does can run
// in that turn, an operator removing the contract among it: the range must not be stored for a
// contract that is gone. The removal is made at that exact moment through the real store the
// watcher asks for cursors again after the turn; the chain is a real anvil.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { createLogDecoder } from '../../../src-main/core/abi/index.ts';
import { createRpcPool } from '../../../src-main/core/chains/index.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import { createChainWatcher } from '../../../src-main/core/watch/chain-watcher.ts';
import type { WatchedContractDecoder } from '../../../src-main/core/watch/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { contractAbis, deployContract, emitMany } from '../../helpers/contracts.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/serve.ts';

let anvil: AnvilInstance;
let emitter: Address;

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 10; i++) {
    await emitMany(anvil.rpcUrl, emitter, 5);
    await rawRpc(anvil.rpcUrl, 'anvil_mine', ['0x14']);
  }
});

afterAll(async () => {
  await anvil?.stop();
});

describe('a backfill range decoded for a contract removed before it is stored', () => {
  const sandbox = useStoreSandbox();

  it('is not stored, and the watcher goes on', async () => {
    const store = await sandbox.open(sandbox.freshDir(), makeLogger());
    const chain = {
      chainId: anvil.chainId,
      name: 'anvil',
      rpcUrls: [anvil.rpcUrl],
      confirmations: 2,
    };
    store.execute({ type: 'chain.add', chain });
    const contract = {
      id: `${anvil.chainId}:${emitter}`,
      chainId: anvil.chainId,
      address: emitter,
      name: 'Emitter',
      abi: contractAbis.Emitter as unknown as unknown[],
      startBlock: 0,
    };
    store.execute({ type: 'contract.add', contract });
    const decoders = new Map<string, WatchedContractDecoder>([
      [
        emitter.toLowerCase(),
        {
          contractId: contract.id,
          address: emitter,
          decode: createLogDecoder(contractAbis.Emitter as never),
        },
      ],
    ]);

    // Each backfill pass asks for cursors when it starts and again after its turn of the event
    // loop: the second ask of the first pass is the moment; the operator removes the contract.
    let asks = 0;
    const racing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'contractCursors')
          return (chainId: number) => {
            if (++asks === 2) target.execute({ type: 'contract.remove', id: contract.id });
            return target.contractCursors(chainId);
          };
        return Reflect.get(target, key, receiver) as unknown;
      },
    }) as Store;

    const rpc = createRpcPool([anvil.rpcUrl], { chainId: anvil.chainId });
    const stored: unknown[] = [];
    const watcher = createChainWatcher({
      chain,
      store: racing,
      rpc,
      decoders: (address) => decoders.get(address),
      onRows: (rows) => stored.push(...rows),
      log: makeLogger(),
      pollIntervalMs: 50,
    });
    watcher.start();
    try {
      await waitFor(() => asks >= 4, 20_000);
      expect(watcher.status().phase).not.toBe('error');
    } finally {
      await watcher.stop();
      rpc.close();
    }
    expect(stored).toEqual([]);
    expect(store.queryEvents({ contractId: contract.id, limit: 10 }).rows).toEqual([]);
    expect(store.contractCursors(anvil.chainId)).toEqual([]);
  });
});
