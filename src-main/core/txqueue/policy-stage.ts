// The policy stage: a proposal its proposer asked to be executed under a policy (a rule firing, a
// schedule) is put to that policy once simulated. Approved, it is sealed with the decision and
// goes out like any approved transaction; refused, it waits for a person with the limit that
// stopped it. The policy itself is evaluated outside this room (automation), given in as
// `policyApprover`, so the queue never imports what decides.
import type { PolicyDecision, Transaction } from '../../ipc/contract.ts';
import { signingDigest } from '../approvals/index.ts';
import { auditActions, SYSTEM_ACTOR } from '../audit/index.ts';
import { APPROVAL_DOMAIN, approvalRecordText, approvedDetails } from './approval-record.ts';
import { replanLane } from './replan-lane.ts';
import type { QueueContext } from './queue-context.ts';
import { signAndSend } from './sign-and-send.ts';
import { simulate } from './simulate-stage.ts';

/** The audit actor of what a policy approves or refuses. */
export const policyActor = (policyId: string): string => `policy:${policyId}`;

function refusedBefore(
  policyId: string,
  limit: string,
  value: string,
  allowed: string,
  reason: string,
): PolicyDecision {
  return {
    policyId,
    at: Date.now(),
    approved: false,
    checks: [],
    stoppedBy: { limit, value, allowed, reason },
  };
}

/** What decides before the policy is asked: this Vigil must be able to seal and send at all. */
function decide(queue: QueueContext, policyId: string, tx: Transaction): PolicyDecision {
  const refusal = queue.options.safeMode?.signingRefusal(`approving transaction ${tx.id}`);
  if (refusal) return refusedBefore(policyId, 'safeMode', 'on', 'off', refusal.message);
  if (!queue.options.approvalMac)
    return refusedBefore(
      policyId,
      'seal',
      'no data directory key',
      'a data directory key',
      'This Vigil has no data directory key to seal a policy approval with.',
    );
  if (!queue.options.policyApprover)
    return refusedBefore(
      policyId,
      'policy',
      policyId,
      'a policy approver',
      'This Vigil evaluates no policies.',
    );
  return queue.options.policyApprover(policyId, tx);
}

/**
 * Puts a new proposal to the policy it was proposed under. Under its lane's lock, as a person's
 * approval is, so budgets and rates count every earlier approval of that signer and chain.
 */
export async function approveUnderPolicy(
  queue: QueueContext,
  proposed: Transaction,
): Promise<Transaction> {
  const policyId = proposed.executeUnder;
  if (policyId === undefined || proposed.status !== 'proposed' || proposed.safe) return proposed;
  let approved = false;
  const result = await queue.nonces.withLane(proposed.chainId, proposed.from, async () => {
    let tx = queue.requireTx(proposed.id);
    if (tx.status !== 'proposed' || tx.policyDecision) return tx;
    // Another approval may have taken the nonce it was simulated at: plan it at the lane's next.
    if (
      tx.simulation &&
      tx.simulation.nonce !== (await queue.nonces.nextNonce(tx.chainId, tx.from))
    )
      tx = await simulate(queue, tx, SYSTEM_ACTOR);
    const decision = decide(queue, policyId, tx);
    const actor = policyActor(policyId);
    if (!decision.approved || !tx.simulation) {
      const stoppedBy = decision.stoppedBy;
      return queue.save(
        { ...tx, policyDecision: decision },
        {
          status: 'proposed',
          note: `policy ${policyId} left it for a person: ${stoppedBy?.reason ?? 'not simulated'}`,
          audit: auditActions.policyRefused,
          actor,
          details: { policyId, stoppedBy },
        },
      );
    }
    const shown = tx.simulation;
    const digest = signingDigest(tx, shown, false);
    const sealed: Transaction = {
      ...tx,
      approvals: [],
      approvalDigest: digest,
      policyDecision: decision,
    };
    const approvalMac = queue.options.approvalMac!.sign(
      APPROVAL_DOMAIN,
      approvalRecordText(sealed),
    );
    approved = true;
    return queue.transition(sealed, 'approved', {
      audit: auditActions.txApproved,
      actor,
      note: `approved by policy ${policyId}`,
      patch: {
        nonce: shown.nonce,
        gasLimit: shown.gasLimit,
        fees: shown.fees,
        overrideRevert: false,
        approvalMac,
      },
      details: {
        ...approvedDetails(tx, shown, digest),
        approvedByPolicy: policyId,
        checks: decision.checks,
      },
    });
  });
  if (!approved) return result;
  queue.options.crashPoint?.('tx.approved');
  replanLane(queue, result);
  return signAndSend(queue, result);
}
