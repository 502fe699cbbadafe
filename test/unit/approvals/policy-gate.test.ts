// Which automation requests need a person and what they are shown: creating, widening and enabling
// a policy and resuming the switch do, with every term listed and a digest bound to the terms (and
// to the pause being lifted); narrowing, disabling and resuming a running switch do not.
import { describe, expect, it } from 'vitest';
import type { AutomationPolicy, PolicyInput } from '../../../src-main/ipc/contract.ts';
import { describeGatedRequest as describeWithout } from '../../../src-main/core/approvals/index.ts';
import { automationGateDescribers } from '../../../src-main/core/automation/index.ts';
import { checkPolicyOnSave } from '../../../src-main/core/automation/index.ts';
import type { AutomationSwitchRecord, Store } from '../../../src-main/core/store/index.ts';
import { policyContext, policyInput, TARGET } from '../automation/policy-fixtures.ts';

/** As the engine asks: the approvals room's describers and automation's. */
const describeGatedRequest: typeof describeWithout = (name, input, store) =>
  describeWithout(name, input, store, {}, automationGateDescribers);

function storeWith(
  stored: AutomationPolicy[],
  switchState: AutomationSwitchRecord = {
    paused: false,
    changedAt: null,
    changedBy: null,
    reason: null,
  },
): Store {
  const context = policyContext();
  return {
    findChain: context.findChain,
    findContract: context.findContract,
    findSigner: context.findSigner,
    automation: {
      findPolicy: (id: string) => stored.find((policy) => policy.id === id),
      listPolicies: () => stored,
      switchState: () => switchState,
    },
  } as unknown as Store;
}

const saved = (input: Partial<PolicyInput> = {}) =>
  checkPolicyOnSave(policyInput({ enabled: false, ...input }), policyContext({ now: 5 }));
const save = (store: Store, input: Partial<PolicyInput> = {}) =>
  describeGatedRequest(
    'automation.policies.save',
    policyInput({ enabled: false, ...input }),
    store,
  );

describe('the person gate for automation', () => {
  it('asks a person to create a policy, showing every term', () => {
    const subject = save(storeWith([]))!;
    expect(subject.action).toBe('automation.policies.save');
    expect(subject.summary).toEqual([
      'Create policy keeper',
      expect.stringContaining(
        'may send from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 on chain 31337',
      ),
      `To ${TARGET} (Vault): pause()`,
      `To ${TARGET} (Vault): transfer(address,uint256) when amount <= 1000`,
      expect.stringMatching(/^At most .*100 wei.* per transaction, 50 wei per gas$/),
      expect.stringMatching(
        /1000000 wei.* in 24 hours \(value and fees\), 2 transaction\(s\) per hour$/,
      ),
      'Saved disabled',
    ]);
    // The approval is for these terms: other limits are another digest.
    expect(save(storeWith([]), { maxValuePerTx: '99' })!.digest).not.toBe(subject.digest);
  });

  it('asks for widening, not for narrowing or saving the same terms again', () => {
    const store = storeWith([saved()]);
    expect(save(store)).toBeNull();
    expect(save(store, { maxValuePerTx: '1', maxPerHour: 1 })).toBeNull();
    expect(save(store, { maxPerHour: 3 })!.summary[0]).toBe('maxPerHour raised from 2 to 3');
    expect(save(store, { enabled: true })!.summary[0]).toBe('Enable policy keeper');
  });

  it('asks to enable a disabled policy, not to disable one or to enable it again', () => {
    const enable = (store: Store, enabled: boolean) =>
      describeGatedRequest('automation.policies.setEnabled', { id: 'keeper', enabled }, store);
    expect(enable(storeWith([saved()]), true)!.summary[0]).toBe(
      'Enable policy keeper: it approves on its own from now on',
    );
    expect(enable(storeWith([saved()]), false)).toBeNull();
    expect(enable(storeWith([saved({ enabled: true })]), true)).toBeNull();
  });

  it('asks to resume a paused switch, bound to that pause', () => {
    const paused = (changedAt: number): AutomationSwitchRecord => ({
      paused: true,
      changedAt,
      changedBy: 'alice',
      reason: null,
    });
    const resume = (store: Store) => describeGatedRequest('automation.resume', {}, store);
    expect(resume(storeWith([]))).toBeNull();
    const first = resume(storeWith([saved({ enabled: true })], paused(10)))!;
    expect(first.summary).toEqual([
      'Resume automation: enabled policies approve and send without a person again',
      'Policy “Keeper” (keeper) from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 on chain 31337',
    ]);
    // An approval given to lift one pause does not lift a later one.
    expect(resume(storeWith([saved({ enabled: true })], paused(20)))!.digest).not.toBe(
      first.digest,
    );
  });
});
