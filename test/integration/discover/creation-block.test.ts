// The start block found from the chain: a contract deployed at a known block among many is found
// at exactly that block, by contracts.creationBlock and by contracts.add without a start block;
// an address with no code is refused with NO_CODE and nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedContract } from '../../../src-main/ipc/contract.ts';
import { findCreationBlock } from '../../../src-main/core/intake/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock, mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployContract, loadArtifact } from '../../helpers/contracts.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let emitter: `0x${string}`;
let deployedAt: number;

beforeAll(async () => {
  anvil = await startAnvil();
  await mineBlocks(anvil.rpcUrl, 777);
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  deployedAt = await headBlock(anvil.rpcUrl);
  await mineBlocks(anvil.rpcUrl, 321);
  vigil = await startVigilInProcess();
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('start block without guessing', () => {
  it('finds the creation block by binary search, in about log2(head) reads', async () => {
    let reads = 0;
    const counting = {
      request: <T>(method: string, params?: unknown[]) => {
        if (method === 'eth_getCode') reads++;
        return rawRpc<T>(anvil.rpcUrl, method, params ?? []);
      },
    };
    expect(deployedAt).toBe(778);
    expect(await findCreationBlock(counting, { chainId: anvil.chainId, address: emitter })).toBe(
      deployedAt,
    );
    expect(reads).toBeLessThanOrEqual(Math.ceil(Math.log2(deployedAt + 321)) + 2);
  });

  it('answers contracts.creationBlock, and contracts.add without a start block uses it', async () => {
    expect(
      await vigil.call('contracts.creationBlock', { chainId: anvil.chainId, address: emitter }),
    ).toEqual({ startBlock: deployedAt });
    const added = await vigil.call<WatchedContract>('contracts.add', {
      chainId: anvil.chainId,
      address: emitter,
      abi: loadArtifact('Emitter').abi,
    });
    expect(added.startBlock).toBe(deployedAt);
  });

  it('refuses an address with no code, saving nothing', async () => {
    const nobody = '0x000000000000000000000000000000000000dEaD';
    const refused = await vigil.refused('contracts.add', {
      chainId: anvil.chainId,
      address: nobody,
      abi: loadArtifact('Emitter').abi,
    });
    expect(refused).toMatchObject({ code: 'NO_CODE', field: 'address' });
    expect(refused.message).toContain(nobody);
    expect(await vigil.call<WatchedContract[]>('contracts.list')).toHaveLength(1);
    expect(
      (await vigil.refused('contracts.creationBlock', { chainId: anvil.chainId, address: nobody }))
        .code,
    ).toBe('NO_CODE');
  });

  it('says to give the start block when the node keeps no old state', async () => {
    const pruned = {
      request: async <T>(method: string, params?: unknown[]): Promise<T> => {
        if (method === 'eth_getCode' && params?.[1] !== `0x${(deployedAt + 321).toString(16)}`)
          throw new Error('missing trie node');
        return rawRpc<T>(anvil.rpcUrl, method, params ?? []);
      },
    };
    const error = await findCreationBlock(pruned, {
      chainId: anvil.chainId,
      address: emitter,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(VigilError);
    expect(error).toMatchObject({ code: 'NOT_AVAILABLE', field: 'startBlock' });
    expect((error as Error).message).toContain('give the start block yourself');
  });
});
