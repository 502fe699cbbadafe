// Block explorers' API keys (Etherscan's) in the OS keychain, under the data directory's
// namespace like every other secret. Nothing is written to the store: whether a key is set is
// asked of the keychain, so the key and any part of it stay out of the journal and snapshots.
import type { Store } from '../store/index.ts';
import type { Keychain } from '../keychain/index.ts';
import { keychainNamespace } from './namespace.ts';

export type ExplorerService = 'etherscan';

export interface ExplorerKeys {
  /** Stores the key, or removes it with null. */
  set(service: ExplorerService, apiKey: string | null): Promise<void>;
  get(service: ExplorerService): Promise<string | null>;
}

export function createExplorerKeys(store: Store, keychain: Keychain): ExplorerKeys {
  const account = (service: ExplorerService): string =>
    `${keychainNamespace(store)}:explorer:${service}`;
  return {
    async set(service, apiKey) {
      if (apiKey === null) await keychain.remove(account(service));
      else await keychain.set(account(service), apiKey);
    },
    get: (service) => keychain.get(account(service)),
  };
}
