export {
  createRpcPool,
  MAX_ANSWER_BYTES,
  type RequestOptions,
  type RpcPool,
  type RpcPoolOptions,
} from './rpc-pool.ts';
export {
  causeChain,
  errorText,
  isExecutionError,
  isFailedInTransit,
  isRangeTooLargeError,
} from './rpc-errors.ts';
export {
  createProviderMonitor,
  type ProviderMonitor,
  type ProviderMonitorDependencies,
} from './provider-monitor.ts';
export { verifyRpcUrls } from './verify-chain.ts';
export { checkRpcDestinations, literallyInwardRpcUrls } from './rpc-destinations.ts';
export {
  defaultConfirmations,
  hasKnownConfirmations,
  headerBloomCoversLogs,
} from './known-chains.ts';
export {
  allChainPresets,
  nativeCurrencyOf,
  searchChainPresets,
  type ChainPreset,
  type SearchChainPresetsParameters,
} from './chain-presets.ts';
export { redactUrl, redactUrlsIn } from './redact-url.ts';
