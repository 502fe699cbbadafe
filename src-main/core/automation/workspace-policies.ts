// The workspace file's `policies:`. A policy in a file is its terms only; importing never lets a
// policy approve more than a person approved: a new policy starts disabled, a change that widens
// an existing one saves it disabled (its person approved the narrower terms), a narrowing keeps
// its state, and the same terms change nothing. Each is checked in full (chain, keychain signer,
// functions in the watched ABIs, conditions) before anything of the file is applied.
import type { AutomationPolicy, WorkspacePolicy } from '../../ipc/contract.ts';
import { auditActions, type AuditDraft } from '../audit-chain/index.ts';
import type { WorkspaceSection } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { ChainRecord, ContractRecord, OperatorCommand, Store } from '../store/index.ts';
import { checkPolicyOnSave } from './check-policy.ts';
import { policyTerms, policyWidening } from './widening.ts';

const policySubject = (id: string): string => `policy:${id}`;

/** The policy's terms as a workspace file writes them: functions by signature, no state. */
export function policyForFile(policy: AutomationPolicy): WorkspacePolicy {
  return {
    id: policy.id,
    name: policy.name,
    chainId: policy.chainId,
    signer: policy.signer,
    targets: policy.targets.map((target) => ({
      address: target.address,
      functions: target.functions.map((fn) => ({
        function: fn.signature,
        ...(fn.condition === undefined ? {} : { condition: fn.condition }),
      })),
    })),
    maxValuePerTx: policy.maxValuePerTx,
    maxFeePerGas: policy.maxFeePerGas,
    dailyBudget: policy.dailyBudget,
    maxPerHour: policy.maxPerHour,
  };
}

const sameTerms = (a: AutomationPolicy, b: AutomationPolicy): boolean =>
  JSON.stringify({ ...policyTerms(a), enabled: false }) ===
  JSON.stringify({ ...policyTerms(b), enabled: false });

export function policiesSection(store: Store, actor: string, now: () => number): WorkspaceSection {
  return {
    async prepare(file, { contracts, source }) {
      const commands: OperatorCommand[] = [];
      const audit: AuditDraft[] = [];
      let added = 0;
      let changed = 0;
      let unchanged = 0;
      for (const [index, entry] of file.policies.entries()) {
        const field = `policies[${index}].`;
        let checked: AutomationPolicy;
        try {
          checked = checkPolicyOnSave(
            { ...entry, enabled: false },
            {
              // A chain or contract the same import adds counts as configured.
              findChain: (chainId) =>
                store.findChain(chainId) ??
                (contracts.some((contract) => contract.chainId === chainId)
                  ? ({ chainId } as ChainRecord)
                  : undefined),
              findContract: (id) =>
                store.findContract(id) ??
                (contracts.find((contract) => contract.id === id) as ContractRecord | undefined),
              findSigner: (address) => store.findSigner(address),
              existing: store.automation.findPolicy(entry.id ?? ''),
              now: now(),
            },
          );
        } catch (error) {
          if (!(error instanceof VigilError)) throw error;
          throw new VigilError(error.code, `${source}: ${field}${error.message}`, {
            field: `${field}${error.field ?? ''}`.replace(/\.$/, ''),
            ...(error.details ? { details: error.details } : {}),
          });
        }
        const existing = store.automation.findPolicy(checked.id);
        if (existing && sameTerms(existing, checked)) {
          unchanged++;
          continue;
        }
        const subject = policySubject(checked.id);
        const details = { file: source };
        if (!existing) {
          added++;
          commands.push({ type: 'automation.policy.save', policy: checked });
          audit.push({
            actor,
            action: auditActions.policyCreated,
            subject,
            details: { policy: policyTerms(checked), ...details },
          });
          continue;
        }
        changed++;
        const widened = policyWidening(policyTerms(existing), {
          ...policyTerms(checked),
          enabled: existing.enabled,
        });
        // Only a narrowing keeps the state a person gave it.
        const policy = {
          ...checked,
          createdAt: existing.createdAt,
          enabled: existing.enabled && widened.length === 0,
        };
        commands.push({ type: 'automation.policy.save', policy });
        audit.push({
          actor,
          action: auditActions.policyChanged,
          subject,
          details: {
            before: policyTerms(existing),
            after: policyTerms(policy),
            widened,
            ...details,
          },
        });
        if (existing.enabled && !policy.enabled)
          audit.push({
            actor,
            action: auditActions.policyDisabled,
            subject,
            details: {
              reason: 'widened by a workspace file; a person enables it again',
              ...details,
            },
          });
      }
      return {
        commands,
        audit,
        summary: { policiesAdded: added, policiesChanged: changed, policiesUnchanged: unchanged },
        applied() {},
      };
    },
    export: () => ({
      policies: store.automation
        .listPolicies()
        .map((policy) => policyForFile(policy) as unknown as Record<string, unknown>),
    }),
  };
}
