// Signer keys: the OS keychain behind a small interface, what counts as a private key, and the
// signer service with its vault (the one way to sign with a stored key).
export { createOsKeychain, keychainError, KEYCHAIN_SERVICE, type Keychain } from './keychain.ts';
export {
  answerKeychainRequest,
  keychainOverChannel,
  type KeychainAnswer,
  type KeychainRequest,
} from './keychain-channel.ts';
export { parsePrivateKey } from './private-key.ts';
export { displayUrl, loadUrlSecrets, type UrlSecrets } from './url-secrets.ts';
export { createExplorerKeys, type ExplorerKeys, type ExplorerService } from './explorer-keys.ts';
export { createSecretRefs, isSecretRef, type SecretRefs } from './secret-refs.ts';
export { decryptKeystore, encryptKeystore, isKeystoreFileName, type Keystore } from './keystore.ts';
export {
  createSignerService,
  type SignerVault,
  type SignerServiceOptions,
} from './signer-service.ts';
