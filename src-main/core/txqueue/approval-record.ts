// An approval record, sealed: what its MAC covers, and the checks a record must pass right before
// it is signed (the digest its approvers signed, enough distinct approvers, the MAC).
import type { Simulation, Transaction } from '../../ipc/contract.ts';
import { approvedRecordDigest, distinctApprovers } from '../approvals/index.ts';
import type { QueueContext } from './queue-context.ts';

export const APPROVAL_DOMAIN = 'approval';

/** What an approval's MAC covers: the transaction, the digest of what is signed, who approved. */
export function approvalRecordText(tx: Transaction): string {
  const sealed: unknown[] = [
    tx.id,
    tx.chainId,
    tx.from.toLowerCase(),
    tx.approvalDigest ?? null,
    tx.approvals ?? [],
    tx.approvalsRequired ?? null,
  ];
  // A policy's approval is sealed with the decision and the policy it was asked for, so a record
  // claiming one cannot be written on disk (records approved by people keep their earlier MACs).
  if (tx.policyDecision) sealed.push(tx.executeUnder ?? null, tx.policyDecision);
  return JSON.stringify(sealed);
}

/** Approved by the policy its proposer asked for (the MAC, checked first, vouches for it). */
function policyApproved(tx: Transaction): boolean {
  return (
    tx.policyDecision?.approved === true &&
    tx.executeUnder !== undefined &&
    tx.policyDecision.policyId === tx.executeUnder
  );
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
  if (policyApproved(tx))
    return queue.options.approvalMac
      ? null
      : 'a policy approval counts only sealed with the data directory key, and this Vigil has none';
  // The desktop dialog fills one slot however many of its approvals a record carries.
  const approvers = distinctApprovers(
    (tx.approvals ?? []).filter((approval) => approval.digest === digest),
  );
  const required = queue.store.approvers.required(tx.from);
  if (approvers < required)
    return `it carries ${approvers} distinct approver(s) over what would be signed; its signer needs ${required}`;
  return null;
}

/** The tx.approved audit entry's account of what was approved: the call, its plan, its digest. */
export function approvedDetails(
  tx: Transaction,
  shown: Simulation,
  digest: string,
): Record<string, unknown> {
  return {
    to: tx.to,
    value: tx.value,
    data: tx.data,
    nonce: shown.nonce,
    gasLimit: shown.gasLimit,
    fees: shown.fees,
    simulationId: shown.id,
    simulationSucceeded: shown.success,
    ...(shown.success ? {} : { revertReason: shown.revertReason, overrideRevert: true }),
    digest,
  };
}
