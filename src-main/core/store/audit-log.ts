// The audit log's table, in the live database and in each sealed segment (the same schema, see
// audit-archive.ts). Entries arrive already chained (seq, time, hashes) from the store's
// execute, which journals them with the command they record. Nothing here edits an entry; a
// journal replay puts the journal's copy in place of the snapshot's, and sealing removes from
// the live table what a segment now holds (audit-history.ts).
import type { Database } from 'sql.js';
import type { AuditEntry } from '../audit-chain/index.ts';
import { selectAll, selectOne } from './database.ts';

const AUDIT_COLUMNS = 'seq, at, actor, action, subject, details, prev_hash, hash';
type AuditTuple = [number, number, string, string, string, string, string, string];

/**
 * Calls `visit` with each entry `SELECT … FROM audit_log <rest>` finds, one statement step at a
 * time; stops early when `visit` returns false. Rows are read as plain arrays (statement.get):
 * getAsObject looks up every column's name for every row, and this is the hot path of checks
 * and exports.
 */
function visitAuditEntries(
  db: Database,
  rest: string,
  params: (string | number)[],
  visit: (entry: AuditEntry) => boolean | void,
): boolean {
  const statement = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${rest}`);
  try {
    statement.bind(params);
    while (statement.step()) {
      const [seq, at, actor, action, subject, details, prevHash, hash] =
        statement.get() as AuditTuple;
      const entry: AuditEntry = {
        seq,
        at,
        actor,
        action,
        subject,
        details: JSON.parse(details) as Record<string, unknown>,
        prevHash,
        hash,
      };
      if (visit(entry) === false) return false;
    }
    return true;
  } finally {
    statement.free();
  }
}

function selectAuditEntries(
  db: Database,
  rest: string,
  params: (string | number)[] = [],
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  visitAuditEntries(db, rest, params, (entry) => {
    entries.push(entry);
  });
  return entries;
}

export function insertAuditEntry(db: Database, entry: AuditEntry): void {
  db.run(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.subject,
    JSON.stringify(entry.details),
    entry.prevHash,
    entry.hash,
  ]);
}

export function lastAuditEntry(db: Database): AuditEntry | undefined {
  return selectAuditEntries(db, 'ORDER BY seq DESC LIMIT 1')[0];
}

export interface AuditQuery {
  /** Unix milliseconds, inclusive. */
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  /** Exact subject (`tx:7`) or a kind prefix ending in a colon (`tx:`). */
  subject?: string;
  /** Case-insensitive text anywhere in action, subject, actor or details. */
  text?: string;
  /** Entries after (ascending) or before (descending) this sequence number. */
  afterSeq?: number;
  beforeSeq?: number;
  order?: 'asc' | 'desc';
  limit: number;
}

type AuditBounds = Omit<AuditQuery, 'limit' | 'order'> & { fromSeq?: number; toSeq?: number };

/** Inclusive bounds on sequence numbers and times. */
export interface AuditSeqBounds {
  fromSeq?: number;
  toSeq?: number;
  from?: number;
  to?: number;
}

function whereClause(query: AuditBounds): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (condition: string, ...values: (string | number)[]): void => {
    parts.push(condition);
    params.push(...values);
  };
  if (query.from !== undefined) add('at >= ?', query.from);
  if (query.to !== undefined) add('at <= ?', query.to);
  if (query.actor !== undefined) add('actor = ?', query.actor);
  if (query.action !== undefined) add('action = ?', query.action);
  if (query.subject !== undefined) {
    if (query.subject.endsWith(':'))
      add('substr(subject, 1, ?) = ?', query.subject.length, query.subject);
    else add('subject = ?', query.subject);
  }
  if (query.text !== undefined && query.text !== '')
    add(
      "instr(lower(action || ' ' || subject || ' ' || actor || ' ' || details), lower(?)) > 0",
      query.text,
    );
  if (query.afterSeq !== undefined) add('seq > ?', query.afterSeq);
  if (query.beforeSeq !== undefined) add('seq < ?', query.beforeSeq);
  if (query.fromSeq !== undefined) add('seq >= ?', query.fromSeq);
  if (query.toSeq !== undefined) add('seq <= ?', query.toSeq);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function listAuditEntries(db: Database, query: AuditQuery): AuditEntry[] {
  const { sql, params } = whereClause(query);
  return selectAuditEntries(
    db,
    `${sql} ORDER BY seq ${query.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ?`,
    [...params, query.limit],
  );
}

export function countAuditEntries(
  db: Database,
  query: Omit<AuditQuery, 'limit' | 'order'> = {},
): number {
  const { sql, params } = whereClause(query);
  return selectOne<{ n: number }>(db, `SELECT count(*) AS n FROM audit_log ${sql}`, params)?.n ?? 0;
}

/**
 * Calls `visit` with every entry in sequence order (within the optional bounds), so a million
 * entries never sit in memory together. Stops early when `visit` returns false, and then returns
 * false.
 */
export function forEachAuditEntry(
  db: Database,
  bounds: AuditSeqBounds,
  visit: (entry: AuditEntry) => boolean | void,
): boolean {
  const { sql, params } = whereClause(bounds);
  return visitAuditEntries(db, `${sql} ORDER BY seq`, params, visit);
}

/** The first entry at or after `from`, by sequence number (see audit-history.ts auditSeqRange). */
export function firstSeqAtOrAfter(db: Database, from: number): number | undefined {
  return (
    selectOne<{ seq: number | null }>(db, 'SELECT min(seq) AS seq FROM audit_log WHERE at >= ?', [
      from,
    ])?.seq ?? undefined
  );
}

/** The last entry at or before `to`, by sequence number. */
export function lastSeqAtOrBefore(db: Database, to: number): number | undefined {
  return (
    selectOne<{ seq: number | null }>(db, 'SELECT max(seq) AS seq FROM audit_log WHERE at <= ?', [
      to,
    ])?.seq ?? undefined
  );
}

/** The actors and actions the log holds, for the Audit view's filters. */
export function auditFacets(db: Database): { actors: string[]; actions: string[] } {
  return {
    actors: selectAll<{ actor: string }>(
      db,
      'SELECT DISTINCT actor FROM audit_log ORDER BY actor',
    ).map((row) => row.actor),
    actions: selectAll<{ action: string }>(
      db,
      'SELECT DISTINCT action FROM audit_log ORDER BY action',
    ).map((row) => row.action),
  };
}

/** The entry with this sequence number, if any. */
export function auditEntryAt(db: Database, seq: number): AuditEntry | undefined {
  return selectAuditEntries(db, 'WHERE seq = ?', [seq])[0];
}

/**
 * Replays an entry from the journal, which is the authority for the entries it carries. If the
 * log does not end just before it (the snapshot's audit table was altered), the entry is still
 * written and the problem returned, for the integrity check at start to report. `sealedThrough`
 * is the last sealed entry: the live table may hold nothing newer yet.
 */
export function replayAuditEntry(
  db: Database,
  entry: AuditEntry,
  journalSeq: number,
  sealedThrough = 0,
): string | undefined {
  const lastSeq = lastAuditEntry(db)?.seq ?? sealedThrough;
  const problem =
    entry.seq === lastSeq + 1
      ? undefined
      : `journal entry ${journalSeq} carries audit entry ${entry.seq}, but the stored audit log ends at ${lastSeq}`;
  db.run('DELETE FROM audit_log WHERE seq = ?', [entry.seq]);
  insertAuditEntry(db, entry);
  return problem;
}
