// Safes: multisig accounts read from the chain, and the Safe transaction hash their owners sign.
export { readSafe, GUARD_STORAGE_SLOT, FALLBACK_HANDLER_STORAGE_SLOT } from './read-safe.ts';
export type { SafeState } from './read-safe.ts';
export type { RpcRequest } from '../tokens/index.ts';
export {
  fromWireSafeTransaction,
  safeTransactionHash,
  SAFE_TX_TYPES,
  toWireSafeTransaction,
} from './safe-tx-hash.ts';
export type {
  SafeOperation,
  SafeTransaction,
  SafeTransactionHashParameters,
  WireSafeTransaction,
} from './safe-tx-hash.ts';
export {
  SAFE_CONFIG_EVENTS_ABI,
  SAFE_READ_ABI,
  SAFE_WATCH_ABI,
  SENTINEL_ADDRESS,
} from './safe-abi.ts';
export { safeConfigChanges, toSnapshot } from './safe-changes.ts';
export type { SafeConfigChanges, SafeConfigField, SafeStateSnapshot } from './safe-changes.ts';
export {
  decodeMultiSend,
  encodeMultiSend,
  MULTISEND_ABI,
  MULTISEND_CALL_ONLY_141,
} from './multisend.ts';
export type { MultiSendCall } from './multisend.ts';
export {
  APPROVED_HASHES_ABI,
  approvedHashSignature,
  checkOwnerSignature,
  encodeSafeSignatures,
  readApprovedHashOwners,
  recoverSafeSignature,
  refused as signatureRefused,
} from './signatures.ts';
export type {
  CheckOwnerSignatureParameters,
  RecoveredSafeSignature,
  SafeSignature,
  SafeSignatureKind,
  SignatureRefusal,
} from './signatures.ts';
export {
  buildSignedProposalFile,
  checkSignedProposalFile,
  parseSignedProposalFile,
  readSignedProposalFile,
  SIGNED_PROPOSAL_FORMAT,
  SIGNED_PROPOSAL_MAX_BYTES,
  SignedProposalFileSchema,
} from './signed-proposal-file.ts';
export type {
  BuildSignedProposalFileParameters,
  CheckedSignedProposalFile,
  CheckSignedProposalFileOptions,
  SignedProposalFile,
} from './signed-proposal-file.ts';
export { readSafeExecutions } from './executions.ts';
export type { SafeExecution } from './executions.ts';
export { createSafeServiceClient } from './safe-service.ts';
export type {
  ProposeToSafeServiceParameters,
  SafeServiceClient,
  SafeServiceClientOptions,
  SafeServiceConfirmation,
  SafeServiceTransaction,
} from './safe-service.ts';
