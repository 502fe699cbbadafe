// The rule most alert tests save: an event rule on one watched contract, enabled at once.
import type { AlertRule, RequestInput } from '../../src-main/ipc/contract.ts';
import { saveRule, type Call } from './alerts.ts';

type EventRuleInput = Extract<RequestInput<'alerts.rules.save'>, { kind: 'event' }>;

/** Everything of an event rule but what enabledEventRule fills in. */
export type EventRuleFields = Omit<EventRuleInput, 'kind' | 'contractId' | 'enabled'>;

export function enabledEventRule(contractId: string, fields: EventRuleFields): EventRuleInput {
  return { kind: 'event', contractId, enabled: true, ...fields };
}

export function saveEventRule(
  call: Call,
  contractId: string,
  fields: EventRuleFields,
): Promise<AlertRule> {
  return saveRule(call, enabledEventRule(contractId, fields));
}
