export {
  createChainWatcher,
  type ChainWatcher,
  type ChainWatcherDependencies,
  type ReorgCrashPoint,
} from './chain-watcher.ts';
export { createRangeSizer, hintedRangeSize, type RangeSizer } from './range-sizer.ts';
export {
  compareRange,
  reconcileRange,
  repairRange,
  type ReconcileDependencies,
} from './reconcile.ts';
export type { ContractDecoders, RawLog, WatchedContractDecoder } from './log-rows.ts';
