// How alert rules are written: the condition language and the id a rule's name gives. Pure and
// free of other rooms, so the workspace parser can check rules without importing the alert
// room (whose services plug into the engine, which reads workspaces).
export {
  ConditionSyntaxError,
  isConditionKeyword,
  parseCondition,
  positionOf,
  type ComparisonSpans,
  type ParsedCondition,
  type Span,
} from './parse-condition.ts';
export { ruleSlug } from './rule-slug.ts';
