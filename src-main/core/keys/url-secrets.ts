// RPC URLs whose API keys live in the OS keychain. A URL with a key in it (Infura `/v3/<key>`,
// `?apikey=`, `user:pass@`) is kept whole in the keychain; the chain record, and so the journal,
// the snapshot and every view, holds only its redacted form with a reference to that entry
// (`https://mainnet.infura.io/v3/***#vigil-secret=<id>`). The keys are read once at start, so a
// chain's RPC pool can be built without waiting on the keychain.
import { randomBytes } from 'node:crypto';
import { redactUrl } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import type { Keychain } from '../keychain/index.ts';
import { keychainNamespace } from './namespace.ts';

const REFERENCE = /#vigil-secret=([0-9a-f]{16})$/;

export interface UrlSecrets {
  /** The form to store: the URL itself when it holds no key, else its redacted, referenced form. */
  protect(url: string): Promise<string>;
  /** The URL to connect to: a stored form with its key put back from the keychain. */
  reveal(stored: string): string;
}

/** A stored URL as views, logs, the audit log and exports may show it. */
export const displayUrl = (stored: string): string => redactUrl(stored.replace(REFERENCE, ''));

/** Reads the keys of every stored RPC URL from the keychain (once, at start). */
export async function loadUrlSecrets(store: Store, keychain: Keychain): Promise<UrlSecrets> {
  const namespace = keychainNamespace(store);
  const account = (id: string): string => `${namespace}:url:${id}`;
  const known = new Map<string, string>();
  const unreadable = new Map<string, string>();
  for (const chain of store.listChains())
    for (const url of chain.rpcUrls) {
      const id = REFERENCE.exec(url)?.[1];
      if (!id || known.has(id)) continue;
      try {
        const real = await keychain.get(account(id));
        if (real) known.set(id, real);
      } catch (error) {
        unreadable.set(id, (error as Error).message);
      }
    }
  return {
    async protect(url) {
      if (REFERENCE.test(url)) return url;
      const shown = redactUrl(url);
      if (shown === url) return url;
      for (const [id, real] of known) if (real === url) return `${shown}#vigil-secret=${id}`;
      const id = randomBytes(8).toString('hex');
      await keychain.set(account(id), url);
      known.set(id, url);
      return `${shown}#vigil-secret=${id}`;
    },
    reveal(stored) {
      const id = REFERENCE.exec(stored)?.[1];
      if (!id) return stored;
      const real = known.get(id);
      if (real) return real;
      throw new VigilError(
        'KEYCHAIN_UNAVAILABLE',
        `The key of RPC URL ${displayUrl(stored)} could not be read from the OS keychain (${unreadable.get(id) ?? 'its entry is missing'}); unlock the keychain and restart, or give the URL again under Chains.`,
      );
    },
  };
}
