// The data directory's integrity: its MAC key, audit head and export key pair in the OS keychain,
// the check of the audit head at start, export signatures, and safe mode.
export {
  dataDirIdentity,
  INTEGRITY_KEYCHAIN_SERVICE,
  isSealed,
  openDataDirSecrets,
  SEALED_MARKER_FILE,
  type AuditHead,
  type DataDirSecrets,
  type ExportKeyPair,
} from './data-dir-secrets.ts';
export { checkAuditHead, createAuditHeadKeeper, type AuditHeadKeeper } from './audit-head.ts';
export { publicKeyFingerprint, signExport, verifyExportSignature } from './export-signature.ts';
export { createRecordMac } from './record-mac.ts';
export { createSafeMode, type SafeModeControl } from './safe-mode.ts';
