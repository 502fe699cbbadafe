// The EIP-712 hash a Safe's owners sign for one Safe transaction, computed by Vigil itself so
// that what an owner approves does not depend on what a node or a hosted service answers.
// The domain has no name or version: Safe 1.3.0 and later sign over {chainId, verifyingContract}.
import { getAddress, hashTypedData, type Address, type Hex } from 'viem';

export const SAFE_TX_TYPES = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/** 0 is a CALL, 1 a DELEGATECALL (which runs the target's code as the Safe). */
export type SafeOperation = 0 | 1;

export interface SafeTransaction {
  to: Address;
  value: bigint;
  data: Hex;
  operation: SafeOperation;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: Address;
  refundReceiver: Address;
  nonce: bigint;
}

export interface SafeTransactionHashParameters {
  chainId: number;
  safe: Address;
  transaction: SafeTransaction;
}

export function safeTransactionHash({
  chainId,
  safe,
  transaction,
}: SafeTransactionHashParameters): Hex {
  return hashTypedData({
    domain: { chainId, verifyingContract: safe },
    types: SAFE_TX_TYPES,
    primaryType: 'SafeTx',
    message: transaction,
  });
}

/** A Safe transaction in its wire and stored form: amounts as decimal strings, addresses checksummed. */
export interface WireSafeTransaction {
  to: Address;
  value: string;
  data: Hex;
  operation: SafeOperation;
  safeTxGas: string;
  baseGas: string;
  gasPrice: string;
  gasToken: Address;
  refundReceiver: Address;
  nonce: string;
}

export function toWireSafeTransaction(transaction: SafeTransaction): WireSafeTransaction {
  return {
    to: getAddress(transaction.to),
    value: transaction.value.toString(),
    data: transaction.data.toLowerCase() as Hex,
    operation: transaction.operation,
    safeTxGas: transaction.safeTxGas.toString(),
    baseGas: transaction.baseGas.toString(),
    gasPrice: transaction.gasPrice.toString(),
    gasToken: getAddress(transaction.gasToken),
    refundReceiver: getAddress(transaction.refundReceiver),
    nonce: transaction.nonce.toString(),
  };
}

/** The other way: what is hashed and executed. */
export function fromWireSafeTransaction(
  wire: Omit<WireSafeTransaction, 'to' | 'gasToken' | 'refundReceiver' | 'data'> & {
    to: string;
    gasToken: string;
    refundReceiver: string;
    data: string;
  },
): SafeTransaction {
  return {
    to: getAddress(wire.to),
    value: BigInt(wire.value),
    data: wire.data as Hex,
    operation: wire.operation,
    safeTxGas: BigInt(wire.safeTxGas),
    baseGas: BigInt(wire.baseGas),
    gasPrice: BigInt(wire.gasPrice),
    gasToken: getAddress(wire.gasToken),
    refundReceiver: getAddress(wire.refundReceiver),
    nonce: BigInt(wire.nonce),
  };
}
