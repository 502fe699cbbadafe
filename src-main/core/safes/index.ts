// Safes: multisig accounts read from the chain, and the Safe transaction hash their owners sign.
export { readSafe, GUARD_STORAGE_SLOT, FALLBACK_HANDLER_STORAGE_SLOT } from './read-safe.ts';
export type { SafeState } from './read-safe.ts';
export type { RpcRequest } from '../tokens/index.ts';
export { safeTransactionHash, SAFE_TX_TYPES } from './safe-tx-hash.ts';
export type {
  SafeOperation,
  SafeTransaction,
  SafeTransactionHashParameters,
} from './safe-tx-hash.ts';
export {
  SAFE_CONFIG_EVENTS_ABI,
  SAFE_READ_ABI,
  SAFE_WATCH_ABI,
  SENTINEL_ADDRESS,
} from './safe-abi.ts';
export { safeConfigChanges, toSnapshot } from './safe-changes.ts';
export type { SafeConfigChanges, SafeConfigField, SafeStateSnapshot } from './safe-changes.ts';
