// The automation requests: policies listed, saved (checked in full first), removed, enabled and
// disabled, and the switch paused and resumed. Which of these need a person is decided by the
// gate (approvals/gated-requests.ts) before a handler runs; every change is audited here.
import type { AutomationPolicy, AutomationStatus } from '../../ipc/contract.ts';
import { auditActions, type AuditDraft } from '../audit-chain/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { checkPolicyOnSave } from './check-policy.ts';
import { policyBudgets } from './policy-approver.ts';
import { policyTerms, policyWidening } from './widening.ts';
import { policiesSection } from './workspace-policies.ts';

export interface AutomationServiceOptions {
  now?: () => number;
}

const policySubject = (id: string): string => `policy:${id}`;

export function requirePolicy(store: Store, id: string): AutomationPolicy {
  const policy = store.automation.findPolicy(id);
  if (!policy)
    throw new VigilError('NOT_FOUND', `No automation policy has id ${id}.`, { field: 'id' });
  return policy;
}

/** The policy `input` would save: checked against the store as it is now. */
export function policyToSave(
  store: Store,
  input: Parameters<typeof checkPolicyOnSave>[0],
  now: number,
): { policy: AutomationPolicy; existing: AutomationPolicy | undefined } {
  const checked = checkPolicyOnSave(input, {
    findChain: (chainId) => store.findChain(chainId),
    findContract: (id) => store.findContract(id),
    findSigner: (address) => store.findSigner(address),
    now,
  });
  const existing = store.automation.findPolicy(checked.id);
  return {
    policy: existing ? { ...checked, createdAt: existing.createdAt } : checked,
    existing,
  };
}

export function createAutomationService(
  context: ServiceContext,
  options: AutomationServiceOptions = {},
): EngineService {
  const { store, actor } = context;
  const now = options.now ?? Date.now;

  function status(): AutomationStatus {
    const policies = store.automation.listPolicies();
    return {
      ...store.automation.switchState(),
      policies: policies.length,
      enabledPolicies: policies.filter((policy) => policy.enabled).length,
      budgets: policyBudgets(store, now()),
    };
  }

  return {
    workspace: policiesSection(store, actor, now),
    prechecks: {
      // Nobody is asked to approve a policy that would be refused.
      'automation.policies.save': (input) => void policyToSave(store, input, now()),
      'automation.policies.setEnabled': (input) => void requirePolicy(store, input.id),
    },
    handlers: {
      'automation.policies.list': () => ({ policies: store.automation.listPolicies() }),
      'automation.policies.save'(input, call) {
        const { policy, existing } = policyToSave(store, input, now());
        const approvedBy = call?.approvedBy ? { approvedBy: call.approvedBy } : {};
        const audit: AuditDraft[] = [
          existing
            ? {
                actor,
                action: auditActions.policyChanged,
                subject: policySubject(policy.id),
                details: {
                  before: policyTerms(existing),
                  after: policyTerms(policy),
                  widened: policyWidening(policyTerms(existing), policyTerms(policy)),
                  ...approvedBy,
                },
              }
            : {
                actor,
                action: auditActions.policyCreated,
                subject: policySubject(policy.id),
                details: { policy: policyTerms(policy), ...approvedBy },
              },
        ];
        if (existing && existing.enabled !== policy.enabled)
          audit.push({
            actor,
            action: policy.enabled ? auditActions.policyEnabled : auditActions.policyDisabled,
            subject: policySubject(policy.id),
            details: approvedBy,
          });
        store.execute({ type: 'automation.policy.save', policy }, audit);
        return requirePolicy(store, policy.id);
      },
      'automation.policies.remove'(input) {
        const policy = requirePolicy(store, input.id);
        store.execute({ type: 'automation.policy.remove', id: policy.id }, [
          {
            actor,
            action: auditActions.policyRemoved,
            subject: policySubject(policy.id),
            details: { policy: policyTerms(policy) },
          },
        ]);
        return { removed: true as const };
      },
      'automation.policies.setEnabled'(input, call) {
        const policy = requirePolicy(store, input.id);
        if (policy.enabled === input.enabled) return policy;
        store.execute(
          { type: 'automation.policy.enabled', id: policy.id, enabled: input.enabled },
          [
            {
              actor,
              action: input.enabled ? auditActions.policyEnabled : auditActions.policyDisabled,
              subject: policySubject(policy.id),
              details: call?.approvedBy ? { approvedBy: call.approvedBy } : {},
            },
          ],
        );
        return requirePolicy(store, policy.id);
      },
      'automation.pause'(input) {
        if (store.automation.switchState().paused) return status();
        const reason = input.reason ?? null;
        store.execute({ type: 'automation.switch', paused: true, by: actor, reason }, [
          {
            actor,
            action: auditActions.automationPaused,
            subject: 'automation',
            details: { reason },
          },
        ]);
        return status();
      },
      'automation.resume'(_input, call) {
        if (!store.automation.switchState().paused) return status();
        store.execute({ type: 'automation.switch', paused: false, by: actor, reason: null }, [
          {
            actor,
            action: auditActions.automationResumed,
            subject: 'automation',
            details: call?.approvedBy ? { approvedBy: call.approvedBy } : {},
          },
        ]);
        return status();
      },
      'automation.status': () => status(),
      'automation.decisions.list': (input) => ({
        decisions: store
          .listPolicyDecided({
            ...(input?.policyId === undefined ? {} : { policyId: input.policyId }),
            limit: input?.limit ?? 100,
          })
          .map((tx) => ({ ...tx.policyDecision!, txId: tx.id })),
      }),
    },
  };
}
