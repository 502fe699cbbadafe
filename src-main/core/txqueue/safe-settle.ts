// How a Safe proposal ends: executed (by Vigil's execution or elsewhere), its execution failed,
// or superseded because another transaction used its Safe nonce. Executing one proposal
// supersedes every other live proposal at that Safe nonce, since the Safe will never take them.
import type { Hex } from 'viem';
import type { SafeProposal, Transaction, TxStatus } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import type { QueueContext } from './queue-context.ts';
import { proposalsAtSafeNonce } from './safe-signature-record.ts';

export type SafeSettlement = NonNullable<SafeProposal['settledBy']>['kind'];

const statusOf: Record<SafeSettlement, TxStatus> = {
  executed: 'confirmed',
  'executed-elsewhere': 'confirmed',
  'execution-failed': 'failed',
  superseded: 'replaced',
};

/**
 * Settles proposal `id` as `kind` (once: a settled proposal is left as it is) and, when it was
 * executed, supersedes the other live proposals at its Safe nonce. Returns the settled record.
 */
export function settleSafeProposal(
  queue: QueueContext,
  id: number,
  kind: SafeSettlement,
  by: { txHash: Hex | null; proposalId?: number | null },
): Transaction {
  const tx = queue.requireTx(id);
  if (!tx.safe || tx.safe.settledBy) return tx;
  const settledBy = { kind, txHash: by.txHash, proposalId: by.proposalId ?? null, at: Date.now() };
  const note =
    kind === 'superseded'
      ? `superseded: Safe nonce ${tx.safe.nonce} was used by ${by.proposalId ? `proposal ${by.proposalId}` : 'another transaction'}${by.txHash ? ` (${by.txHash})` : ''}`
      : kind === 'execution-failed'
        ? `execution failed${by.txHash ? ` in ${by.txHash}` : ''}`
        : `${kind === 'executed' ? 'executed' : 'executed elsewhere'}${by.txHash ? ` in ${by.txHash}` : ''}`;
  const settled = queue.transition(tx, statusOf[kind], {
    audit:
      kind === 'superseded'
        ? auditActions.safeSuperseded
        : kind === 'execution-failed'
          ? auditActions.txFailed
          : auditActions.safeExecuted,
    note,
    patch: {
      safe: { ...tx.safe, settledBy },
      ...(kind === 'execution-failed' ? { failureReason: note } : {}),
    },
    details: {
      safe: tx.safe.safe,
      safeTxHash: tx.safe.safeTxHash,
      safeNonce: tx.safe.nonce,
      settledBy,
    },
  });
  if (kind === 'executed' || kind === 'executed-elsewhere')
    for (const other of proposalsAtSafeNonce(queue.store, tx))
      if (other.id !== tx.id)
        settleSafeProposal(queue, other.id, 'superseded', {
          txHash: by.txHash,
          proposalId: tx.id,
        });
  return settled;
}
