// Safes the operator added: where each is, its name, and what the chain last said of it (owners,
// threshold, nonce, modules, guard). The state is kept as read so a change found by the next
// read can be told apart from the last one, and shown before the chain answers again.
import type { Database } from 'sql.js';
import { selectAll, selectOne } from './database.ts';

/** A Safe's state as stored: the nonce as a decimal string (it is a uint256). */
export interface SafeStateRecord {
  version: string;
  owners: string[];
  threshold: number;
  nonce: string;
  modules: string[];
  guard: string | null;
  fallbackHandler: string | null;
}

export interface SafeRecord {
  /** `<chainId>:<lowercase address>`, as a watched contract's id. */
  id: string;
  chainId: number;
  /** Checksummed. */
  address: string;
  name: string;
  state: SafeStateRecord;
  /** When the state was read (ms since 1970). */
  readAt: number;
}

export type SafeCommand =
  | { type: 'safe.add'; safe: SafeRecord }
  | { type: 'safe.state'; id: string; state: SafeStateRecord; readAt: number }
  | { type: 'safe.remove'; id: string };

export const safesTableSql = `CREATE TABLE safes (
  id TEXT PRIMARY KEY,
  chain_id INTEGER NOT NULL,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  read_at INTEGER NOT NULL,
  added_at INTEGER NOT NULL
)`;

export function applySafeCommand(db: Database, command: SafeCommand, at: number): void {
  switch (command.type) {
    case 'safe.add': {
      const { id, chainId, address, name, state, readAt } = command.safe;
      db.run(
        'INSERT INTO safes (id, chain_id, address, name, state, read_at, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, chainId, address, name, JSON.stringify(state), readAt, at],
      );
      return;
    }
    case 'safe.state':
      db.run('UPDATE safes SET state = ?, read_at = ? WHERE id = ?', [
        JSON.stringify(command.state),
        command.readAt,
        command.id,
      ]);
      return;
    case 'safe.remove':
      db.run('DELETE FROM safes WHERE id = ?', [command.id]);
      return;
  }
}

interface SafeRow {
  id: string;
  chain_id: number;
  address: string;
  name: string;
  state: string;
  read_at: number;
}

const toSafe = (row: SafeRow): SafeRecord => ({
  id: row.id,
  chainId: row.chain_id,
  address: row.address,
  name: row.name,
  state: JSON.parse(row.state) as SafeStateRecord,
  readAt: row.read_at,
});

const columns = 'id, chain_id, address, name, state, read_at';

export function listSafes(db: Database): SafeRecord[] {
  return selectAll<SafeRow>(db, `SELECT ${columns} FROM safes ORDER BY added_at, id`).map(toSafe);
}

export function findSafe(db: Database, id: string): SafeRecord | undefined {
  const row = selectOne<SafeRow>(db, `SELECT ${columns} FROM safes WHERE id = ?`, [id]);
  return row ? toSafe(row) : undefined;
}
