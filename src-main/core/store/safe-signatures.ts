// Owners' signatures of Safe proposals. A proposal is a transaction record (its `safe` field holds
// the Safe transaction); its signatures live here, one row per (proposal, owner), so a signature
// recorded twice (a restart after signing, the same file imported again) is refused by the
// database itself, and the record read back always carries exactly the rows stored.
import type { Database } from 'sql.js';
import type { SafeSignature } from '../../ipc/contract.ts';
import { selectAll } from './database.ts';

export type SafeSignatureCommand = {
  type: 'safe.signature.add';
  /** The proposal's transaction id. */
  txId: number;
  signature: SafeSignature;
};

export const safeSignaturesTableSql = `
  CREATE TABLE safe_signatures (
    tx_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    signature TEXT NOT NULL,
    source TEXT NOT NULL,
    at INTEGER NOT NULL,
    UNIQUE (tx_id, owner)
  );
  ALTER TABLE txs ADD COLUMN safe_tx_hash TEXT;
  CREATE INDEX txs_by_safe_tx_hash ON txs (safe_tx_hash) WHERE safe_tx_hash IS NOT NULL;
`;

/**
 * Throws (so the journal never holds it) when that owner already signed that proposal: callers
 * check first (hasSafeSignature) and treat a second signature as already done.
 */
export function applySafeSignatureCommand(db: Database, command: SafeSignatureCommand): void {
  const { txId, signature } = command;
  db.run(
    'INSERT INTO safe_signatures (tx_id, owner, signature, source, at) VALUES (?, ?, ?, ?, ?)',
    [txId, signature.owner.toLowerCase(), signature.signature, signature.source, signature.at],
  );
}

interface SignatureRow {
  owner: string;
  signature: string;
  source: SafeSignature['source'];
  at: number;
}

/** The proposal's signatures in the order recorded; owners lowercase. */
export function listSafeSignatures(db: Database, txId: number): SafeSignature[] {
  return selectAll<SignatureRow>(
    db,
    'SELECT owner, signature, source, at FROM safe_signatures WHERE tx_id = ? ORDER BY rowid',
    [txId],
  ).map((row) => ({ ...row, signature: row.signature as SafeSignature['signature'] }));
}
