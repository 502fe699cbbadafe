// Tokens: how a contract's amounts read (decimals and symbol), read from the chain once.
export {
  decodeDecimals,
  decodeSymbol,
  isContractAnswer,
  readTokenDisplay,
  type RpcRequest,
} from './read-token-display.ts';
