// Alert rules, firings and deliveries. Rules, firings (with their state) and every delivery
// attempt are operator data: changed only by journaled commands, so a firing recorded before a
// crash is never fired again and a delivery in flight is resumed. The one table here that is
// not journaled, alert_waiting, holds matches waiting for confirmations: chain-derived, it is
// saved in snapshots together with the events it points at.
import type { Database } from 'sql.js';
import type { AlertSeverity, FiringEvent, FiringState } from '../../ipc/contract.ts';
import { inTransaction, selectAll, selectOne } from './database.ts';

/** Migration 5's tables. */
export const alertTablesSql = `
  CREATE TABLE alert_rules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    definition TEXT NOT NULL,
    armed_at INTEGER,
    armed_block INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE alert_firings (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    revision INTEGER NOT NULL,
    summary TEXT NOT NULL,
    chain_id INTEGER,
    event TEXT,
    measure TEXT,
    in_app INTEGER NOT NULL,
    fired_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    snoozed_until INTEGER,
    UNIQUE (rule_id, subject)
  );
  CREATE INDEX alert_firings_by_time ON alert_firings (fired_at, id);
  CREATE INDEX alert_firings_by_rule ON alert_firings (rule_id, fired_at);
  CREATE INDEX alert_firings_open ON alert_firings (state, ended_at);
  CREATE TABLE alert_deliveries (
    id TEXT PRIMARY KEY,
    firing_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    next_attempt_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX alert_deliveries_by_firing ON alert_deliveries (firing_id);
  CREATE INDEX alert_deliveries_by_status ON alert_deliveries (status, next_attempt_at);
  CREATE TABLE alert_delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER,
    PRIMARY KEY (delivery_id, attempt)
  );
  CREATE TABLE alert_waiting (
    rule_id TEXT NOT NULL,
    chain_id INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    PRIMARY KEY (rule_id, chain_id, block_hash, log_index)
  );
`;

/** A rule as stored: its validated definition (with webhook secrets) plus when it was armed. */
export interface StoredRule {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  /** The rule as saved: kind settings, channels with their secrets, cooldown, severity. */
  definition: Record<string, unknown>;
  /** When it was last enabled (ms) and the chain's head then: it fires for what comes after. */
  armedAt: number | null;
  armedBlock: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface StoredFiring {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: AlertSeverity;
  subject: string;
  state: FiringState;
  revision: number;
  summary: string;
  chainId: number | null;
  event: FiringEvent | null;
  measure: Record<string, unknown> | null;
  inApp: boolean;
  firedAt: number;
  updatedAt: number;
  endedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  snoozedUntil: number | null;
}

export type DeliveryTarget =
  | { type: 'webhook'; url: string; format: 'json' | 'slack' | 'discord'; secret: string }
  | { type: 'desktop' };

export interface StoredDelivery {
  id: string;
  firingId: string;
  ruleId: string;
  ruleName: string;
  kind: 'fired' | 'retracted' | 'resolved';
  /** For people: `webhook https://…`, `desktop`. */
  channel: string;
  target: DeliveryTarget;
  /** The exact body every attempt sends, so a retry is byte-for-byte the same. */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
}

export type AlertCommand =
  | { type: 'alert.rule.save'; rule: StoredRule }
  | { type: 'alert.rule.remove'; id: string }
  /** Firings as they now stand (new or changed), and the deliveries they call for. */
  | { type: 'alert.firing.record'; firings: StoredFiring[]; deliveries: StoredDelivery[] }
  | { type: 'alert.firing.acknowledge'; ids: string[]; at: number; by: string }
  | { type: 'alert.firing.snooze'; id: string; until: number }
  | {
      type: 'alert.delivery.attempt';
      deliveryId: string;
      attempt: DeliveryAttempt;
      status: StoredDelivery['status'];
      nextAttemptAt: number | null;
    };

export function applyAlertCommand(db: Database, command: AlertCommand): void {
  switch (command.type) {
    case 'alert.rule.save': {
      const rule = command.rule;
      db.run(
        `INSERT INTO alert_rules (id, name, kind, enabled, definition, armed_at, armed_block, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
           enabled = excluded.enabled, definition = excluded.definition, armed_at = excluded.armed_at,
           armed_block = excluded.armed_block, updated_at = excluded.updated_at`,
        [
          rule.id,
          rule.name,
          rule.kind,
          rule.enabled ? 1 : 0,
          JSON.stringify(rule.definition),
          rule.armedAt,
          rule.armedBlock,
          rule.createdAt,
          rule.updatedAt,
        ],
      );
      return;
    }
    case 'alert.rule.remove':
      // Firings and deliveries stay: they are history, and the audit log refers to them.
      db.run('DELETE FROM alert_rules WHERE id = ?', [command.id]);
      db.run('DELETE FROM alert_waiting WHERE rule_id = ?', [command.id]);
      return;
    case 'alert.firing.record':
      for (const firing of command.firings) upsertFiring(db, firing);
      for (const delivery of command.deliveries) {
        db.run(
          `INSERT INTO alert_deliveries (id, firing_id, rule_id, rule_name, kind, channel, target, body, status, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [
            delivery.id,
            delivery.firingId,
            delivery.ruleId,
            delivery.ruleName,
            delivery.kind,
            delivery.channel,
            JSON.stringify(delivery.target),
            delivery.body,
            delivery.status,
            delivery.nextAttemptAt,
            delivery.createdAt,
            delivery.updatedAt,
          ],
        );
      }
      return;
    case 'alert.firing.acknowledge':
      for (const id of command.ids) {
        db.run(
          'UPDATE alert_firings SET acknowledged_at = ?, acknowledged_by = ?, updated_at = ? WHERE id = ? AND acknowledged_at IS NULL',
          [command.at, command.by, command.at, id],
        );
      }
      return;
    case 'alert.firing.snooze':
      db.run('UPDATE alert_firings SET snoozed_until = ? WHERE id = ?', [
        command.until,
        command.id,
      ]);
      return;
    case 'alert.delivery.attempt': {
      const { attempt } = command;
      db.run(
        `INSERT OR REPLACE INTO alert_delivery_attempts (delivery_id, attempt, at, ok, status_code, error, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          command.deliveryId,
          attempt.attempt,
          attempt.at,
          attempt.ok ? 1 : 0,
          attempt.statusCode,
          attempt.error,
          attempt.durationMs,
        ],
      );
      db.run(
        'UPDATE alert_deliveries SET status = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?',
        [command.status, command.nextAttemptAt, attempt.at, command.deliveryId],
      );
      return;
    }
  }
}

function upsertFiring(db: Database, firing: StoredFiring): void {
  db.run(
    `INSERT OR REPLACE INTO alert_firings (id, rule_id, rule_name, kind, severity, subject, state, revision,
       summary, chain_id, event, measure, in_app, fired_at, updated_at, ended_at, acknowledged_at,
       acknowledged_by, snoozed_until)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      firing.id,
      firing.ruleId,
      firing.ruleName,
      firing.kind,
      firing.severity,
      firing.subject,
      firing.state,
      firing.revision,
      firing.summary,
      firing.chainId,
      firing.event === null ? null : JSON.stringify(firing.event),
      firing.measure === null ? null : JSON.stringify(firing.measure),
      firing.inApp ? 1 : 0,
      firing.firedAt,
      firing.updatedAt,
      firing.endedAt,
      firing.acknowledgedAt,
      firing.acknowledgedBy,
      firing.snoozedUntil,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Reads.

interface RuleRow {
  id: string;
  name: string;
  kind: string;
  enabled: number;
  definition: string;
  armed_at: number | null;
  armed_block: number | null;
  created_at: number;
  updated_at: number;
}

const toRule = (row: RuleRow): StoredRule => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  enabled: row.enabled === 1,
  definition: JSON.parse(row.definition) as Record<string, unknown>,
  armedAt: row.armed_at,
  armedBlock: row.armed_block,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

interface FiringRow {
  id: string;
  rule_id: string;
  rule_name: string;
  kind: string;
  severity: AlertSeverity;
  subject: string;
  state: FiringState;
  revision: number;
  summary: string;
  chain_id: number | null;
  event: string | null;
  measure: string | null;
  in_app: number;
  fired_at: number;
  updated_at: number;
  ended_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  snoozed_until: number | null;
}

const toFiring = (row: FiringRow): StoredFiring => ({
  id: row.id,
  ruleId: row.rule_id,
  ruleName: row.rule_name,
  kind: row.kind,
  severity: row.severity,
  subject: row.subject,
  state: row.state,
  revision: row.revision,
  summary: row.summary,
  chainId: row.chain_id,
  event: row.event === null ? null : (JSON.parse(row.event) as FiringEvent),
  measure: row.measure === null ? null : (JSON.parse(row.measure) as Record<string, unknown>),
  inApp: row.in_app === 1,
  firedAt: row.fired_at,
  updatedAt: row.updated_at,
  endedAt: row.ended_at,
  acknowledgedAt: row.acknowledged_at,
  acknowledgedBy: row.acknowledged_by,
  snoozedUntil: row.snoozed_until,
});

interface DeliveryRow {
  id: string;
  firing_id: string;
  rule_id: string;
  rule_name: string;
  kind: StoredDelivery['kind'];
  channel: string;
  target: string;
  body: string;
  status: StoredDelivery['status'];
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  id: row.id,
  firingId: row.firing_id,
  ruleId: row.rule_id,
  ruleName: row.rule_name,
  kind: row.kind,
  channel: row.channel,
  target: JSON.parse(row.target) as DeliveryTarget,
  body: row.body,
  status: row.status,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface FiringsQuery {
  ruleId?: string;
  state?: FiringState;
  /** In-app, tentative or fired, not acknowledged, not snoozed at `now`. */
  unacknowledged?: boolean;
  now: number;
  limit: number;
  /** Firings older than this position (fired_at, id), newest first. */
  before?: { firedAt: number; id: string };
}

/** An identity of an event a rule matched but that waits for its confirmations. */
export interface WaitingMatch {
  ruleId: string;
  chainId: number;
  blockHash: string;
  logIndex: number;
  blockNumber: number;
}

const unacknowledgedClause =
  "in_app = 1 AND state IN ('tentative', 'fired') AND acknowledged_at IS NULL AND (snoozed_until IS NULL OR snoozed_until <= ?)";

type Condition = readonly [sql: string, ...params: (string | number)[]];

/** `WHERE a AND b …` of the conditions that apply (false: left out), with their parameters. */
function whereClause(conditions: readonly (Condition | false)[]): {
  sql: string;
  params: (string | number)[];
} {
  const applied = conditions.filter((condition): condition is Condition => condition !== false);
  return {
    sql: applied.length ? `WHERE ${applied.map(([sql]) => sql).join(' AND ')}` : '',
    params: applied.flatMap(([, ...params]) => params),
  };
}

/** The alert tables' queries, and the snapshot-only waiting list. */
export function alertQueries(db: Database, markDirty: () => void) {
  return {
    /**
     * The watched contracts' ids, joined: which contracts rules may point at. Just the ids, so
     * a check every tick does not parse every ABI.
     */
    contractIds: (): string =>
      selectAll<{ id: string }>(db, 'SELECT id FROM contracts ORDER BY id')
        .map((row) => row.id)
        .join(','),
    listRules: (): StoredRule[] =>
      selectAll<RuleRow>(db, 'SELECT * FROM alert_rules ORDER BY created_at, rowid').map(toRule),
    findRule(id: string): StoredRule | undefined {
      const row = selectOne<RuleRow>(db, 'SELECT * FROM alert_rules WHERE id = ?', [id]);
      return row ? toRule(row) : undefined;
    },
    findFiring(id: string): StoredFiring | undefined {
      const row = selectOne<FiringRow>(db, 'SELECT * FROM alert_firings WHERE id = ?', [id]);
      return row ? toFiring(row) : undefined;
    },
    listFirings(query: FiringsQuery): StoredFiring[] {
      const where = whereClause([
        query.ruleId !== undefined && ['rule_id = ?', query.ruleId],
        query.state !== undefined && ['state = ?', query.state],
        query.unacknowledged === true && [unacknowledgedClause, query.now],
        query.before !== undefined && [
          '(fired_at, id) < (?, ?)',
          query.before.firedAt,
          query.before.id,
        ],
      ]);
      return selectAll<FiringRow>(
        db,
        `SELECT * FROM alert_firings ${where.sql} ORDER BY fired_at DESC, id DESC LIMIT ?`,
        [...where.params, query.limit],
      ).map(toFiring);
    },
    /** Firings still in motion: tentative ones, and episodes not yet ended. */
    liveFirings: (): StoredFiring[] =>
      selectAll<FiringRow>(
        db,
        "SELECT * FROM alert_firings WHERE state = 'tentative' OR (subject LIKE 'episode:%' AND ended_at IS NULL AND state IN ('fired', 'suppressed'))",
      ).map(toFiring),
    countUnacknowledged: (now: number): number =>
      selectOne<{ n: number }>(
        db,
        `SELECT count(*) AS n FROM alert_firings WHERE ${unacknowledgedClause}`,
        [now],
      )?.n ?? 0,
    /** Per rule: how many firings, and when it last notified (suppressed ones do not count). */
    ruleFiringStats(): Map<string, { count: number; lastNotifiedAt: number | null }> {
      const stats = new Map<string, { count: number; lastNotifiedAt: number | null }>();
      for (const row of selectAll<{ rule_id: string; n: number; last: number | null }>(
        db,
        "SELECT rule_id, count(*) AS n, max(CASE WHEN state != 'suppressed' THEN fired_at END) AS last FROM alert_firings GROUP BY rule_id",
      ))
        stats.set(row.rule_id, { count: row.n, lastNotifiedAt: row.last });
      return stats;
    },
    listDeliveries(query: {
      firingId?: string;
      ruleId?: string;
      status?: StoredDelivery['status'];
      limit: number;
    }): (StoredDelivery & { attempts: DeliveryAttempt[] })[] {
      const where = whereClause([
        query.firingId !== undefined && ['firing_id = ?', query.firingId],
        query.ruleId !== undefined && ['rule_id = ?', query.ruleId],
        query.status !== undefined && ['status = ?', query.status],
      ]);
      const chosen = `SELECT * FROM alert_deliveries ${where.sql} ORDER BY created_at DESC, id LIMIT ?`;
      const params = [...where.params, query.limit];
      const deliveries = selectAll<DeliveryRow>(db, chosen, params).map(toDelivery);
      if (deliveries.length === 0) return [];
      const attempts = new Map<string, DeliveryAttempt[]>();
      // The same deliveries chosen again inside the query, rather than their ids as parameters:
      // a restart's queue loads every pending delivery, more than SQLite takes parameters.
      for (const row of selectAll<{
        delivery_id: string;
        attempt: number;
        at: number;
        ok: number;
        status_code: number | null;
        error: string | null;
        duration_ms: number | null;
      }>(
        db,
        `SELECT * FROM alert_delivery_attempts WHERE delivery_id IN (SELECT id FROM (${chosen})) ORDER BY attempt`,
        params,
      )) {
        const list = attempts.get(row.delivery_id) ?? [];
        list.push({
          attempt: row.attempt,
          at: row.at,
          ok: row.ok === 1,
          statusCode: row.status_code,
          error: row.error,
          durationMs: row.duration_ms,
        });
        attempts.set(row.delivery_id, list);
      }
      return deliveries.map((delivery) => ({
        ...delivery,
        attempts: attempts.get(delivery.id) ?? [],
      }));
    },
    listWaiting: (ruleId?: string): WaitingMatch[] =>
      selectAll<{
        rule_id: string;
        chain_id: number;
        block_hash: string;
        log_index: number;
        block_number: number;
      }>(
        db,
        `SELECT * FROM alert_waiting ${ruleId === undefined ? '' : 'WHERE rule_id = ?'} ORDER BY chain_id, block_number, log_index`,
        ruleId === undefined ? [] : [ruleId],
      ).map((row) => ({
        ruleId: row.rule_id,
        chainId: row.chain_id,
        blockHash: row.block_hash,
        logIndex: row.log_index,
        blockNumber: row.block_number,
      })),
    /** Adds and removes waiting matches in one transaction (not journaled: chain-derived). */
    updateWaiting(add: readonly WaitingMatch[], remove: readonly WaitingMatch[]): void {
      if (add.length === 0 && remove.length === 0) return;
      inTransaction(db, () => {
        for (const match of remove)
          db.run(
            'DELETE FROM alert_waiting WHERE rule_id = ? AND chain_id = ? AND block_hash = ? AND log_index = ?',
            [match.ruleId, match.chainId, match.blockHash, match.logIndex],
          );
        for (const match of add)
          db.run('INSERT OR IGNORE INTO alert_waiting VALUES (?, ?, ?, ?, ?)', [
            match.ruleId,
            match.chainId,
            match.blockHash,
            match.logIndex,
            match.blockNumber,
          ]);
      });
      markDirty();
    },
  };
}

export type AlertQueries = ReturnType<typeof alertQueries>;
