// Keys of different data directories (profiles) must not meet in the one keychain service: each
// directory has its own namespace, chosen once and journaled.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.ts';

const NAMESPACE_KEY = 'keychain_namespace';

export function keychainNamespace(store: Store): string {
  let namespace = store.meta(NAMESPACE_KEY);
  if (!namespace) {
    namespace = randomBytes(8).toString('hex');
    store.execute({ type: 'meta.set', key: NAMESPACE_KEY, value: namespace });
  }
  return namespace;
}
