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
