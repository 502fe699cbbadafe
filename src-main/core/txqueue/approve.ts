// The approving stage: a person approves the simulation they saw; once enough distinct approvers
// have, the proposal is simulated again (stopping if anything they saw changed), takes its
// lane's nonce under the lane's lock, and is sealed and journaled as approved before signing.
import type { Transaction, ValidatedInput } from '../../ipc/contract.ts';
import {
  distinctApprovers,
  fillsTakenSlot,
  isDesktopApproval,
  signingDigest,
  type ApprovedBy,
} from '../approvals/index.ts';
import { auditActions, SYSTEM_ACTOR } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import { APPROVAL_DOMAIN, approvalRecordText, approvedDetails } from './approval-record.ts';
import type { QueueContext } from './queue-context.ts';
import { simulationChanges } from './simulate.ts';
import { simulate } from './simulate-stage.ts';
import { approveSafe } from './safe-sign.ts';
import { replanLane } from './replan-lane.ts';

/**
 * Approves a proposal for `approvedBy`; the approval that completes it hands the approved record to
 * `signAndSend` (the next stage), after it is journaled.
 */
export async function approve(
  queue: QueueContext,
  input: ValidatedInput<'txs.approve'>,
  actor: string,
  approvedBy: ApprovedBy | undefined,
  signAndSend: (approved: Transaction) => Promise<Transaction>,
): Promise<Transaction> {
  if (!approvedBy)
    throw new VigilError(
      'APPROVAL_REQUIRED',
      `Transaction ${input.id} needs a person's approval.`,
      {
        field: 'approval',
      },
    );
  queue.refuseInSafeMode(`approving transaction ${input.id}`);
  const first = queue.requireTx(input.id);
  // A Safe proposal is approved by signing it as an owner; it goes out later, executed.
  if (first.safe) return approveSafe(queue, input, actor, approvedBy);
  let complete = false;
  return queue.nonces
    .withLane(first.chainId, first.from, async () => {
      const tx = queue.requireTx(input.id);
      if (tx.status !== 'proposed') {
        throw new VigilError(
          'INVALID_STATE',
          `Transaction ${tx.id} is ${tx.status}, not awaiting approval.`,
          { field: 'id', details: { status: tx.status } },
        );
      }
      queue.options.vault.require(tx.from, 'from');
      const shown = tx.simulation;
      if (!shown) {
        throw new VigilError(
          'INVALID_STATE',
          `Transaction ${tx.id} has not been simulated yet; simulate it and look at the result before approving.`,
          { field: 'id' },
        );
      }
      if (input.seenSimulation !== undefined && input.seenSimulation !== shown.id) {
        throw new VigilError(
          'SIMULATION_CHANGED',
          `Transaction ${tx.id} was simulated again since you looked; review the new result before approving.`,
          { field: 'seenSimulation', details: { current: shown.id, seen: input.seenSimulation } },
        );
      }
      // The person approved a digest before this lane was ours; the record may have moved since.
      const overrideRevert = Boolean(input.overrideRevert && !shown.success);
      const digest = signingDigest(tx, shown, overrideRevert);
      if (digest !== approvedBy.digest) {
        throw new VigilError(
          'APPROVAL_MISMATCH',
          `Transaction ${tx.id} changed after it was approved (simulated again); review it and approve again.`,
          { field: 'approval', details: { approved: approvedBy.digest, now: digest } },
        );
      }
      if (!shown.success && !input.overrideRevert) {
        throw new VigilError(
          'SIMULATION_REVERTED',
          `Transaction ${tx.id} reverts in simulation (${shown.revertReason}); it would fail on chain and still cost gas. Approve with the revert override only if you mean to send it anyway.`,
          { field: 'overrideRevert', details: { revertReason: shown.revertReason } },
        );
      }
      // Approvals over an earlier digest (before a new simulation) no longer count.
      const standing = (tx.approvals ?? []).filter((approval) => approval.digest === digest);
      if (fillsTakenSlot(standing, approvedBy.credentialId)) {
        throw new VigilError(
          'APPROVER_DUPLICATE',
          isDesktopApproval(approvedBy.credentialId)
            ? `Transaction ${tx.id} already has the desktop dialog's approval, which counts as one approver; the others approve with their enrolled passkeys.`
            : `${approvedBy.name} has already approved transaction ${tx.id}; it needs another approver.`,
          { field: 'approval', details: { approvedBy: standing.map((a) => a.name) } },
        );
      }
      const approvals = [
        ...standing,
        { credentialId: approvedBy.credentialId, name: approvedBy.name, digest, at: Date.now() },
      ];
      const approvalsRequired = queue.store.approvers.required(tx.from);
      const approverCount = distinctApprovers(approvals);
      if (approverCount < approvalsRequired) {
        return queue.save(
          { ...tx, approvals, approvalsRequired },
          {
            status: 'proposed',
            note: `approved by ${approvedBy.name} (${approverCount} of ${approvalsRequired}); awaiting ${approvalsRequired - approverCount} more`,
          },
        );
      }
      const original =
        tx.replacesId === null ? undefined : queue.store.findTransaction(tx.replacesId);
      if (original && !['signed', 'sent'].includes(original.status)) {
        throw new VigilError(
          'INVALID_STATE',
          `Transaction ${tx.id} replaces transaction ${original.id}, which is now ${original.status}; there is nothing left to replace.`,
          { field: 'id' },
        );
      }
      const freshTx = await simulate(queue, tx, SYSTEM_ACTOR);
      const changes = simulationChanges(shown, freshTx.simulation!);
      if (changes.length > 0) {
        throw new VigilError(
          'SIMULATION_CHANGED',
          `Approval stopped: since you looked, ${changes.join('; ')}. Review the new simulation and approve again.`,
          { field: 'id', details: { changes, before: shown, after: freshTx.simulation } },
        );
      }
      complete = true;
      const sealed = { ...freshTx, approvals, approvalsRequired, approvalDigest: digest };
      const approvalMac = queue.options.approvalMac?.sign(
        APPROVAL_DOMAIN,
        approvalRecordText(sealed),
      );
      // What gets signed is what the operator saw: the shown plan, not the fresh one.
      return queue.transition(freshTx, 'approved', {
        audit: auditActions.txApproved,
        actor,
        note:
          input.overrideRevert && !shown.success ? 'approved despite a reverting simulation' : null,
        patch: {
          simulation: shown,
          nonce: shown.nonce,
          gasLimit: shown.gasLimit,
          fees: shown.fees,
          overrideRevert,
          approvals,
          approvalsRequired,
          approvalDigest: digest,
          ...(approvalMac ? { approvalMac } : {}),
        },
        details: {
          ...approvedDetails(tx, shown, digest),
          approvedBy: approvals.map(({ credentialId, name }) => ({ credentialId, name })),
        },
      });
    })
    .then(async (approved) => {
      if (!complete) return approved;
      queue.options.crashPoint?.('tx.approved');
      replanLane(queue, approved);
      return signAndSend(approved);
    });
}

/** A person turns a proposal down: it is rejected, with their reason, and nothing is approved. */
export function reject(
  queue: QueueContext,
  input: ValidatedInput<'txs.reject'>,
  actor: string,
): Transaction {
  const tx = queue.requireTx(input.id);
  if (tx.status !== 'proposed') {
    throw new VigilError(
      'INVALID_STATE',
      `Transaction ${tx.id} is ${tx.status}, not awaiting approval.`,
      {
        field: 'id',
        details: { status: tx.status },
      },
    );
  }
  return queue.save(
    { ...tx, status: 'rejected', rejectReason: input.reason },
    {
      status: 'rejected',
      note: input.reason,
      audit: auditActions.txRejected,
      actor,
      details: { reason: input.reason },
    },
  );
}

/**
 * A proposal whose reason is gone (its triggering event removed by a reorg) is rejected if it
 * still waits, audited as the system's; one already approved or sent is returned as it is, for
 * the caller to tell the operator. Undefined when there is no such transaction.
 */
export function withdraw(queue: QueueContext, id: number, reason: string): Transaction | undefined {
  const tx = queue.store.findTransaction(id);
  if (!tx || tx.status !== 'proposed') return tx;
  return queue.save(
    { ...tx, status: 'rejected', rejectReason: reason },
    {
      status: 'rejected',
      note: reason,
      audit: auditActions.txRejected,
      actor: SYSTEM_ACTOR,
      details: { reason, withdrawn: true },
    },
  );
}
