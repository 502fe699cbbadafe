// Runs each schedule's slots as they come due, each exactly once across restarts and crashes.
// A slot's proposal carries the source `schedule:<id>:<slot>`, and its run row is written after
// it; a crash between the two is completed at the next start from the proposal found by its
// source, so a slot is never proposed twice. Skipped slots are recorded before the one that runs.
import type { ScheduleRun } from '../../ipc/contract.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import type { Logger } from '../ports/index.ts';
import type { Store, StoredSchedule } from '../store/index.ts';
import type { TxQueueService } from '../txqueue/index.ts';
import {
  MAX_LISTED_SLOTS,
  planDueSlots,
  slotAfter,
  slotsBetween,
  type SlotTiming,
} from './slots.ts';

export type ScheduleQueue = Pick<TxQueueService, 'checkProposal' | 'propose' | 'hasProposalFrom'>;

/**
 * A slot is on time for this long after it falls, whatever its catch-up window: a timer fires a
 * little late, and a window of 0 must not skip the slot it woke up for.
 */
export const ON_TIME_MS = 5_000;

/** Longest single wait (setTimeout holds at most ~24.8 days); the timer is simply set again. */
const MAX_WAIT_MS = 6 * 3600_000;

/** Where a crash test may kill the process: a slot proposed, its run not yet recorded. */
export type ScheduleCrashPoint = 'schedule.proposed';

export const slotSource = (scheduleId: string, slotAt: number): string =>
  `schedule:${scheduleId}:${slotAt}`;

export const timingOf = (schedule: StoredSchedule): SlotTiming => ({
  ...(schedule.cron === undefined ? {} : { cron: schedule.cron }),
  ...(schedule.everySeconds === undefined ? {} : { everySeconds: schedule.everySeconds }),
  timezone: schedule.timezone,
  createdAt: schedule.createdAt,
});

export interface ScheduleRunnerDependencies {
  store: Store;
  queue: ScheduleQueue | undefined;
  log: Logger;
  now: () => number;
  /** A slot's run was recorded. */
  changed?: () => void;
  crashPoint?: (point: ScheduleCrashPoint) => void;
}

export function createScheduleRunner(deps: ScheduleRunnerDependencies) {
  const { store, log, now } = deps;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Schedules whose slots are being run: another pass waits for this one. */
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;

  /** The newest slot already recorded, or when the schedule was armed: slots after it are due. */
  const cursorOf = (schedule: StoredSchedule): number =>
    Math.max(schedule.armedAt, store.schedules.lastRun(schedule.id)?.slotAt ?? -Infinity);

  function record(runs: ScheduleRun[]): void {
    if (closed || runs.length === 0) return;
    store.execute({ type: 'schedule.runs', runs });
    deps.changed?.();
  }

  /** The run of a slot whose proposal exists already (made before a crash), if it does. */
  function alreadyProposed(scheduleId: string, slotAt: number): ScheduleRun | undefined {
    const txId = store.firstTransactionFrom(slotSource(scheduleId, slotAt));
    return txId === undefined
      ? undefined
      : { scheduleId, slotAt, outcome: 'proposed', txId, reason: null, at: now() };
  }

  async function proposeSlot(schedule: StoredSchedule, slotAt: number): Promise<ScheduleRun> {
    const done = (fields: Pick<ScheduleRun, 'outcome' | 'txId' | 'reason'>): ScheduleRun => ({
      scheduleId: schedule.id,
      slotAt,
      ...fields,
      at: now(),
    });
    if (!deps.queue)
      return done({
        outcome: 'failed',
        txId: null,
        reason: 'this Vigil has no transaction queue',
      });
    try {
      const tx = await deps.queue.propose(
        schedule.propose,
        slotSource(schedule.id, slotAt),
        SYSTEM_ACTOR,
        schedule.execute ? { executeUnder: schedule.execute.policy } : {},
      );
      deps.crashPoint?.('schedule.proposed');
      return done({ outcome: 'proposed', txId: tx.id, reason: null });
    } catch (error) {
      // Saved before a later stage threw: it was proposed, and only once.
      const proposed = alreadyProposed(schedule.id, slotAt);
      if (proposed) return proposed;
      const reason = (error as Error).message.split('\n')[0]!;
      log.warn(`Schedule ${schedule.id} could not propose its transaction: ${reason}`);
      return done({ outcome: 'failed', txId: null, reason });
    }
  }

  /**
   * A disabled schedule runs nothing, but a slot it proposed just before it was disabled (and
   * then a crash) is still recorded as proposed: its armedAt is when it was disabled.
   */
  function completeDisabled(schedule: StoredSchedule): void {
    const after = store.schedules.lastRun(schedule.id)?.slotAt ?? schedule.createdAt;
    const { slots } = slotsBetween(timingOf(schedule), after, schedule.armedAt, MAX_LISTED_SLOTS);
    record(slots.flatMap((slotAt) => alreadyProposed(schedule.id, slotAt) ?? []));
  }

  async function runDue(id: string): Promise<void> {
    const schedule = store.schedules.findSchedule(id);
    if (closed || !schedule) return;
    if (!schedule.enabled) return completeDisabled(schedule);
    const at = now();
    const plan = planDueSlots(timingOf(schedule), {
      after: cursorOf(schedule),
      now: at,
      windowMs: Math.max(schedule.catchUpSeconds * 1000, ON_TIME_MS),
    });
    // A slot proposed before a crash counts as proposed, whatever the plan says of it now.
    const skipped = plan.skipped.map(
      ({ slotAt, reason }): ScheduleRun =>
        alreadyProposed(id, slotAt) ?? {
          scheduleId: id,
          slotAt,
          outcome: 'skipped',
          txId: null,
          reason,
          at,
        },
    );
    record(skipped);
    if (plan.run === null) return;
    record([alreadyProposed(id, plan.run) ?? (await proposeSlot(schedule, plan.run))]);
  }

  function arm(id: string): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    const schedule = store.schedules.findSchedule(id);
    if (closed || !schedule?.enabled) return;
    const next = nextSlotOf(schedule);
    if (next === null) return;
    const timer = setTimeout(() => pass(id), Math.min(Math.max(0, next - now()), MAX_WAIT_MS));
    timer.unref?.();
    timers.set(id, timer);
  }

  /** Runs what is due for the schedule, then waits for its next slot. One pass at a time. */
  function pass(id: string): Promise<void> {
    const current = running.get(id);
    if (current) {
      again.add(id);
      return current;
    }
    const work = runDue(id)
      .catch((error: unknown) =>
        log.warn(`Schedule ${id}: ${(error as Error).message.split('\n')[0]}`),
      )
      .finally(() => {
        running.delete(id);
        if (again.delete(id)) void pass(id);
        else arm(id);
      });
    running.set(id, work);
    return work;
  }

  function nextSlotOf(schedule: StoredSchedule): number | null {
    if (!schedule.enabled) return null;
    return slotAfter(timingOf(schedule), Math.max(cursorOf(schedule), now()));
  }

  return {
    nextSlotOf,
    /** Catches up every enabled schedule (see planDueSlots) and sets their timers. */
    start(): Promise<void[]> {
      return Promise.all(store.schedules.listSchedules().map((schedule) => pass(schedule.id)));
    },
    /** The schedule was saved, enabled, disabled or removed: run what is due and wait anew. */
    changed: (id: string): Promise<void> => pass(id),
    /** Stops every timer; a proposal under way is completed at the next start. */
    close(): void {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type ScheduleRunner = ReturnType<typeof createScheduleRunner>;
