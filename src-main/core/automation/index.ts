// Automation within limits: policies that say what may be sent without a person, checked when
// saved and evaluated per proposal, and the switch that stops all of it. The door.
export type { AutomationPolicy, AutomationStatus, PolicyInput } from '../../ipc/contract.ts';
export { compileArgumentCondition } from './argument-condition.ts';
export { checkPolicyOnSave, resolveFunction, type PolicyCheckContext } from './check-policy.ts';
export {
  DAY_MS,
  evaluatePolicy,
  HOUR_MS,
  type PolicyCheck,
  type PolicyLimit,
  type PolicyProposal,
  type PolicyUsage,
  type PolicyUsageRecord,
  type PolicyVerdict,
} from './evaluate-policy.ts';
export { policyTerms, policyWidening } from './widening.ts';
export {
  createAutomationService,
  policyToSave,
  requirePolicy,
  type AutomationServiceOptions,
} from './automation-service.ts';
export { automationGateDescribers } from './gate-describers.ts';
export {
  approvedByPolicies,
  createPolicyApprover,
  policyBudgets,
  policyProposal,
} from './policy-approver.ts';
export { policiesSection, policyForFile } from './workspace-policies.ts';
