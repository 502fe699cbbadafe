// Converting a data directory written before the chain-data store existed (schema 6 and
// older: events, blocks, reorgs and reconciliations inside the operator database). The chain
// data is copied into a new head image in a folder of its own, which is renamed into place
// in one step; only then does migration 7 drop the old tables. A crash before the rename
// leaves the old directory as it was (the half-built folder is discarded at the next start);
// after it, the next start finds the chain-data store and only drops the tables.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { headSchemaSql } from './chain-schema.ts';
import { openDatabase, selectAll, selectOne } from './database.ts';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';
import { startIngestLog } from './ingest-log.ts';
import { emptyManifest, writeManifest } from './segment-manifest.ts';
import { encodeSnapshot } from './snapshot.ts';
import { insertEventTuples, selectBlockTuples, selectEventTuples } from './segment-file.ts';

const hasTable = (db: Database, name: string): boolean =>
  selectOne(db, "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", [
    name,
  ]) !== undefined;

/** Whether the operator database still holds chain data of the old layout. */
export const holdsOldChainData = (db: Database): boolean => hasTable(db, 'events');

/**
 * Copies the old layout's chain data into `chainDir` (which must not exist yet). Returns the
 * number of events copied.
 */
export function convertChainData(SQL: SqlJsStatic, operatorDb: Database, chainDir: string): number {
  const building = `${chainDir}.converting`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const head = openDatabase(SQL);
  let events = 0;
  try {
    head.run(headSchemaSql);
    head.run('BEGIN');
    const eventRows = selectEventTuples(operatorDb, '1 = 1', []);
    events = eventRows.length;
    insertEventTuples(head, eventRows);
    const insertBlock = head.prepare(
      'INSERT INTO blocks (chain_id, number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?, ?)',
    );
    for (const block of selectBlockTuples(operatorDb, '1 = 1', [])) insertBlock.run(block);
    insertBlock.free();
    for (const contract of selectAll<{
      id: string;
      chain_id: number;
      indexed_through: number | null;
    }>(
      operatorDb,
      'SELECT id, chain_id, indexed_through FROM contracts WHERE indexed_through IS NOT NULL',
    ))
      head.run('INSERT INTO cursors (chain_id, contract_id, indexed_through) VALUES (?, ?, ?)', [
        contract.chain_id,
        contract.id,
        contract.indexed_through!,
      ]);
    // What was confirmed is final: sealing may start there.
    head.run(
      "INSERT INTO chain_state (chain_id, confirmed_through) SELECT chain_id, max(block_number) FROM events WHERE status = 'confirmed' GROUP BY chain_id",
    );
    for (const table of ['reorgs', 'reconciliations']) {
      const rows = selectAll<Record<string, string | number | null>>(
        operatorDb,
        `SELECT * FROM ${table}`,
      );
      for (const row of rows) {
        const columns = Object.keys(row);
        head.run(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          Object.values(row),
        );
      }
    }
    head.run("INSERT INTO head_meta (key, value) VALUES ('generation', '1')");
    head.run('COMMIT');
    writeFileDurably(join(building, 'head.sqlite'), encodeSnapshot(head.export()));
  } finally {
    head.close();
  }
  startIngestLog(join(building, 'head.log'), 1);
  writeManifest(join(building, 'manifest.json'), emptyManifest());
  fsyncDirectory(building);
  if (existsSync(chainDir)) throw new Error(`${chainDir} exists already; not converting over it.`);
  renameSync(building, chainDir);
  fsyncDirectory(join(chainDir, '..'));
  return events;
}
