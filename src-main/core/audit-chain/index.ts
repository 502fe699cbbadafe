// The audit entry, its hash chain and the canonical encoding it is hashed over: pure functions
// with no imports from other rooms, so both the store (which appends entries) and the audit
// room (which verifies and exports them) can use them without importing each other.
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
