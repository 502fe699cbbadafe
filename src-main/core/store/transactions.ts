// The transaction queue's rows: each transaction's latest state as one JSON record (in its wire
// form: amounts as decimal strings), a few columns to find it by, and its timeline of changes.
// Every change is a journaled command, so an approval, a signed transaction or a sent hash is
// on disk before anything acts on it.
import type { Database } from 'sql.js';
import type { Transaction } from '../../ipc/contract.ts';
import { selectAll, selectOne } from './database.ts';
import { listSafeSignatures } from './safe-signatures.ts';

export type TransactionState = Omit<Transaction, 'timeline'>;
export type TimelineEntry = Transaction['timeline'][number];

export type TransactionCommand = {
  type: 'tx.put';
  tx: TransactionState;
  /** What happened, appended to the transaction's timeline. */
  timeline?: TimelineEntry;
};

/** A Safe proposal's signatures are rows of their own (safe_signatures), never part of its record. */
function recordOf(tx: TransactionState): string {
  if (!tx.safe) return JSON.stringify(tx);
  const { signatures: _signatures, ...safe } = tx.safe;
  return JSON.stringify({ ...tx, safe });
}

export function applyTransactionCommand(db: Database, command: TransactionCommand): void {
  const { tx, timeline } = command;
  db.run(
    `INSERT INTO txs (id, chain_id, from_address, status, nonce, hash, created_at, updated_at, record, safe_tx_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, nonce = excluded.nonce,
       hash = excluded.hash, updated_at = excluded.updated_at, record = excluded.record,
       safe_tx_hash = excluded.safe_tx_hash`,
    [
      tx.id,
      tx.chainId,
      tx.from.toLowerCase(),
      tx.status,
      tx.nonce,
      tx.hash?.toLowerCase() ?? null,
      tx.createdAt,
      tx.updatedAt,
      recordOf(tx),
      tx.safe?.safeTxHash.toLowerCase() ?? null,
    ],
  );
  if (timeline) {
    db.run('INSERT INTO tx_timeline (tx_id, at, status, note) VALUES (?, ?, ?, ?)', [
      tx.id,
      timeline.at,
      timeline.status,
      timeline.note,
    ]);
  }
}

/** The stored record, with a Safe proposal's signatures read from their table. */
function parseRecord(db: Database, record: string): TransactionState {
  const tx = JSON.parse(record) as TransactionState;
  if (tx.safe) tx.safe = { ...tx.safe, signatures: listSafeSignatures(db, tx.id) };
  return tx;
}

function withTimeline(db: Database, record: string): Transaction {
  const tx = parseRecord(db, record);
  const timeline = selectAll<{ at: number; status: string; note: string | null }>(
    db,
    'SELECT at, status, note FROM tx_timeline WHERE tx_id = ? ORDER BY rowid',
    [tx.id],
  );
  return { ...tx, timeline };
}

export function findTransaction(db: Database, id: number): Transaction | undefined {
  const row = selectOne<{ record: string }>(db, 'SELECT record FROM txs WHERE id = ?', [id]);
  return row ? withTimeline(db, row.record) : undefined;
}

export interface TransactionsQuery {
  statuses?: readonly string[];
  chainId?: number;
  from?: string;
  /** Only those whose receipt is in this block or later. */
  minedSince?: number;
  /** Only the execTransactions sent for this Safe proposal (its id). */
  executesSafeProposal?: number;
  limit?: number;
  /** Leave the timelines out (one query less per transaction): for the queue's own checks. */
  withoutTimeline?: boolean;
}

export function listTransactions(db: Database, query: TransactionsQuery = {}): Transaction[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.statuses && query.statuses.length > 0) {
    where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
    params.push(...query.statuses);
  }
  if (query.chainId !== undefined) {
    where.push('chain_id = ?');
    params.push(query.chainId);
  }
  if (query.from !== undefined) {
    where.push('from_address = ?');
    params.push(query.from.toLowerCase());
  }
  if (query.minedSince !== undefined) {
    where.push("json_extract(record, '$.receipt.blockNumber') >= ?");
    params.push(query.minedSince);
  }
  if (query.executesSafeProposal !== undefined) {
    where.push("json_extract(record, '$.executesSafeProposal') = ?");
    params.push(query.executesSafeProposal);
  }
  return selectAll<{ record: string }>(
    db,
    `SELECT record FROM txs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, query.limit ?? 500],
  ).map((row) =>
    query.withoutTimeline
      ? { ...parseRecord(db, row.record), timeline: [] }
      : withTimeline(db, row.record),
  );
}

export interface PolicyDecisionsQuery {
  policyId?: string;
  /** Only approvals (what counts against budgets and rates). */
  approvedOnly?: boolean;
  /** Only decisions made at or after this time (ms since 1970). */
  since?: number;
  limit?: number;
}

/**
 * Transactions carrying a policy's decision, newest decision first, without their timelines: what
 * policies approved before (budgets, rates) and what they decided (automation.decisions.list).
 */
export function listPolicyDecided(db: Database, query: PolicyDecisionsQuery = {}): Transaction[] {
  const where = ["json_extract(record, '$.policyDecision') IS NOT NULL"];
  const params: (string | number)[] = [];
  if (query.policyId !== undefined) {
    where.push("json_extract(record, '$.policyDecision.policyId') = ?");
    params.push(query.policyId);
  }
  if (query.approvedOnly) where.push("json_extract(record, '$.policyDecision.approved') = 1");
  if (query.since !== undefined) {
    where.push("json_extract(record, '$.policyDecision.at') >= ?");
    params.push(query.since);
  }
  return selectAll<{ record: string }>(
    db,
    `SELECT record FROM txs WHERE ${where.join(' AND ')} ORDER BY json_extract(record, '$.policyDecision.at') DESC, id DESC LIMIT ?`,
    [...params, query.limit ?? 10_000],
  ).map((row) => ({ ...parseRecord(db, row.record), timeline: [] }));
}

/** Safe proposals with this Safe transaction hash (any letter case), newest first. */
export function findBySafeTxHash(db: Database, safeTxHash: string): Transaction[] {
  return selectAll<{ record: string }>(
    db,
    'SELECT record FROM txs WHERE safe_tx_hash = ? ORDER BY id DESC',
    [safeTxHash.toLowerCase()],
  ).map((row) => withTimeline(db, row.record));
}

export function nextTransactionId(db: Database): number {
  return (selectOne<{ id: number | null }>(db, 'SELECT max(id) AS id FROM txs')?.id ?? 0) + 1;
}

/** The first transaction proposed on behalf of `source`, if any. */
export function firstTransactionFrom(db: Database, source: string): number | undefined {
  return selectOne<{ id: number }>(
    db,
    "SELECT id FROM txs WHERE json_extract(record, '$.source') = ? ORDER BY id LIMIT 1",
    [source],
  )?.id;
}

/** Whether any transaction was proposed on behalf of `source` (`workspace:<key>`, `rule:<id>`). */
export function hasTransactionFrom(db: Database, source: string): boolean {
  return firstTransactionFrom(db, source) !== undefined;
}
