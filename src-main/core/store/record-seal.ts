// How the store seals what it writes (journal lines, snapshots, the two manifests): with the data
// directory's MAC key when it has one, so a file edited on disk by someone without the key fails
// its check; and what an unsealed record means (a directory from before MACs, adopted once).
import { createHash } from 'node:crypto';
import type { RecordMac } from '../ports/index.ts';

export interface StoreIntegrity {
  mac: RecordMac;
  /**
   * True once, on the first start with a key: records carrying only a plain checksum (written
   * before MACs existed) are accepted and sealed. Otherwise such a record fails its check.
   */
  adopting: boolean;
}

/** A record that failed its MAC: what it was, where its copy is, and what happened to it. */
export interface IntegrityProblem {
  record: 'journal' | 'snapshot' | 'chain-manifest' | 'audit-manifest';
  path: string;
  message: string;
  /** Where the file as found was moved or copied (quarantined). */
  quarantinedTo: string | null;
}

const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** The seal of `data`: its MAC under the key, or its plain SHA-256 when the store has no key. */
export function sealOf(
  integrity: StoreIntegrity | undefined,
  domain: string,
  data: string | Uint8Array,
): string {
  return integrity ? integrity.mac.sign(domain, data) : sha256Hex(data);
}

/**
 * Checks a seal: 'ok' when it is the MAC (or, with no key, the checksum); 'unsealed' when it is
 * only the plain checksum, acceptable while adopting; 'bad' otherwise.
 */
export function checkSeal(
  integrity: StoreIntegrity | undefined,
  domain: string,
  data: string | Uint8Array,
  seal: string,
): 'ok' | 'unsealed' | 'bad' {
  if (integrity && integrity.mac.verify(domain, data, seal)) return 'ok';
  if (sha256Hex(data) === seal) return integrity ? 'unsealed' : 'ok';
  return 'bad';
}

/** Whether a checked seal is trusted under this store's rules. */
export function sealAccepted(
  integrity: StoreIntegrity | undefined,
  verdict: 'ok' | 'unsealed' | 'bad',
): boolean {
  return verdict === 'ok' || (verdict === 'unsealed' && integrity?.adopting === true);
}
