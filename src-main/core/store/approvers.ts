// The people who may approve, as Vigil keeps them: each a WebAuthn credential (its id, public key
// and signature counter) with the name given at enrollment; and, per signer, how many distinct
// approvers its transactions need. Approvals themselves are part of each transaction's record.
import type { Database } from 'sql.js';
import { selectAll, selectOne } from './database.ts';

export interface ApproverRecord {
  /** base64url, as WebAuthn names it. */
  credentialId: string;
  name: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  addedAt: number;
}

export type ApproverCommand =
  | { type: 'approver.add'; approver: Omit<ApproverRecord, 'addedAt'> }
  /** The authenticator's signature counter after an approval (a clone shows up as a step back). */
  | { type: 'approver.counter'; credentialId: string; counter: number }
  | { type: 'signer.approvals.set'; address: string; required: number };

export const approverTablesSql = `
  CREATE TABLE approvers (
    credential_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    added_at INTEGER NOT NULL
  );
  CREATE TABLE signer_approvals (
    address TEXT PRIMARY KEY,
    required INTEGER NOT NULL
  );
`;

export function applyApproverCommand(db: Database, command: ApproverCommand, at: number): void {
  switch (command.type) {
    case 'approver.add': {
      const { approver } = command;
      db.run(
        'INSERT INTO approvers (credential_id, name, public_key, counter, transports, added_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          approver.credentialId,
          approver.name,
          approver.publicKey,
          approver.counter,
          JSON.stringify(approver.transports),
          at,
        ],
      );
      return;
    }
    case 'approver.counter':
      db.run('UPDATE approvers SET counter = ? WHERE credential_id = ?', [
        command.counter,
        command.credentialId,
      ]);
      return;
    case 'signer.approvals.set':
      db.run(
        'INSERT INTO signer_approvals (address, required) VALUES (lower(?), ?) ON CONFLICT(address) DO UPDATE SET required = excluded.required',
        [command.address, command.required],
      );
      return;
  }
}

interface ApproverRow {
  credential_id: string;
  name: string;
  public_key: string;
  counter: number;
  transports: string;
  added_at: number;
}

const toApprover = (row: ApproverRow): ApproverRecord => ({
  credentialId: row.credential_id,
  name: row.name,
  publicKey: row.public_key,
  counter: row.counter,
  transports: JSON.parse(row.transports) as string[],
  addedAt: row.added_at,
});

export function approverQueries(db: Database) {
  return {
    list: (): ApproverRecord[] =>
      selectAll<ApproverRow>(db, 'SELECT * FROM approvers ORDER BY added_at, credential_id').map(
        toApprover,
      ),
    find(credentialId: string): ApproverRecord | undefined {
      const row = selectOne<ApproverRow>(db, 'SELECT * FROM approvers WHERE credential_id = ?', [
        credentialId,
      ]);
      return row ? toApprover(row) : undefined;
    },
    /** Distinct approvers a signer's transactions need; 1 unless raised. */
    required(address: string): number {
      return (
        selectOne<{ required: number }>(
          db,
          'SELECT required FROM signer_approvals WHERE address = lower(?)',
          [address],
        )?.required ?? 1
      );
    },
  };
}

export type ApproverQueries = ReturnType<typeof approverQueries>;
