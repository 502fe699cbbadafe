// Typed helpers for tests that need the demo and test contracts on a real anvil: load an
// artifact, deploy it, and send the calls that emit events, each returning the mined receipt.
import type { Address, Hex, TransactionReceipt } from 'viem';
import {
  anvilAccount,
  chainClients,
  contractAbis,
  deployContract,
  loadArtifact,
  type ContractArtifact,
  type ContractName,
  type DeployContractOptions,
} from '../../scripts/lib/contracts.ts';

export {
  anvilAccount,
  chainClients,
  contractAbis,
  deployContract,
  loadArtifact,
  type ContractArtifact,
  type ContractName,
  type DeployContractOptions,
};

/** anvil's first dev account's private key (the account that deploys unless told otherwise). */
export const ANVIL_PRIVATE_KEY_0: Hex =
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface SendOptions {
  /** Which anvil account sends; 0 unless told. */
  accountIndex?: number;
}

/** Sends one contract call, waits for its block, and fails loudly if it reverted. */
export async function sendAndWait(
  rpcUrl: string,
  request: {
    address: Address;
    abi: readonly unknown[];
    functionName: string;
    args: readonly unknown[];
  },
  options: SendOptions,
): Promise<TransactionReceipt> {
  const { reader, wallet } = chainClients(rpcUrl, options.accountIndex ?? 0);
  // The helpers' own signatures are typed; the shared path through viem does not need to be.
  const hash = await wallet.writeContract({ ...request, chain: null } as never);
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new Error(
      `${request.functionName} on ${request.address} reverted in transaction ${hash}.`,
    );
  }
  return receipt;
}

// ---- Emitter ----------------------------------------------------------------------------------

/** Emitter.emitMany: `count` Ping logs in one transaction (3000 fit in anvil's 30M gas block). */
export function emitMany(
  rpcUrl: string,
  emitter: Address,
  count: number | bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    {
      address: emitter,
      abi: contractAbis.Emitter,
      functionName: 'emitMany',
      args: [BigInt(count)],
    },
    options,
  );
}

export interface EmitterKinds {
  signedValue: bigint;
  flag: boolean;
  blob: Hex;
  hash: Hex;
  note: string;
  addresses: Address[];
  amounts: bigint[];
  payment: { who: Address; amount: bigint };
}

/** Values for emitKinds that exercise the awkward cases: a negative int, empty-ish and unicode data. */
export const sampleKinds: EmitterKinds = {
  signedValue: -123_456_789_000_000_000_000n,
  flag: true,
  blob: '0xdeadbeef00cafe',
  hash: '0x1111111111111111111111111111111111111111111111111111111111111111',
  note: 'vault rebalance ✓',
  addresses: [
    '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  ],
  amounts: [0n, 1n, 2n ** 255n],
  payment: { who: '0x90F79bf6EB2c4f870365E785982E1f101E93b906', amount: 42n * 10n ** 18n },
};

/**
 * Emitter.emitKinds: one transaction emitting, in order, Signed, Flag, Blob, Hash, Note,
 * Addresses, Amounts, Paid, Mixed, Tagged, Keyed, Unnamed (anonymous) and Hidden.
 */
export function emitKinds(
  rpcUrl: string,
  emitter: Address,
  kinds: EmitterKinds = sampleKinds,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: emitter, abi: contractAbis.Emitter, functionName: 'emitKinds', args: [kinds] },
    options,
  );
}

/** Emitter.emitHidden: one Hidden log, the event EmitterPartial.json's ABI leaves out. */
export function emitHidden(
  rpcUrl: string,
  emitter: Address,
  value: bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: emitter, abi: contractAbis.Emitter, functionName: 'emitHidden', args: [value] },
    options,
  );
}

// ---- DemoToken and DemoVault ------------------------------------------------------------------

export interface DemoContracts {
  token: Address;
  vault: Address;
}

/** Deploys DemoToken ("Demo Token", DEMO) and a DemoVault for it, both owned by account 0. */
export async function deployDemoContracts(
  rpcUrl: string,
  largeMovementThreshold: bigint = 10_000n * 10n ** 18n,
): Promise<DemoContracts> {
  const token = await deployContract(rpcUrl, 'DemoToken', ['Demo Token', 'DEMO']);
  const vault = await deployContract(rpcUrl, 'DemoVault', [token, largeMovementThreshold]);
  return { token, vault };
}

/** DemoToken.mint; only account 0 (the deployer) may mint. */
export function mintTokens(
  rpcUrl: string,
  token: Address,
  to: Address,
  amount: bigint,
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: token, abi: contractAbis.DemoToken, functionName: 'mint', args: [to, amount] },
    {},
  );
}

export function transferTokens(
  rpcUrl: string,
  token: Address,
  to: Address,
  amount: bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: token, abi: contractAbis.DemoToken, functionName: 'transfer', args: [to, amount] },
    options,
  );
}

export function approveTokens(
  rpcUrl: string,
  token: Address,
  spender: Address,
  amount: bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    {
      address: token,
      abi: contractAbis.DemoToken,
      functionName: 'approve',
      args: [spender, amount],
    },
    options,
  );
}

/** DemoVault.deposit; the sender must have approved the vault for at least `amount`. */
export function depositToVault(
  rpcUrl: string,
  vault: Address,
  amount: bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: vault, abi: contractAbis.DemoVault, functionName: 'deposit', args: [amount] },
    options,
  );
}

/** DemoVault.withdraw: burns `shares` of the sender's shares for their part of the vault. */
export function withdrawFromVault(
  rpcUrl: string,
  vault: Address,
  shares: bigint,
  options: SendOptions = {},
): Promise<TransactionReceipt> {
  return sendAndWait(
    rpcUrl,
    { address: vault, abi: contractAbis.DemoVault, functionName: 'withdraw', args: [shares] },
    options,
  );
}
