// What a person approves, as one digest: the request's action and exactly what it will do, in
// canonical JSON (sorted keys, no whitespace) so the same thing always hashes the same.
import { createHash } from 'node:crypto';
import type { Hex } from 'viem';
import type { Simulation, Transaction } from '../../ipc/contract.ts';
import { canonicalJson } from '../audit-chain/index.ts';

export interface GateSubject {
  /** `txs.approve`, `signers.import` … */
  action: string;
  digest: Hex;
  /** What the person is shown, built by main from its own records. */
  summary: string[];
}

export function subjectDigest(action: string, subject: unknown): Hex {
  return `0x${createHash('sha256')
    .update(canonicalJson({ version: 1, action, subject }))
    .digest('hex')}`;
}

/**
 * Exactly what main will sign for a proposal approved on `shown`: the chain, sender, target,
 * value, data, the nonce, gas limit and fee caps of that simulation, the simulation itself, and
 * whether its revert is overridden. Computed again right before signing.
 */
export function signingDigest(
  tx: Pick<Transaction, 'id' | 'chainId' | 'from' | 'to' | 'value' | 'data'>,
  shown: Simulation,
  overrideRevert: boolean,
): Hex {
  return subjectDigest('txs.approve', {
    id: tx.id,
    chainId: tx.chainId,
    from: tx.from.toLowerCase(),
    to: tx.to.toLowerCase(),
    value: tx.value,
    data: tx.data.toLowerCase(),
    nonce: shown.nonce,
    gasLimit: shown.gasLimit,
    fees: shown.fees,
    simulation: shown,
    overrideRevert,
  });
}

/**
 * What an owner signs for a Safe proposal approved on `shown`: the Safe transaction hash (which
 * covers every field the Safe checks), the keychain owner that signs it, the simulation seen.
 */
export function safeSigningDigest(
  tx: Pick<Transaction, 'id' | 'chainId' | 'from' | 'safe'>,
  shown: Simulation,
  overrideRevert: boolean,
  signer: string,
): Hex {
  return subjectDigest('txs.approve', {
    id: tx.id,
    chainId: tx.chainId,
    safe: tx.from.toLowerCase(),
    safeTxHash: tx.safe!.safeTxHash.toLowerCase(),
    signer: signer.toLowerCase(),
    simulation: shown,
    overrideRevert,
  });
}

/** The digest of an approved record as it stands now; null before a nonce is fixed. */
export function approvedRecordDigest(tx: Transaction): Hex | null {
  if (!tx.simulation || tx.nonce === null || tx.gasLimit === null || !tx.fees) return null;
  const signed = { ...tx.simulation, nonce: tx.nonce, gasLimit: tx.gasLimit, fees: tx.fees };
  return signingDigest(tx, signed, tx.overrideRevert);
}
