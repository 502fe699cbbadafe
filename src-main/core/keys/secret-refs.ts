// Webhook secrets in the OS keychain. A rule stores `keychain:<id>:<last four>` where the secret
// was: the journal, the snapshot, deliveries and exports hold the reference, and the secret is read
// from the keychain when a webhook is signed. A rule saved before this kept its secret inline;
// such a value is still used as it is.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.ts';
import type { Keychain } from '../keychain/index.ts';
import { keychainNamespace } from './namespace.ts';

const REFERENCE = /^keychain:([0-9a-f]{16}):/;

export interface SecretRefs {
  /** Stores a secret in the keychain; the reference to keep instead. */
  put(secret: string): Promise<string>;
  /** The secret behind a reference (a value that is not one is returned as it is). */
  reveal(value: string): Promise<string>;
}

export const isSecretRef = (value: string): boolean => REFERENCE.test(value);

export function createSecretRefs(store: Store, keychain: Keychain): SecretRefs {
  const account = (id: string): string => `${keychainNamespace(store)}:secret:${id}`;
  return {
    async put(secret) {
      const id = randomBytes(8).toString('hex');
      await keychain.set(account(id), secret);
      return `keychain:${id}:${secret.slice(-4)}`;
    },
    async reveal(value) {
      const id = REFERENCE.exec(value)?.[1];
      if (!id) return value;
      const secret = await keychain.get(account(id));
      if (secret === null) throw new Error('its secret is missing from the OS keychain');
      return secret;
    },
  };
}
