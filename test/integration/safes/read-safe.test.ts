// A Safe read from the real Safe 1.4.1 contracts on anvil, and the Safe transaction hash Vigil
// computes itself checked against the Safe's own getTransactionHash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, getAddress, parseAbi, type Address, type Hex } from 'viem';
import {
  GUARD_STORAGE_SLOT,
  readSafe,
  safeTransactionHash,
  SAFE_READ_ABI,
  type RpcRequest,
  type SafeTransaction,
} from '../../../src-main/core/safes/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { chainClients, deployDemoContracts } from '../../helpers/contracts.ts';
import {
  changeThresholdData,
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  plainSafeTransaction,
  type CreatedSafe,
  type SafeDeployment,
} from '../../helpers/safe-contracts.ts';

let anvil: AnvilInstance;
let deployment: SafeDeployment;
let safe: CreatedSafe;
let request: RpcRequest;

beforeAll(async () => {
  anvil = await startAnvil();
  request = (method, params) => rawRpc(anvil.rpcUrl, method, params ?? []);
  deployment = await deploySafeContracts(anvil.rpcUrl);
  safe = await createSafe(anvil.rpcUrl, deployment);
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

async function thrown(promise: Promise<unknown>): Promise<VigilError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VigilError);
  return error as VigilError;
}

describe('readSafe', () => {
  it('reads a 2-of-3 Safe: version, owners, threshold, nonce, no modules, no guard, the handler', async () => {
    const state = await readSafe(request, safe.address.toLowerCase());
    expect(state).toEqual({
      address: safe.address,
      version: '1.4.1',
      owners: safe.owners.map((owner) => owner.address),
      threshold: 2,
      nonce: 0n,
      modules: [],
      guard: null,
      fallbackHandler: deployment.fallbackHandler,
    });
  });

  it('follows a threshold change and the nonce executed by two owners', async () => {
    const other = await createSafe(anvil.rpcUrl, deployment, { saltNonce: 7n });
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      other.address,
      plainSafeTransaction({ to: other.address, data: changeThresholdData(3), nonce: 0n }),
      other.owners.slice(0, 2),
    );
    const state = await readSafe(request, other.address);
    expect(state.threshold).toBe(3);
    expect(state.nonce).toBe(1n);
  });

  it('reads enabled modules and a guard set through the Safe itself', async () => {
    const other = await createSafe(anvil.rpcUrl, deployment, { saltNonce: 8n });
    const abi = parseAbi(['function enableModule(address module)']);
    const moduleA = getAddress('0x00000000000000000000000000000000000000aa');
    const moduleB = getAddress('0x00000000000000000000000000000000000000bb');
    const signers = other.owners.slice(1, 3);
    for (const [nonce, module] of [moduleA, moduleB].entries()) {
      await execSafeTransaction(
        anvil.rpcUrl,
        anvil.chainId,
        other.address,
        plainSafeTransaction({
          to: other.address,
          data: encodeFunctionData({ abi, functionName: 'enableModule', args: [module] }),
          nonce: BigInt(nonce),
        }),
        signers,
      );
    }
    // setGuard asks the guard for supportsInterface; with no guard contract here, the slot is
    // written directly, which is all the reading depends on.
    const guard = getAddress('0x00000000000000000000000000000000000000cc');
    await rawRpc(anvil.rpcUrl, 'anvil_setStorageAt', [
      other.address,
      GUARD_STORAGE_SLOT,
      `0x${guard.slice(2).toLowerCase().padStart(64, '0')}`,
    ]);
    const state = await readSafe(request, other.address);
    // The Safe's list is newest first.
    expect(state.modules).toEqual([moduleB, moduleA]);
    expect(state.guard).toBe(guard);
    expect(state.nonce).toBe(2n);
  });

  it('refuses an address with no code with NO_CODE', async () => {
    const error = await thrown(readSafe(request, '0x000000000000000000000000000000000000dEaD'));
    expect(error.code).toBe('NO_CODE');
    expect(error.field).toBe('address');
  });

  it('refuses a contract that is not a Safe with NOT_A_SAFE', async () => {
    const { token } = await deployDemoContracts(anvil.rpcUrl);
    const error = await thrown(readSafe(request, token));
    expect(error.code).toBe('NOT_A_SAFE');
    expect(error.message).toContain(getAddress(token));
  });

  it('refuses the singleton itself (a Safe never set up) with NOT_A_SAFE', async () => {
    // With no owners, the singleton's getOwners runs off its empty list and halts.
    const error = await thrown(readSafe(request, deployment.singleton));
    expect(error.code).toBe('NOT_A_SAFE');
    expect(error.message).toMatch(/getOwners\(\) reverted/);
  });

  it('lets a node failure through as it is, not as "not a Safe"', async () => {
    const failing: RpcRequest = async (method) => {
      if (method === 'eth_call') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return request(method);
    };
    const failingWithCode: RpcRequest = (method, params) =>
      method === 'eth_getCode' ? request(method, params) : failing(method, params);
    await expect(readSafe(failingWithCode, safe.address)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('safeTransactionHash', () => {
  async function contractHash(transaction: SafeTransaction): Promise<Hex> {
    const { reader } = chainClients(anvil.rpcUrl);
    return reader.readContract({
      address: safe.address,
      abi: SAFE_READ_ABI,
      functionName: 'getTransactionHash',
      args: [
        transaction.to,
        transaction.value,
        transaction.data,
        transaction.operation,
        transaction.safeTxGas,
        transaction.baseGas,
        transaction.gasPrice,
        transaction.gasToken,
        transaction.refundReceiver,
        transaction.nonce,
      ],
    });
  }

  const recipient: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const cases: Array<[string, () => SafeTransaction]> = [
    [
      'a plain transfer of value',
      () => plainSafeTransaction({ to: recipient, value: 10n ** 18n, nonce: 0n }),
    ],
    [
      'a call with data at a later nonce',
      () =>
        plainSafeTransaction({
          to: deployment.fallbackHandler,
          data: '0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000000000000000000000000000064',
          nonce: 41n,
        }),
    ],
    [
      'a delegatecall to MultiSendCallOnly',
      () =>
        plainSafeTransaction({
          to: deployment.multiSendCallOnly,
          data: '0x8d80ff0a',
          operation: 1,
          nonce: 3n,
        }),
    ],
    [
      'a transaction with refund fields set',
      () => ({
        to: recipient,
        value: 5n,
        data: '0xdeadbeef',
        operation: 0,
        safeTxGas: 100_000n,
        baseGas: 21_000n,
        gasPrice: 7n,
        gasToken: deployment.singleton,
        refundReceiver: recipient,
        nonce: 2n ** 64n,
      }),
    ],
  ];

  it.each(cases)('equals the Safe contract’s getTransactionHash for %s', async (_name, make) => {
    const transaction = make();
    const ours = safeTransactionHash({ chainId: anvil.chainId, safe: safe.address, transaction });
    expect(ours).toBe(await contractHash(transaction));
  });

  it('differs for another chain id and another Safe (the domain binds both)', () => {
    const transaction = cases[0]![1]();
    const here = safeTransactionHash({ chainId: anvil.chainId, safe: safe.address, transaction });
    expect(safeTransactionHash({ chainId: 1, safe: safe.address, transaction })).not.toBe(here);
    expect(
      safeTransactionHash({ chainId: anvil.chainId, safe: deployment.singleton, transaction }),
    ).not.toBe(here);
  });
});
