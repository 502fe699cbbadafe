// Automation policies and the automation switch. A policy is kept as checked when saved (its
// functions' ABI entries included), with its enabled flag and times in their own columns; the
// switch is one row, so pausing survives a restart until a person resumes.
import type { Database } from 'sql.js';
import type { AutomationPolicy } from '../../ipc/contract.ts';
import { selectAll, selectOne } from './database.ts';

export type AutomationCommand =
  /** Creates the policy or replaces the one with its id (its creation time kept). */
  | { type: 'automation.policy.save'; policy: AutomationPolicy }
  | { type: 'automation.policy.remove'; id: string }
  | { type: 'automation.policy.enabled'; id: string; enabled: boolean }
  | { type: 'automation.switch'; paused: boolean; by: string; reason: string | null };

export interface AutomationSwitchRecord {
  paused: boolean;
  /** null until the switch is first moved. */
  changedAt: number | null;
  changedBy: string | null;
  reason: string | null;
}

export const automationTablesSql = `
  CREATE TABLE automation_policies (
    id TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE automation_switch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    paused INTEGER NOT NULL,
    changed_at INTEGER,
    changed_by TEXT,
    reason TEXT
  );
  INSERT INTO automation_switch (id, paused) VALUES (1, 0);
`;

export function applyAutomationCommand(db: Database, command: AutomationCommand, at: number): void {
  switch (command.type) {
    case 'automation.policy.save': {
      const { policy } = command;
      db.run(
        `INSERT INTO automation_policies (id, policy, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET policy = excluded.policy, enabled = excluded.enabled, updated_at = excluded.updated_at`,
        [
          policy.id,
          JSON.stringify(policy),
          policy.enabled ? 1 : 0,
          policy.createdAt,
          policy.updatedAt,
        ],
      );
      return;
    }
    case 'automation.policy.remove':
      db.run('DELETE FROM automation_policies WHERE id = ?', [command.id]);
      return;
    case 'automation.policy.enabled':
      db.run('UPDATE automation_policies SET enabled = ?, updated_at = ? WHERE id = ?', [
        command.enabled ? 1 : 0,
        at,
        command.id,
      ]);
      return;
    case 'automation.switch':
      db.run(
        'UPDATE automation_switch SET paused = ?, changed_at = ?, changed_by = ?, reason = ? WHERE id = 1',
        [command.paused ? 1 : 0, at, command.by, command.reason],
      );
      return;
  }
}

interface PolicyRow {
  policy: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

const toPolicy = (row: PolicyRow): AutomationPolicy => ({
  ...(JSON.parse(row.policy) as AutomationPolicy),
  enabled: row.enabled === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function automationQueries(db: Database) {
  return {
    /** Oldest first. */
    listPolicies: (): AutomationPolicy[] =>
      selectAll<PolicyRow>(
        db,
        'SELECT policy, enabled, created_at, updated_at FROM automation_policies ORDER BY created_at, id',
      ).map(toPolicy),
    findPolicy(id: string): AutomationPolicy | undefined {
      const row = selectOne<PolicyRow>(
        db,
        'SELECT policy, enabled, created_at, updated_at FROM automation_policies WHERE id = ?',
        [id],
      );
      return row ? toPolicy(row) : undefined;
    },
    switchState(): AutomationSwitchRecord {
      const row = selectOne<{
        paused: number;
        changed_at: number | null;
        changed_by: string | null;
        reason: string | null;
      }>(db, 'SELECT paused, changed_at, changed_by, reason FROM automation_switch WHERE id = 1');
      return {
        paused: row?.paused === 1,
        changedAt: row?.changed_at ?? null,
        changedBy: row?.changed_by ?? null,
        reason: row?.reason ?? null,
      };
    },
  };
}

export type AutomationQueries = ReturnType<typeof automationQueries>;
