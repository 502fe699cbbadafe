// Every action the audit log records, one name each, so capabilities, tests and the Audit view
// agree on the spelling. `noun.verb-past`; the subject names what it is about.
export const auditActions = {
  // Watch configuration (subject chain:<id>, contract:<chainId>:<address>, workspace:<file>)
  chainAdded: 'chain.added',
  chainChanged: 'chain.changed',
  chainRemoved: 'chain.removed',
  contractAdded: 'contract.added',
  contractChanged: 'contract.changed',
  contractRemoved: 'contract.removed',
  /** A watched proxy delegates to something else now (a changed slot or facet list). */
  contractUpgraded: 'contract.upgraded',
  workspaceImported: 'workspace.imported',
  /** An explorer's API key was set or removed (subject explorer:<service>; never the key). */
  explorerKeySet: 'explorer.key-set',
  explorerKeyRemoved: 'explorer.key-removed',
  // Signers (subject signer:<address>; never the key)
  signerImported: 'signer.imported',
  signerGenerated: 'signer.generated',
  signerRemoved: 'signer.removed',
  /** An encrypted keystore of the signer's key was written (its file name; never the passphrase). */
  signerBackedUp: 'signer.backed-up',
  /** How many distinct approvers the signer's transactions need changed. */
  signerApprovalsChanged: 'signer.approvals-changed',
  // Safes (subject safe:<chainId>:<address>)
  safeAdded: 'safe.added',
  safeRemoved: 'safe.removed',
  /** The chain shows other owners, threshold, modules, guard or fallback handler; before and after. */
  safeChanged: 'safe.changed',
  // Safe proposals (subject tx:<id>; proposed and simulated are tx.proposed and tx.simulated)
  /** An owner's signature was made here by a keychain owner; details: owner, safeTxHash. */
  safeSigned: 'safe.signed',
  /** An owner's signature came from outside (a file, pasted, approveHash, a service); details say which. */
  safeSignatureImported: 'safe.signature-imported',
  /** Its execTransaction was proposed as a key-account transaction; details: executor, that tx's id. */
  safeExecutionProposed: 'safe.execution-proposed',
  /** Executed on chain (by Vigil or elsewhere); details: transaction hash. */
  safeExecuted: 'safe.executed',
  /** Another proposal used its Safe nonce; details: which and the transaction hash. */
  safeSuperseded: 'safe.superseded',
  /** A proposal and its owners' signatures were written to a signed-proposal file; details: path, owners. */
  safeProposalExported: 'safe.proposal-exported',
  // People who approve (subject approver:<credential id>; the request they approved)
  approverEnrolled: 'approver.enrolled',
  /** A person approved a request only a person may make; details say who, and its digest. */
  approvalGiven: 'approval.given',
  // Transactions (subject tx:<id>)
  txProposed: 'tx.proposed',
  txSimulated: 'tx.simulated',
  txApproved: 'tx.approved',
  txRejected: 'tx.rejected',
  txSigned: 'tx.signed',
  txSent: 'tx.sent',
  txMined: 'tx.mined',
  txConfirmed: 'tx.confirmed',
  txFailed: 'tx.failed',
  txDropped: 'tx.dropped',
  txReplaced: 'tx.replaced',
  txCancelled: 'tx.cancelled',
  txUnmined: 'tx.unmined',
  // Alert rules and firings (subject rule:<id>, firing:<id>)
  ruleCreated: 'rule.created',
  ruleChanged: 'rule.changed',
  ruleEnabled: 'rule.enabled',
  ruleDisabled: 'rule.disabled',
  ruleRemoved: 'rule.removed',
  alertFired: 'alert.fired',
  alertRetracted: 'alert.retracted',
  /** A condition (lag, silence …) cleared; its episode ended. */
  alertResolved: 'alert.resolved',
  /** Matched within the rule's cooldown: recorded, not notified. */
  alertSuppressed: 'alert.suppressed',
  alertDelivered: 'alert.delivered',
  alertAcknowledged: 'alert.acknowledged',
  // Automation (subject policy:<id>, automation)
  /** details: the policy's terms as saved. */
  policyCreated: 'policy.created',
  /** details: the terms before and after, and what widened (approved by a person when any did). */
  policyChanged: 'policy.changed',
  policyRemoved: 'policy.removed',
  policyEnabled: 'policy.enabled',
  policyDisabled: 'policy.disabled',
  /**
   * A proposal executed under a policy that the policy left for a person (subject tx:<id>, actor
   * policy:<id>); details: the limit that stopped it and why. Its approvals are tx.approved.
   */
  policyRefused: 'policy.refused',
  /** The switch: no policy approves anything until resumed; details: reason. */
  automationPaused: 'automation.paused',
  automationResumed: 'automation.resumed',
  // Schedules (subject schedule:<id>); each slot's proposal is its own tx.proposed entry
  /** details: the schedule as saved. */
  scheduleCreated: 'schedule.created',
  /** details: the schedule before and after. */
  scheduleChanged: 'schedule.changed',
  scheduleRemoved: 'schedule.removed',
  scheduleEnabled: 'schedule.enabled',
  scheduleDisabled: 'schedule.disabled',
  // Stored history (subject contract:<id>)
  /** Sealed rows past the contract's retention were deleted; details: rows, segment, blocks. */
  retentionDeleted: 'retention.deleted',
  // The chain and the app (subject chain:<id>, app, audit)
  reorgDetected: 'reorg.detected',
  appStarted: 'app.started',
  appStopped: 'app.stopped',
  exportMade: 'audit.exported',
} as const;

export type AuditAction = (typeof auditActions)[keyof typeof auditActions];
