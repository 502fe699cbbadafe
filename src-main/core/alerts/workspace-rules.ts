// Rules in the workspace file (config as code): read on import, where a rule whose id exists is
// left as it is (as with chains and contracts), and written on export with their conditions as
// text and webhook secrets left out (a secretEnv names where the secret comes from).
import type { AuditDraft } from '../audit/index.ts';
import type { WorkspaceSection } from '../engine/service.ts';
import type { OperatorCommand, Store, StoredRule } from '../store/index.ts';
import { withoutSecret } from './rule-definition.ts';
import type { RuleDefinition, ValidRuleInput } from './rule-shapes.ts';
import { ruleSlug } from '../rule-syntax/index.ts';

type PendingContract = { id: string; chainId: number; name: string; abi: unknown[] };

export interface WorkspaceRulesDependencies {
  store: Store;
  /** A new rule from the file, checked as a save would check it; `field` prefixes its errors. */
  prepare(
    id: string,
    input: ValidRuleInput,
    field: string,
    pendingContracts: readonly PendingContract[],
    pending: {
      chains: readonly number[];
      signers: readonly string[];
      secretValues: Readonly<Record<string, string>>;
    },
  ): Promise<StoredRule>;
  ruleAudit(before: StoredRule | undefined, after: StoredRule): AuditDraft[];
  /** Called once an import that added rules is saved. */
  applied(): void;
}

export function workspaceRules(deps: WorkspaceRulesDependencies): WorkspaceSection {
  return {
    async prepare(workspace, pending) {
      const commands: OperatorCommand[] = [];
      const audit: AuditDraft[] = [];
      let unchanged = 0;
      for (const [index, input] of workspace.rules.entries()) {
        // The reader refused two rules with one id; without an id, the name's slug is the id.
        const id = input.id ?? ruleSlug(input.name);
        if (deps.store.alerts.findRule(id)) {
          unchanged++;
          continue;
        }
        // A rule that sends under a policy on its own arrives off, as policies and schedules do:
        // turning it on is a person's approval (alerts.rules.setEnabled), never the file's.
        const checked =
          input.propose?.execute && input.enabled ? { ...input, enabled: false } : input;
        const rule = await deps.prepare(id, checked, `rules[${index}].`, pending.contracts, {
          chains: pending.chains,
          signers: pending.signers ?? [],
          secretValues: pending.secretValues ?? {},
        });
        commands.push({ type: 'alert.rule.save', rule });
        audit.push(...deps.ruleAudit(undefined, rule));
      }
      return {
        commands,
        audit,
        summary: { rulesAdded: commands.length, rulesUnchanged: unchanged },
        applied: () => {
          if (commands.length > 0) deps.applied();
        },
      };
    },
    export: () => ({ rules: deps.store.alerts.listRules().map(workspaceRule) }),
  };
}

/** A stored rule as the workspace file writes it. */
export function workspaceRule(rule: StoredRule): Record<string, unknown> {
  const { kind, severity, cooldownSeconds, channels, ...settings } =
    rule.definition as RuleDefinition;
  return {
    id: rule.id,
    name: rule.name,
    kind,
    severity,
    enabled: rule.enabled,
    ...settings,
    cooldownSeconds,
    channels: channels.map(withoutSecret),
  };
}
