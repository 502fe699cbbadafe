// ABI parsing and log decoding: the door other capabilities use.
export { parseAbiInput, type ParseAbiInputOptions } from './parse-abi.ts';
export {
  createLogDecoder,
  eventSignaturesOf,
  type DecodedLog,
  type EventSignature,
  type LogDecoder,
  type RawLog,
} from './log-decoder.ts';
export { wireArgs, wireFormatterFor } from './wire-values.ts';
export { checksummedAddress } from './checksum-address.ts';
export {
  decodeFunctionCall,
  encodeFunctionCall,
  findFunction,
  parseWholeNumber,
  type DecodedFunctionCall,
  type EncodedFunctionCall,
  type FunctionCallRequest,
} from './function-call.ts';
