// The one way an owner's signature joins a Safe proposal, whatever brought it (signed here,
// imported, pasted, approveHash, a Safe Transaction Service), and what a proposal's signatures
// amount to against the Safe's owners and threshold as last read. Checking that the signature is
// the owner's over this proposal's safeTxHash is the caller's part (it knows what kind it is).
import type { Hex } from 'viem';
import type { SafeSignature, Transaction } from '../../ipc/contract.ts';
import { auditActions, type AuditAction } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import type { SafeRecord, Store } from '../store/index.ts';
import type { QueueContext } from './queue-context.ts';
import { txSubject } from './tx-record.ts';

export interface SafeSignatureInput {
  owner: string;
  signature: Hex;
  source: SafeSignature['source'];
}

/** The Safe a proposal is for, as last read; a proposal for a Safe removed since cannot go on. */
export function proposalSafe(store: Store, tx: Transaction): SafeRecord {
  const safe = tx.safe ? store.findSafe(`${tx.chainId}:${tx.safe.safe.toLowerCase()}`) : undefined;
  if (!tx.safe || !safe)
    throw new VigilError(
      'NOT_FOUND',
      tx.safe
        ? `Transaction ${tx.id} is a proposal for Safe ${tx.safe.safe}, which is no longer added; add it again to go on.`
        : `Transaction ${tx.id} is not a Safe proposal.`,
      { field: 'id' },
    );
  return safe;
}

/** Whether `address` is among the Safe's owners as last read (any letter case). */
export function isOwner(safe: SafeRecord, address: string): boolean {
  return safe.state.owners.some((owner) => owner.toLowerCase() === address.toLowerCase());
}

export interface SafeReadiness {
  threshold: number;
  /** Signatures by current owners, in the order recorded. */
  counted: SafeSignature[];
  /** Signatures by addresses that are no longer owners: kept, not counted. */
  notCounted: SafeSignature[];
  ready: boolean;
}

/** What the proposal's signatures amount to against the Safe as last read. */
export function safeReadiness(store: Store, tx: Transaction): SafeReadiness {
  const safe = proposalSafe(store, tx);
  const signatures = tx.safe!.signatures;
  const counted = signatures.filter((signature) => isOwner(safe, signature.owner));
  const notCounted = signatures.filter((signature) => !isOwner(safe, signature.owner));
  const threshold = safe.state.threshold;
  return { threshold, counted, notCounted, ready: counted.length >= threshold };
}

/**
 * Records `input` on proposal `id`, once per owner: a second signature by the same owner changes
 * nothing and says so (`recorded: false`), so a restart or a repeated import is harmless. Refuses
 * a settled proposal and an address that is not an owner of the Safe as last read.
 */
export function recordSafeSignature(
  queue: QueueContext,
  id: number,
  input: SafeSignatureInput,
  actor: string,
  details: Record<string, unknown> = {},
): { tx: Transaction; recorded: boolean } {
  const tx = queue.requireTx(id);
  const safe = proposalSafe(queue.store, tx);
  if (tx.status !== 'proposed' || tx.safe!.settledBy)
    throw new VigilError(
      'INVALID_STATE',
      `Safe proposal ${tx.id} is ${tx.safe!.settledBy?.kind ?? tx.status}; it takes no more signatures.`,
      { field: 'id', details: { status: tx.status } },
    );
  if (!isOwner(safe, input.owner))
    throw new VigilError(
      'NOT_A_SAFE_OWNER',
      `${input.owner} is not an owner of Safe ${safe.name} (${safe.address}) on chain ${safe.chainId}; its owners are ${safe.state.owners.join(', ')}.`,
      { field: 'owner', details: { owner: input.owner, owners: safe.state.owners } },
    );
  const owner = input.owner.toLowerCase();
  if (tx.safe!.signatures.some((signature) => signature.owner === owner))
    return { tx, recorded: false };
  const action: AuditAction =
    input.source === 'signed' ? auditActions.safeSigned : auditActions.safeSignatureImported;
  queue.store.execute(
    {
      type: 'safe.signature.add',
      txId: tx.id,
      signature: { owner, signature: input.signature, source: input.source, at: Date.now() },
    },
    [
      {
        actor,
        action,
        subject: txSubject(tx.id),
        details: {
          chainId: tx.chainId,
          safe: tx.safe!.safe,
          safeTxHash: tx.safe!.safeTxHash,
          safeNonce: tx.safe!.nonce,
          owner,
          source: input.source,
          ...details,
        },
      },
    ],
  );
  const saved = queue.requireTx(tx.id);
  queue.service.push('txs.changed', { txs: [saved] });
  queue.service.events.emit('tx', saved);
  return { tx: saved, recorded: true };
}

/** The Safe's live proposals (not settled) at `nonce`: more than one is a conflict to resolve. */
export function proposalsAtSafeNonce(store: Store, tx: Transaction): Transaction[] {
  if (!tx.safe) return [];
  return store
    .listTransactions({ chainId: tx.chainId, from: tx.from, statuses: ['proposed'], limit: 1000 })
    .filter(
      (other) =>
        other.safe !== undefined &&
        other.safe.nonce === tx.safe!.nonce &&
        other.safe.settledBy === null,
    );
}
