// The OS keychain behind a small interface, and the channel an engine thread reaches it through
// (keytar lives in the thread that starts engines). A room of its own, apart from keys, so that
// thread can answer keychain requests without loading the signer code, the audit log and viem.
export { createOsKeychain, keychainError, KEYCHAIN_SERVICE, type Keychain } from './keychain.ts';
export {
  answerKeychainRequest,
  keychainOverChannel,
  type KeychainAnswer,
  type KeychainRequest,
} from './keychain-channel.ts';
