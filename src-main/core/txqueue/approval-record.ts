// An approval record, sealed: what its MAC covers, and the checks a record must pass right before
// it is signed (the digest its approvers signed, enough distinct approvers, the MAC).
import type { Transaction } from '../../ipc/contract.ts';
import { approvedRecordDigest, distinctApprovers } from '../approvals/index.ts';
import type { QueueContext } from './queue-context.ts';

export const APPROVAL_DOMAIN = 'approval';

/** What an approval's MAC covers: the transaction, the digest of what is signed, who approved. */
export function approvalRecordText(tx: Transaction): string {
  return JSON.stringify([
    tx.id,
    tx.chainId,
    tx.from.toLowerCase(),
    tx.approvalDigest ?? null,
    tx.approvals ?? [],
    tx.approvalsRequired ?? null,
  ]);
}

/**
 * Right before signing: the record still hashes to the digest its approvers signed, and enough
 * distinct approvers signed it. A record edited on disk, or approved without them, is not signed.
 */
export function approvalProblem(queue: QueueContext, tx: Transaction): string | null {
  const digest = approvedRecordDigest(tx);
  if (!digest || !tx.approvalDigest || digest !== tx.approvalDigest)
    return 'what would be signed no longer matches what was approved';
  // Only this Vigil, holding the key from the keychain, can have written the approval record.
  if (
    queue.options.approvalMac &&
    !queue.options.approvalMac.verify(APPROVAL_DOMAIN, approvalRecordText(tx), tx.approvalMac ?? '')
  )
    return 'its approval record fails its MAC: it was written or edited outside Vigil (quarantined)';
  // The desktop dialog fills one slot however many of its approvals a record carries.
  const approvers = distinctApprovers(
    (tx.approvals ?? []).filter((approval) => approval.digest === digest),
  );
  const required = queue.store.approvers.required(tx.from);
  if (approvers < required)
    return `it carries ${approvers} distinct approver(s) over what would be signed; its signer needs ${required}`;
  return null;
}
