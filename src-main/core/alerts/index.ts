// Alert rules and notifications: the door other capabilities use.
export { parseCondition, positionOf, type ParsedCondition } from './parse-condition.ts';
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
