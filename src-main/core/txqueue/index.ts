// The transaction queue's door: the service (proposals, simulation, approval by hand, signing,
// sending and tracking) and the pure pieces tests and other capabilities use.
export {
  createTxQueueService,
  type PolicyApprover,
  type ProposeInput,
  type TxCrashPoint,
  type TxQueueOptions,
  type TxQueueService,
} from './tx-queue.ts';
export { replacementFees, REPLACEMENT_BUMP_PERCENT, feeCap } from './fees.ts';
export { simulationChanges } from './simulate.ts';
export { describeRevert } from './revert-reason.ts';
export { TRACKED_STATUSES } from './tx-record.ts';
export { policyActor } from './policy-stage.ts';
export {
  isOwner,
  proposalSafe,
  proposalsAtSafeNonce,
  recordSafeSignature,
  safeReadiness,
  type SafeReadiness,
  type SafeSignatureInput,
} from './safe-signature-record.ts';
export { settleSafeProposal, type SafeSettlement } from './safe-settle.ts';
export { chainSafeNonce } from './safe-simulate.ts';
export {
  multiSendCallOnlyOf,
  proposeSafeTransaction,
  safeTransactionOf,
  type SafeProposalDraft,
} from './safe-propose.ts';
