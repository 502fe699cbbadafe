// The audit log's door: the entry and its hash chain (from the audit-chain leaf room), the
// canonical encoding, the verifier, the export formats and the engine service. The store writes entries through the journal (see
// store/audit-log.ts).
export {
  auditActions,
  auditEntryHash,
  canonicalJson,
  chainAuditEntry,
  GENESIS_HASH,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditDraft,
  type AuditEntry,
} from '../audit-chain/index.ts';
export {
  createAuditVerifier,
  type AuditBreakKind,
  type AuditVerification,
  type AuditVerifier,
  type AuditVerifierOptions,
} from './verify-entries.ts';
export { createAuditService, type ExportSigner } from './audit-service.ts';
export {
  checkLiveLogAtStart,
  readAuditCheckpoint,
  verifyStoredLog,
  verifyWholeLog,
  type AuditCheckpoint,
  type AuditStartCheck,
} from './stored-log-check.ts';
export {
  auditExportFileName,
  checkExportPath,
  exportPathFromClientError,
  exportPathFromWebError,
  exportsDirOf,
  fileStamp,
  isAuditExportFileName,
} from './export-path.ts';
export { describeExportCheck, verifyAuditExport, verifyAuditExportFile } from './verify-export.ts';
export { writeAuditExport, type AuditExportSummary } from './write-export.ts';
