// Which automation requests only a person may make: creating or widening a policy, enabling one,
// and resuming the switch. Given to the engine beside the approvals room's own describers, so
// the approvals room does not depend on this one (this room depends on alerts, whose rules
// propose transactions, whose queue needs approvals: a cycle otherwise).
import type { AutomationPolicy } from '../../ipc/contract.ts';
import { nativeWithWei, subject as gateSubject, type GateDescribers } from '../approvals/index.ts';
import { policyToSave, requirePolicy } from './automation-service.ts';
import { policyTerms, policyWidening } from './widening.ts';

function policySummary(policy: AutomationPolicy): string[] {
  return [
    `Policy “${policy.name}” (${policy.id}) may send from ${policy.signer} on chain ${policy.chainId} without a person`,
    ...policy.targets.flatMap((target) =>
      target.functions.map(
        (fn) =>
          `To ${target.address} (${target.contractName}): ${fn.signature}${fn.condition ? ` when ${fn.condition}` : ''}`,
      ),
    ),
    `At most ${nativeWithWei(policy.maxValuePerTx, policy.chainId)} per transaction, ${policy.maxFeePerGas} wei per gas`,
    `At most ${nativeWithWei(policy.dailyBudget, policy.chainId)} in 24 hours (value and fees), ${policy.maxPerHour} transaction(s) per hour`,
  ];
}

export const automationGateDescribers: GateDescribers = {
  'automation.policies.save'(input, store) {
    // Creating, or letting a policy approve more than it did: a person decides, as for a transaction.
    const { policy, existing } = policyToSave(store, input, 0);
    const widened = policyWidening(existing && policyTerms(existing), policyTerms(policy));
    if (widened.length === 0) return null;
    return gateSubject('automation.policies.save', policyTerms(policy), [
      ...widened,
      ...policySummary(policy),
      policy.enabled ? 'Enabled: it approves on its own from now on' : 'Saved disabled',
    ]);
  },
  'automation.policies.setEnabled'(input, store) {
    if (!input.enabled) return null;
    const policy = requirePolicy(store, input.id);
    if (policy.enabled) return null;
    return gateSubject('automation.policies.enable', policyTerms(policy), [
      `Enable policy ${policy.id}: it approves on its own from now on`,
      ...policySummary(policy),
    ]);
  },
  'automation.resume'(_input, store) {
    // Resuming turns automatic signing back on for every enabled policy at once.
    const state = store.automation.switchState();
    if (!state.paused) return null;
    const enabled = store.automation.listPolicies().filter((policy) => policy.enabled);
    return gateSubject('automation.resume', { pausedAt: state.changedAt }, [
      'Resume automation: enabled policies approve and send without a person again',
      ...(enabled.length
        ? enabled.map(
            (policy) =>
              `Policy “${policy.name}” (${policy.id}) from ${policy.signer} on chain ${policy.chainId}`,
          )
        : ['No policy is enabled now']),
    ]);
  },
};
