// The audit log's door: the entry and its hash chain, the canonical encoding, and the verifier.
// The store writes entries through the journal (see store/audit-log.ts).
export {
  auditEntryHash,
  chainAuditEntry,
  GENESIS_HASH,
  SYSTEM_ACTOR,
  type AuditDraft,
  type AuditEntry,
} from './audit-entry.ts';
export { auditActions, type AuditAction } from './actions.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  createAuditVerifier,
  type AuditBreakKind,
  type AuditVerification,
  type AuditVerifier,
  type AuditVerifierOptions,
} from './verify-entries.ts';
export { auditRequestHandlers, verifyStoredLog } from './audit-requests.ts';
