// The real Safe 1.4.1 contracts on a test anvil, from the artifacts (with bytecode) that the npm
// package @safe-global/safe-contracts ships: the SafeL2 singleton, the proxy factory,
// MultiSendCallOnly and the fallback handler, then Safe proxies set up with chosen owners. Also
// executes a Safe transaction signed by owners' keys, as another wallet would, outside Vigil.
import { createRequire } from 'node:module';
import {
  concat,
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { safeTransactionHash, type SafeTransaction } from '../../src-main/core/safes/index.ts';
import { chainClients } from './contracts.ts';

interface HardhatArtifact {
  abi: Abi;
  bytecode: Hex;
}

const ARTIFACTS = {
  SafeL2: 'SafeL2.sol/SafeL2.json',
  SafeProxyFactory: 'proxies/SafeProxyFactory.sol/SafeProxyFactory.json',
  MultiSendCallOnly: 'libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json',
  CompatibilityFallbackHandler:
    'handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json',
} as const;

export type SafeContractName = keyof typeof ARTIFACTS;

export function loadSafeArtifact(name: SafeContractName): HardhatArtifact {
  const require = createRequire(import.meta.url);
  return require(
    `@safe-global/safe-contracts/build/artifacts/contracts/${ARTIFACTS[name]}`,
  ) as HardhatArtifact;
}

export const SAFE_ABI = loadSafeArtifact('SafeL2').abi;

export interface SafeDeployment {
  singleton: Address;
  proxyFactory: Address;
  multiSendCallOnly: Address;
  fallbackHandler: Address;
}

async function deployArtifact(rpcUrl: string, name: SafeContractName): Promise<Address> {
  const { reader, wallet } = chainClients(rpcUrl, 0);
  const artifact = loadSafeArtifact(name);
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    chain: null,
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`Deploying ${name} failed in transaction ${hash}.`);
  }
  return getAddress(receipt.contractAddress);
}

/** The four Safe contracts, deployed one after the other by anvil's account 0. */
export async function deploySafeContracts(rpcUrl: string): Promise<SafeDeployment> {
  const singleton = await deployArtifact(rpcUrl, 'SafeL2');
  const proxyFactory = await deployArtifact(rpcUrl, 'SafeProxyFactory');
  const multiSendCallOnly = await deployArtifact(rpcUrl, 'MultiSendCallOnly');
  const fallbackHandler = await deployArtifact(rpcUrl, 'CompatibilityFallbackHandler');
  return { singleton, proxyFactory, multiSendCallOnly, fallbackHandler };
}

export interface SafeOwner {
  privateKey: Hex;
  address: Address;
}

export interface CreatedSafe {
  address: Address;
  owners: SafeOwner[];
  threshold: number;
}

export interface CreateSafeOptions {
  /** How many fresh owner keys to make; 3 unless told. */
  ownerCount?: number;
  threshold?: number;
  saltNonce?: bigint;
  /** Owners to use instead of fresh keys. */
  owners?: SafeOwner[];
}

/** A Safe proxy through createProxyWithNonce, set up in the same transaction (2-of-3 by default). */
export async function createSafe(
  rpcUrl: string,
  deployment: SafeDeployment,
  options: CreateSafeOptions = {},
): Promise<CreatedSafe> {
  const owners =
    options.owners ??
    Array.from({ length: options.ownerCount ?? 3 }, () => {
      const privateKey = generatePrivateKey();
      return { privateKey, address: privateKeyToAccount(privateKey).address };
    });
  const threshold = options.threshold ?? 2;
  const initializer = encodeFunctionData({
    abi: SAFE_ABI,
    functionName: 'setup',
    args: [
      owners.map((owner) => owner.address),
      BigInt(threshold),
      zeroAddress,
      '0x',
      deployment.fallbackHandler,
      zeroAddress,
      0n,
      zeroAddress,
    ],
  });
  const factoryAbi = loadSafeArtifact('SafeProxyFactory').abi;
  const { reader, wallet } = chainClients(rpcUrl, 0);
  const hash = await wallet.writeContract({
    address: deployment.proxyFactory,
    abi: factoryAbi,
    functionName: 'createProxyWithNonce',
    args: [deployment.singleton, initializer, options.saltNonce ?? BigInt(Date.now())],
    chain: null,
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`createProxyWithNonce reverted (${hash}).`);
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== deployment.proxyFactory) continue;
    const event = decodeEventLog({ abi: factoryAbi, data: log.data, topics: log.topics });
    if (event.eventName === 'ProxyCreation') {
      const { proxy } = event.args as unknown as { proxy: Address };
      return { address: getAddress(proxy), owners, threshold };
    }
  }
  throw new Error(`No ProxyCreation event in ${hash}.`);
}

/** A Safe transaction with no refund: the usual shape of an operator's call. */
export function plainSafeTransaction(
  fields: Partial<SafeTransaction> & Pick<SafeTransaction, 'to' | 'nonce'>,
): SafeTransaction {
  return {
    value: 0n,
    data: '0x',
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: zeroAddress,
    refundReceiver: zeroAddress,
    ...fields,
  };
}

/**
 * Signs the transaction with the given owners' keys (ECDSA over the EIP-712 hash, v 27/28),
 * orders the signatures by owner as the Safe requires, and sends execTransaction from anvil's
 * account `senderIndex`.
 */
export async function execSafeTransaction(
  rpcUrl: string,
  chainId: number,
  safe: Address,
  transaction: SafeTransaction,
  signers: SafeOwner[],
  senderIndex = 0,
): Promise<TransactionReceipt> {
  const hash = safeTransactionHash({ chainId, safe, transaction });
  const sorted = [...signers].sort((a, b) =>
    a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1,
  );
  const signatures = await Promise.all(
    sorted.map((owner) => privateKeyToAccount(owner.privateKey).sign({ hash })),
  );
  const receipt = await execWithSignatures(
    rpcUrl,
    safe,
    transaction,
    concat(signatures),
    senderIndex,
  );
  if (receipt.status !== 'success')
    throw new Error(`execTransaction reverted (${receipt.transactionHash}).`);
  return receipt;
}

/** execTransaction with the signatures exactly as given, from anvil's account `senderIndex`. */
export async function execWithSignatures(
  rpcUrl: string,
  safe: Address,
  transaction: SafeTransaction,
  signatures: Hex,
  senderIndex = 0,
): Promise<TransactionReceipt> {
  const { reader, wallet } = chainClients(rpcUrl, senderIndex);
  const hash = await wallet.writeContract({
    address: safe,
    abi: SAFE_ABI,
    functionName: 'execTransaction',
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
      signatures,
    ],
    chain: null,
  });
  return reader.waitForTransactionReceipt({ hash });
}

/** The Safe's own call data for changeThreshold, a self-call owners sign. */
export function changeThresholdData(threshold: number): Hex {
  return encodeFunctionData({
    abi: SAFE_ABI,
    functionName: 'changeThreshold',
    args: [BigInt(threshold)],
  });
}
