// Approval by a person: the gate every request that moves funds or lowers a guard passes, the
// digest of what is approved, enrolled approvers, and the requests that manage them.
export { createApprovalsService } from './approvals-service.ts';
export { distinctApprovers, fillsTakenSlot, isDesktopApproval } from './approver-slots.ts';
export type { Caller } from './caller.ts';
export {
  approvedRecordDigest,
  safeSigningDigest,
  signingDigest,
  type GateSubject,
} from './digest.ts';
export {
  describeGatedRequest,
  isGatedRequest,
  nativeWithWei,
  subject,
  type Describe,
  type GateDescribers,
  shortensRetention,
  type GatePolicy,
} from './gated-requests.ts';
export {
  createDialogGate,
  createWebAuthnGate,
  type ApprovedBy,
  type PersonGate,
} from './person-gate.ts';
