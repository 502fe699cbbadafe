export {
  createRpcPool,
  errorText,
  isRangeTooLargeError,
  type RpcPool,
  type RpcPoolOptions,
} from './rpc-pool.ts';
export { verifyRpcUrls } from './verify-chain.ts';
