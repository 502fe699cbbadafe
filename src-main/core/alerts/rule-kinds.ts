// Every kind of rule, by name. A kind validates its settings, names the chain that arms it, and
// starts a runner; the service does the rest (rows, transactions, balances and ticks in,
// firings out).
import type { AlertRuleKind } from '../../ipc/contract.ts';
import { balanceRuleKind } from './balance-rule.ts';
import { eventRuleKind } from './event-rule.ts';
import { failedCallRuleKind } from './failed-call-rule.ts';
import { lagRuleKind } from './lag-rule.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import type { RuleKind } from './rule-runner.ts';
import { silenceRuleKind } from './silence-rule.ts';
import { transactionRuleKind } from './transaction-rule.ts';

export type { RuleKindContext } from './rule-runner.ts';

export const ruleKinds: { [K in AlertRuleKind]: RuleKind<Extract<RuleDefinition, { kind: K }>> } = {
  event: eventRuleKind,
  lag: lagRuleKind,
  silence: silenceRuleKind,
  transaction: transactionRuleKind,
  balance: balanceRuleKind,
  'failed-call': failedCallRuleKind,
};
