// Which addresses are inward (loopback, private, link-local, metadata), and what a URL reaches.
export {
  hostOf,
  inwardAddressOf,
  isInwardAddress,
  isLiterallyInward,
  resolveWithDns,
  type ResolveHost,
} from './inward.ts';
