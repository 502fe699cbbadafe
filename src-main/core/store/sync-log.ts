// What the watcher found about the chain's truth: the reorg log and reconciliation results.
// Chain-derived like events, so they travel in snapshots; a reorg lost with an unsaved tail is
// detected again when the watcher refetches that tail.
import type { Database } from 'sql.js';
import type { ReorgRecord, Reconciliation } from '../../ipc/contract.ts';
import { selectAll } from './database.ts';

export type NewReorg = Omit<ReorgRecord, 'id'>;
export type NewReconciliation = Omit<Reconciliation, 'id'>;

export function insertReorg(db: Database, reorg: NewReorg): ReorgRecord {
  db.run(
    `INSERT INTO reorgs (chain_id, detected_at, fork_block, depth, old_blocks, new_blocks, events_removed, events_added, beyond_window)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      reorg.chainId,
      reorg.detectedAt,
      reorg.forkBlock,
      reorg.depth,
      JSON.stringify(reorg.oldBlocks),
      JSON.stringify(reorg.newBlocks),
      reorg.eventsRemoved,
      reorg.eventsAdded,
      reorg.beyondWindow ? 1 : 0,
    ],
  );
  const id = selectAll<{ id: number }>(db, 'SELECT last_insert_rowid() AS id')[0]!.id;
  return { id, ...reorg };
}

interface ReorgRow {
  id: number;
  chain_id: number;
  detected_at: number;
  fork_block: number;
  depth: number;
  old_blocks: string;
  new_blocks: string;
  events_removed: number;
  events_added: number;
  beyond_window: number;
}

export function listReorgs(
  db: Database,
  chainId: number | undefined,
  limit: number,
): ReorgRecord[] {
  return selectAll<ReorgRow>(
    db,
    `SELECT * FROM reorgs ${chainId === undefined ? '' : 'WHERE chain_id = ?'} ORDER BY id DESC LIMIT ?`,
    chainId === undefined ? [limit] : [chainId, limit],
  ).map((row) => ({
    id: row.id,
    chainId: row.chain_id,
    detectedAt: row.detected_at,
    forkBlock: row.fork_block,
    depth: row.depth,
    oldBlocks: JSON.parse(row.old_blocks) as ReorgRecord['oldBlocks'],
    newBlocks: JSON.parse(row.new_blocks) as ReorgRecord['newBlocks'],
    eventsRemoved: row.events_removed,
    eventsAdded: row.events_added,
    beyondWindow: row.beyond_window === 1,
  }));
}

export function countReorgs(db: Database, chainId: number): number {
  return selectAll<{ n: number }>(db, 'SELECT count(*) AS n FROM reorgs WHERE chain_id = ?', [
    chainId,
  ])[0]!.n;
}

export function saveReconciliation(
  db: Database,
  result: NewReconciliation,
  id?: number,
): Reconciliation {
  const values = [
    result.chainId,
    result.at,
    result.fromBlock,
    result.toBlock,
    result.storedCount,
    result.chainCount,
    JSON.stringify(result.missing),
    JSON.stringify(result.extra),
    result.status,
    result.error,
  ];
  if (id === undefined) {
    db.run(
      `INSERT INTO reconciliations (chain_id, at, from_block, to_block, stored_count, chain_count, missing, extra, status, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      values,
    );
    id = selectAll<{ id: number }>(db, 'SELECT last_insert_rowid() AS id')[0]!.id;
  } else {
    db.run(
      `UPDATE reconciliations SET chain_id = ?, at = ?, from_block = ?, to_block = ?, stored_count = ?, chain_count = ?,
       missing = ?, extra = ?, status = ?, error = ? WHERE id = ?`,
      [...values, id],
    );
  }
  return { id, ...result };
}

interface ReconciliationRow {
  id: number;
  chain_id: number;
  at: number;
  from_block: number;
  to_block: number;
  stored_count: number;
  chain_count: number;
  missing: string;
  extra: string;
  status: Reconciliation['status'];
  error: string | null;
}

export function listReconciliations(
  db: Database,
  filter: { chainId?: number; id?: number; limit: number },
): Reconciliation[] {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.chainId !== undefined) {
    where.push('chain_id = ?');
    params.push(filter.chainId);
  }
  if (filter.id !== undefined) {
    where.push('id = ?');
    params.push(filter.id);
  }
  return selectAll<ReconciliationRow>(
    db,
    `SELECT * FROM reconciliations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, filter.limit],
  ).map((row) => ({
    id: row.id,
    chainId: row.chain_id,
    at: row.at,
    fromBlock: row.from_block,
    toBlock: row.to_block,
    storedCount: row.stored_count,
    chainCount: row.chain_count,
    missing: JSON.parse(row.missing) as Reconciliation['missing'],
    extra: JSON.parse(row.extra) as Reconciliation['extra'],
    status: row.status,
    error: row.error,
  }));
}
