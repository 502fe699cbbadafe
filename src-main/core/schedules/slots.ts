// When a schedule's slots fall, and which of the slots that came due should run. Pure: the time is
// given, so a restart, a sleep or a slow start are all the same question asked with a later `now`.
import { Cron } from 'croner';
import { VigilError } from '../errors/index.ts';

export interface SlotTiming {
  cron?: string;
  everySeconds?: number;
  /** IANA name; the cron expression's hours and days are read in it. */
  timezone: string;
  /** An interval's slots fall at whole periods after this (the schedule's creation). */
  createdAt: number;
}

export const MISSED_REASON = 'missed while Vigil was not running; outside the catch-up window';
export const SUPERSEDED_REASON = 'superseded by a later slot';

/** Most slots one plan lists one by one; older ones are noted on the oldest listed. */
export const MAX_LISTED_SLOTS = 500;

/** Parses a cron expression as croner does, naming the field when it does not. */
export function parseCron(expression: string, timezone: string, field = 'cron'): Cron {
  try {
    return new Cron(expression, { paused: true, timezone });
  } catch (error) {
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: ${expression} does not parse: ${(error as Error).message}`,
      { field },
    );
  }
}

const periodOf = (timing: SlotTiming): number => (timing.everySeconds ?? 0) * 1000;

/** The first slot strictly after `after`; null when a cron expression has none left. */
export function slotAfter(timing: SlotTiming, after: number): number | null {
  if (timing.everySeconds !== undefined) {
    const period = periodOf(timing);
    const index = Math.max(1, Math.floor((after - timing.createdAt) / period) + 1);
    return timing.createdAt + index * period;
  }
  return (
    parseCron(timing.cron ?? '', timing.timezone)
      .nextRun(new Date(after))
      ?.getTime() ?? null
  );
}

/**
 * The slots in (after, now], oldest first, at most `limit` of them (the newest); `more` when
 * older ones were left out.
 */
export function slotsBetween(
  timing: SlotTiming,
  after: number,
  now: number,
  limit: number,
): { slots: number[]; more: boolean } {
  if (timing.everySeconds !== undefined) {
    const period = periodOf(timing);
    const first = Math.max(1, Math.floor((after - timing.createdAt) / period) + 1);
    const last = Math.floor((now - timing.createdAt) / period);
    if (last < first) return { slots: [], more: false };
    const from = Math.max(first, last - limit + 1);
    const slots: number[] = [];
    for (let index = from; index <= last; index++) slots.push(timing.createdAt + index * period);
    return { slots, more: from > first };
  }
  // previousRuns gives slots strictly before its reference: one millisecond on includes `now`.
  const newestFirst = parseCron(timing.cron ?? '', timing.timezone)
    .previousRuns(limit + 1, new Date(now + 1))
    .map((date) => date.getTime())
    .filter((slot) => slot > after);
  const more = newestFirst.length > limit;
  return { slots: newestFirst.slice(0, limit).reverse(), more };
}

export interface SlotPlan {
  /** The one slot to run now; null when none came due or all are too old. */
  run: number | null;
  /** Every other slot that came due, oldest first, with why it does not run. */
  skipped: { slotAt: number; reason: string }[];
}

/**
 * What to do with the slots that came due after `after` (the newest slot already recorded, or
 * when the schedule was armed) up to `now`. Only the newest slot within the window runs: a
 * keeper that missed three harvests harvests once, not three times in a row. The other slots
 * within the window are skipped as superseded, older ones as missed.
 */
export function planDueSlots(
  timing: SlotTiming,
  query: { after: number; now: number; windowMs: number; limit?: number },
): SlotPlan {
  const { slots, more } = slotsBetween(
    timing,
    query.after,
    query.now,
    query.limit ?? MAX_LISTED_SLOTS,
  );
  const newest = slots.at(-1);
  const run = newest !== undefined && query.now - newest <= query.windowMs ? newest : null;
  const skipped = slots
    .filter((slot) => slot !== run)
    .map((slotAt) => ({
      slotAt,
      reason: query.now - slotAt <= query.windowMs ? SUPERSEDED_REASON : MISSED_REASON,
    }));
  if (more && skipped[0])
    skipped[0] = {
      ...skipped[0],
      reason: `${skipped[0].reason} (earlier slots since ${new Date(query.after).toISOString()} were missed too and are not listed one by one)`,
    };
  return { run, skipped };
}
