export {
  createRpcPool,
  errorText,
  isExecutionError,
  isRangeTooLargeError,
  type RpcPool,
  type RpcPoolOptions,
} from './rpc-pool.ts';
export { verifyRpcUrls } from './verify-chain.ts';
