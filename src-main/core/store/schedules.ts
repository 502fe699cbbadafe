// Schedules and what became of each of their slots. A schedule is kept as saved, with its enabled
// flag, times and `armed_at` (the time from which its slots count: creation, or the last enable
// or change of timing) in their own columns. A slot's run is one row per (schedule, slot): a slot
// recorded once is never recorded again, which is what makes a restart safe to repeat.
import type { Database } from 'sql.js';
import type { ScheduleRun, ValidatedInput } from '../../ipc/contract.ts';
import { selectAll, selectOne } from './database.ts';

/** A schedule as stored: what was saved, without what is computed when it is read. */
export interface StoredSchedule {
  id: string;
  name: string;
  cron?: string;
  everySeconds?: number;
  timezone: string;
  propose: ValidatedInput<'txs.propose'>;
  execute?: { policy: string };
  catchUpSeconds: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** Slots at or before this time are not this schedule's to run (it was off, or different). */
  armedAt: number;
}

export type ScheduleCommand =
  /** Creates the schedule or replaces the one with its id; a changed timing drops no run. */
  | { type: 'schedule.save'; schedule: StoredSchedule }
  /** Removes the schedule and its runs. */
  | { type: 'schedule.remove'; id: string }
  | { type: 'schedule.enabled'; id: string; enabled: boolean; armedAt: number }
  /** Records slots' runs; a slot already recorded keeps its first record. */
  | { type: 'schedule.runs'; runs: ScheduleRun[] };

export const scheduleTablesSql = `
  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    schedule TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    armed_at INTEGER NOT NULL
  );
  CREATE TABLE schedule_runs (
    schedule_id TEXT NOT NULL,
    slot_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    tx_id INTEGER,
    reason TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, slot_at)
  );
  CREATE INDEX schedule_runs_at ON schedule_runs (at);
`;

export function applyScheduleCommand(db: Database, command: ScheduleCommand, at: number): void {
  switch (command.type) {
    case 'schedule.save': {
      const { schedule } = command;
      db.run(
        `INSERT INTO schedules (id, schedule, enabled, created_at, updated_at, armed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET schedule = excluded.schedule, enabled = excluded.enabled,
           updated_at = excluded.updated_at, armed_at = excluded.armed_at`,
        [
          schedule.id,
          JSON.stringify(schedule),
          schedule.enabled ? 1 : 0,
          schedule.createdAt,
          schedule.updatedAt,
          schedule.armedAt,
        ],
      );
      return;
    }
    case 'schedule.remove':
      db.run('DELETE FROM schedules WHERE id = ?', [command.id]);
      db.run('DELETE FROM schedule_runs WHERE schedule_id = ?', [command.id]);
      return;
    case 'schedule.enabled':
      db.run('UPDATE schedules SET enabled = ?, updated_at = ?, armed_at = ? WHERE id = ?', [
        command.enabled ? 1 : 0,
        at,
        command.armedAt,
        command.id,
      ]);
      return;
    case 'schedule.runs':
      for (const run of command.runs)
        db.run(
          `INSERT INTO schedule_runs (schedule_id, slot_at, outcome, tx_id, reason, at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(schedule_id, slot_at) DO NOTHING`,
          [run.scheduleId, run.slotAt, run.outcome, run.txId, run.reason, run.at],
        );
      return;
  }
}

interface ScheduleRow {
  schedule: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  armed_at: number;
}

const toSchedule = (row: ScheduleRow): StoredSchedule => ({
  ...(JSON.parse(row.schedule) as StoredSchedule),
  enabled: row.enabled === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  armedAt: row.armed_at,
});

interface RunRow {
  schedule_id: string;
  slot_at: number;
  outcome: ScheduleRun['outcome'];
  tx_id: number | null;
  reason: string | null;
  at: number;
}

const toRun = (row: RunRow): ScheduleRun => ({
  scheduleId: row.schedule_id,
  slotAt: row.slot_at,
  outcome: row.outcome,
  txId: row.tx_id,
  reason: row.reason,
  at: row.at,
});

const scheduleColumns = 'schedule, enabled, created_at, updated_at, armed_at';
const runColumns = 'schedule_id, slot_at, outcome, tx_id, reason, at';

export function scheduleQueries(db: Database) {
  return {
    /** Oldest first. */
    listSchedules: (): StoredSchedule[] =>
      selectAll<ScheduleRow>(
        db,
        `SELECT ${scheduleColumns} FROM schedules ORDER BY created_at, id`,
      ).map(toSchedule),
    findSchedule(id: string): StoredSchedule | undefined {
      const row = selectOne<ScheduleRow>(
        db,
        `SELECT ${scheduleColumns} FROM schedules WHERE id = ?`,
        [id],
      );
      return row ? toSchedule(row) : undefined;
    },
    /** Newest slot first. */
    listRuns(query: { scheduleId?: string; limit: number }): ScheduleRun[] {
      const where = query.scheduleId === undefined ? '' : 'WHERE schedule_id = ?';
      const params = query.scheduleId === undefined ? [] : [query.scheduleId];
      return selectAll<RunRow>(
        db,
        `SELECT ${runColumns} FROM schedule_runs ${where} ORDER BY slot_at DESC, schedule_id LIMIT ?`,
        [...params, query.limit],
      ).map(toRun);
    },
    /** The run of the schedule's newest recorded slot. */
    lastRun(scheduleId: string): ScheduleRun | undefined {
      const row = selectOne<RunRow>(
        db,
        `SELECT ${runColumns} FROM schedule_runs WHERE schedule_id = ? ORDER BY slot_at DESC LIMIT 1`,
        [scheduleId],
      );
      return row ? toRun(row) : undefined;
    },
    findRun(scheduleId: string, slotAt: number): ScheduleRun | undefined {
      const row = selectOne<RunRow>(
        db,
        `SELECT ${runColumns} FROM schedule_runs WHERE schedule_id = ? AND slot_at = ?`,
        [scheduleId, slotAt],
      );
      return row ? toRun(row) : undefined;
    },
  };
}

export type ScheduleQueries = ReturnType<typeof scheduleQueries>;
