// Resuming after a restart: what the journal says was approved or signed goes on where it
// stopped, and an approval that has grown stale is checked against a fresh simulation first.
import type { Transaction } from '../../ipc/contract.ts';
import { auditActions, SYSTEM_ACTOR } from '../audit/index.ts';
import { approvalProblem } from './approval-record.ts';
import type { QueueContext } from './queue-context.ts';
import { signAndSend } from './sign-and-send.ts';
import { simulationChanges } from './simulate.ts';
import { simulate, simulateAt } from './simulate-stage.ts';
import { approveUnderPolicy } from './policy-stage.ts';

/**
 * An approval given long before this restart is simulated again at the nonce and fees it
 * fixed; if anything the person saw changed, it goes back to awaiting a fresh approval.
 */
async function staleApprovalChanges(
  queue: QueueContext,
  tx: Transaction,
): Promise<Transaction | undefined> {
  const staleApprovalMs = queue.options.staleApprovalMs ?? 5 * 60_000;
  const approvedAt = Math.max(
    0,
    ...(tx.approvals ?? []).map((approval) => approval.at),
    tx.policyDecision?.approved ? tx.policyDecision.at : 0,
  );
  if (tx.status !== 'approved' || !tx.simulation || Date.now() - approvedAt < staleApprovalMs)
    return undefined;
  // A record that fails its checks is refused as it is (signAndSend), never turned into a proposal.
  if (approvalProblem(queue, tx)) return undefined;
  const fresh = await simulateAt(queue, tx, tx.nonce!, tx.fees);
  const changes = simulationChanges(tx.simulation, fresh);
  if (changes.length === 0) return undefined;
  queue.log.warn(
    `Transaction ${tx.id} was approved ${Math.round((Date.now() - approvedAt) / 60_000)} min ago and ${changes.join('; ')}: it needs a fresh approval.`,
  );
  return queue.transition(tx, 'proposed', {
    audit: auditActions.txSimulated,
    note: `approval withdrawn at resume: since it was approved, ${changes.join('; ')}. Review and approve again.`,
    patch: {
      simulation: fresh,
      nonce: null,
      gasLimit: null,
      approvals: [],
      approvalDigest: null,
      approvalMac: null,
      overrideRevert: false,
    },
    details: {
      staleApproval: true,
      changes,
      simulationId: fresh.id,
      blockNumber: fresh.blockNumber,
      success: fresh.success,
    },
  });
}

/**
 * What the journal says was approved or signed but not yet sent resumes at once, unless safe
 * mode holds it; then it resumes when a person acknowledges safe mode.
 */
export function resumeFromJournal(queue: QueueContext): void {
  const resume = (): void => {
    const refusal = queue.options.safeMode?.signingRefusal('resuming approved transactions');
    const waiting = queue.store.listTransactions({ statuses: ['approved', 'signed'], limit: 1000 });
    if (refusal) {
      if (waiting.length > 0)
        queue.log.error(
          `${waiting.length} approved or signed transaction(s) wait (${waiting.map((tx) => tx.id).join(', ')}): ${refusal.message}`,
        );
      return;
    }
    // A crash between proposing under a policy and its decision: the policy decides now, on a
    // fresh simulation (it never approves what it has not seen simulated at the current block).
    for (const tx of queue.store.listTransactions({ statuses: ['proposed'], limit: 1000 }))
      if (tx.executeUnder !== undefined && !tx.policyDecision)
        void simulate(queue, tx, SYSTEM_ACTOR)
          .then((simulated) => approveUnderPolicy(queue, simulated))
          .catch((error: unknown) =>
            queue.log.warn(
              `Putting transaction ${tx.id} to policy ${tx.executeUnder}: ${(error as Error).message.split('\n')[0]}`,
            ),
          );
    for (const tx of waiting) {
      void staleApprovalChanges(queue, tx)
        .then((withdrawn) => (withdrawn ? withdrawn : signAndSend(queue, tx)))
        .catch((error: unknown) =>
          queue.log.warn(
            `Resuming transaction ${tx.id}: ${(error as Error).message.split('\n')[0]}`,
          ),
        );
    }
  };
  queue.options.safeMode?.onLifted(resume);
  setTimeout(resume, 0);
}
