// Signer keys: what counts as a private key, keystores, secrets referred to by name, and the
// signer service with its vault (the one way to sign with a stored key). The OS keychain they
// are kept in is a room of its own (keychain), passed on from here.
export {
  answerKeychainRequest,
  createOsKeychain,
  keychainError,
  keychainOverChannel,
  KEYCHAIN_SERVICE,
  type Keychain,
  type KeychainAnswer,
  type KeychainRequest,
} from '../keychain/index.ts';
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
