// The data directory's secrets in the OS keychain, outside the directory itself: the MAC key that
// seals its records, the audit log's head, and the key pair that signs its exports. Each is
// stored under an account named for the directory (a hash of its real path), so two data
// directories never share a key, and a directory copied elsewhere finds none.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordMac } from '../ports/index.ts';
import type { StoreIntegrity } from '../store/index.ts';
import { VigilError } from '../errors/index.ts';
import { createOsKeychain, type Keychain } from '../keys/index.ts';
import { createRecordMac, trustingEverything } from './record-mac.ts';

export const INTEGRITY_KEYCHAIN_SERVICE = 'vigil-integrity';
/** Written once a directory's records carry MACs: from then on, a missing key is noticed. */
export const SEALED_MARKER_FILE = 'integrity.json';

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface ExportKeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM: what an auditor is given. */
  publicKeyPem: string;
}

export interface DataDirSecrets {
  /** The directory's identity in the keychain (a hash of its real path). */
  identity: string;
  mac: RecordMac;
  /**
   * 'kept': the key was in the keychain. 'adopted': none was, and the directory has no MACs yet
   * (new, or from before MACs): one was made. 'lost': none was, but the directory has MACs: its
   * key is gone (keychain reset, directory copied from elsewhere), so nothing can be checked.
   */
  key: 'kept' | 'adopted' | 'lost';
  /** How the store should open: the key, and whether unchecked records are accepted once. */
  storeIntegrity(): StoreIntegrity;
  /** Notes that every record now carries a MAC, so a missing key is noticed from now on. */
  markSealed(): void;
  readAuditHead(): Promise<AuditHead | undefined>;
  writeAuditHead(head: AuditHead): Promise<void>;
  /** The export signing key pair, made and kept in the keychain on first use. */
  exportKeyPair(): Promise<ExportKeyPair>;
}

export function dataDirIdentity(dataDir: string): string {
  return createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 32);
}

export async function openDataDirSecrets(
  dataDir: string,
  keychain: Keychain = createOsKeychain(INTEGRITY_KEYCHAIN_SERVICE),
): Promise<DataDirSecrets> {
  const identity = dataDirIdentity(dataDir);
  const account = (what: string) => `${what}:${identity}`;
  const markerPath = join(dataDir, SEALED_MARKER_FILE);
  let stored: string | null;
  try {
    stored = await keychain.get(account('mac-key'));
  } catch (error) {
    throw new VigilError(
      'KEYCHAIN_UNAVAILABLE',
      `Vigil does not start without the OS keychain: it keeps the key that proves this data directory unaltered there (and signer keys, never in plain text). ${(error as Error).message}`,
      { cause: error },
    );
  }
  let key: DataDirSecrets['key'] = 'kept';
  let keyBytes: Buffer;
  if (stored) keyBytes = Buffer.from(stored, 'base64');
  else {
    key = existsSync(markerPath) ? 'lost' : 'adopted';
    keyBytes = randomBytes(32);
    await keychain.set(account('mac-key'), keyBytes.toString('base64'));
  }
  const mac = createRecordMac(keyBytes);
  return {
    identity,
    mac,
    key,
    storeIntegrity: () =>
      key === 'kept'
        ? { mac, adopting: false }
        : { mac: key === 'lost' ? trustingEverything(mac) : mac, adopting: true },
    markSealed() {
      if (existsSync(markerPath)) return;
      writeFileSync(
        markerPath,
        `${JSON.stringify({ version: 1, sealedSince: new Date().toISOString(), identity })}\n`,
      );
    },
    async readAuditHead() {
      const text = await keychain.get(account('audit-head'));
      if (!text) return undefined;
      try {
        const head = JSON.parse(text) as Partial<AuditHead>;
        if (typeof head.seq === 'number' && typeof head.hash === 'string')
          return { seq: head.seq, hash: head.hash };
      } catch {
        // Unreadable: treated like an absent head; the check at start says so.
      }
      return undefined;
    },
    writeAuditHead: (head) => keychain.set(account('audit-head'), JSON.stringify(head)),
    async exportKeyPair() {
      const text = await keychain.get(account('export-key'));
      if (text) {
        const pair = JSON.parse(text) as ExportKeyPair;
        if (pair.privateKeyPem && pair.publicKeyPem) return pair;
      }
      const generated = generateKeyPairSync('ed25519');
      const pair: ExportKeyPair = {
        privateKeyPem: generated.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKeyPem: generated.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      await keychain.set(account('export-key'), JSON.stringify(pair));
      return pair;
    },
  };
}

/** Whether the marker says the directory's records carry MACs (for tests and the README). */
export function isSealed(dataDir: string): boolean {
  try {
    return JSON.parse(readFileSync(join(dataDir, SEALED_MARKER_FILE), 'utf8')).version === 1;
  } catch {
    return false;
  }
}
