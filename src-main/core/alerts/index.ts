// Alert rules and notifications: the door other capabilities use.
export {
  ConditionSyntaxError,
  parseCondition,
  positionOf,
  ruleSlug,
  type ParsedCondition,
} from '../rule-syntax/index.ts';
export { formatCondition, normalizeCondition } from './format-condition.ts';
export {
  compileCondition,
  type CompiledCondition,
  type ConditionSubject,
  type TransactionFields,
} from './compile-condition.ts';
export {
  conditionError,
  resolveEvent,
  reviewCondition,
  type ConditionReview,
  type ResolvedEvent,
} from './event-condition.ts';
export { functionFields } from './condition-fields.ts';
export { createAlertService, type AlertServiceOptions } from './alert-service.ts';
export { checkRuleProposal, type ProposalQueue } from './rule-proposals.ts';
export { createTransactionFetcher, type TransactionFetcher } from './transaction-fetcher.ts';
export { verifyWebhookSignature, webhookHeaderNames, webhookSignature } from './webhook.ts';
