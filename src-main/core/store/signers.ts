// Signers as Vigil keeps them: an address, a label and where the key came from. The keys
// themselves live only in the OS keychain (see core/keys); nothing here ever holds one.
import type { Database } from 'sql.js';
import { selectAll, selectOne } from './database.ts';

export interface SignerRecord {
  /** Checksummed. */
  address: string;
  label: string;
  origin: 'imported' | 'generated';
  addedAt: number;
}

export type SignerCommand =
  | { type: 'signer.add'; signer: Omit<SignerRecord, 'addedAt'> }
  | { type: 'signer.remove'; address: string }
  /** Values the data directory keeps about itself, e.g. its keychain namespace. */
  | { type: 'meta.set'; key: string; value: string };

export function applySignerCommand(db: Database, command: SignerCommand, at: number): void {
  switch (command.type) {
    case 'signer.add':
      db.run('INSERT INTO signers (address, label, origin, added_at) VALUES (?, ?, ?, ?)', [
        command.signer.address,
        command.signer.label,
        command.signer.origin,
        at,
      ]);
      return;
    case 'signer.remove':
      db.run('DELETE FROM signers WHERE address = ?', [command.address]);
      return;
    case 'meta.set':
      db.run(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        [command.key, command.value],
      );
      return;
  }
}

interface SignerRow {
  address: string;
  label: string;
  origin: SignerRecord['origin'];
  added_at: number;
}

const toSigner = (row: SignerRow): SignerRecord => ({
  address: row.address,
  label: row.label,
  origin: row.origin,
  addedAt: row.added_at,
});

export function listSigners(db: Database): SignerRecord[] {
  return selectAll<SignerRow>(db, 'SELECT * FROM signers ORDER BY added_at, address').map(toSigner);
}

export function findSigner(db: Database, address: string): SignerRecord | undefined {
  const row = selectOne<SignerRow>(db, 'SELECT * FROM signers WHERE lower(address) = lower(?)', [
    address,
  ]);
  return row ? toSigner(row) : undefined;
}

export function readMeta(db: Database, key: string): string | undefined {
  return selectOne<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [key])?.value;
}
