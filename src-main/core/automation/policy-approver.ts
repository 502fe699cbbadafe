// Policies at work: what they approved before (read from the transactions they approved, so
// nothing is counted twice nor kept twice), the queue's policy approver built over it, and each
// policy's budget and rate used, for automation.status.
import type { AutomationStatus, PolicyDecision, Transaction } from '../../ipc/contract.ts';
import type { Store } from '../store/index.ts';
import {
  DAY_MS,
  evaluatePolicy,
  HOUR_MS,
  type PolicyProposal,
  type PolicyUsage,
  type PolicyUsageRecord,
} from './evaluate-policy.ts';

/** The highest fee per gas a plan can pay (its max fee per gas, or its gas price when legacy). */
function feeCapOf(tx: Transaction): bigint {
  const fees = tx.simulation?.fees ?? tx.fees;
  if (!fees) return 0n;
  return BigInt(fees.type === 'eip1559' ? fees.maxFeePerGas : fees.gasPrice);
}

/** What policies approved in the last 24 hours, each counted at its approval. */
export function approvedByPolicies(store: Store, now: number): PolicyUsageRecord[] {
  return store.listPolicyDecided({ approvedOnly: true, since: now - DAY_MS }).map((tx) => ({
    policyId: tx.policyDecision!.policyId,
    chainId: tx.chainId,
    signer: tx.from,
    at: tx.policyDecision!.at,
    value: BigInt(tx.value),
    maxFeeCost: BigInt(tx.gasLimit ?? tx.simulation?.gasLimit ?? '0') * feeCapOf(tx),
  }));
}

export function policyUsage(store: Store, now: number): PolicyUsage {
  return {
    paused: store.automation.switchState().paused,
    approved: approvedByPolicies(store, now),
  };
}

/** A proposal as the policy sees it: simulated, at the fees and gas limit approving would sign. */
export function policyProposal(tx: Transaction): PolicyProposal {
  return {
    chainId: tx.chainId,
    from: tx.from,
    to: tx.to,
    value: BigInt(tx.value),
    data: tx.data as PolicyProposal['data'],
    maxFeePerGas: feeCapOf(tx),
    gasLimit: BigInt(tx.simulation?.gasLimit ?? '0'),
    simulation: tx.simulation
      ? { success: tx.simulation.success, revertReason: tx.simulation.revertReason }
      : null,
  };
}

/** The queue's policy approver: the stored policy evaluated against what policies approved before. */
export function createPolicyApprover(store: Store, now: () => number = Date.now) {
  return (policyId: string, tx: Transaction): PolicyDecision => {
    const at = now();
    const policy = store.automation.findPolicy(policyId);
    if (!policy)
      return {
        policyId,
        at,
        approved: false,
        checks: [],
        stoppedBy: {
          limit: 'policy',
          value: policyId,
          allowed: 'a saved policy',
          reason: `No automation policy has id ${policyId}; it was removed.`,
        },
      };
    const verdict = evaluatePolicy(policyProposal(tx), policy, policyUsage(store, at), at);
    return verdict.approved
      ? { policyId, at, approved: true, checks: verdict.checks }
      : { policyId, at, approved: false, checks: [], stoppedBy: verdict.stoppedBy };
  };
}

/** What each enabled policy has used of its signer's daily budget and of its hourly rate. */
export function policyBudgets(store: Store, now: number): AutomationStatus['budgets'] {
  const approved = approvedByPolicies(store, now);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return store.automation
    .listPolicies()
    .filter((policy) => policy.enabled)
    .map((policy) => ({
      policyId: policy.id,
      chainId: policy.chainId,
      signer: policy.signer,
      usedToday: approved
        .filter((record) => record.chainId === policy.chainId && same(record.signer, policy.signer))
        .reduce((sum, record) => sum + record.value + record.maxFeeCost, 0n)
        .toString(),
      dailyBudget: policy.dailyBudget,
      approvedLastHour: approved.filter(
        (record) => record.policyId === policy.id && record.at > now - HOUR_MS,
      ).length,
      maxPerHour: policy.maxPerHour,
    }));
}
