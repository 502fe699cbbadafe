// A Kwala trigger's RepeatEvery as a Vigil schedule's timing. Kwala documents two time forms: an
// interval in seconds ("60", "3600", "86400") and a five-field cron pattern ("0 9 * * *"), read
// in UTC; `event` repeats on the trigger event and NA runs once, neither a schedule.
import { VigilError } from '../../errors/index.ts';
import { parseCron } from '../../schedules/index.ts';

export type RepeatTiming = { cron: string } | { everySeconds: number };

// ScheduleInput's bounds: at least a second, at most a (leap) year.
const longestInterval = 366 * 24 * 3600;

/** The timing of a RepeatEvery that is neither `event` nor unset, or why it is not one. */
export function readRepeatTiming(
  repeat: string,
): { ok: true; timing: RepeatTiming } | { ok: false; reason: string } {
  const text = repeat.trim();
  if (/^[0-9]+$/.test(text)) {
    const seconds = Number(text);
    if (seconds < 1 || seconds > longestInterval)
      return {
        ok: false,
        reason: `an interval of ${text} seconds is outside what a Vigil schedule repeats at (1 second to 366 days)`,
      };
    return { ok: true, timing: { everySeconds: seconds } };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    return {
      ok: false,
      reason: `${JSON.stringify(repeat)} is neither an interval in seconds nor a five-field cron pattern`,
    };
  try {
    parseCron(text, 'UTC');
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return { ok: false, reason: error.message.replace(/^cron: /, 'the cron pattern ') };
  }
  return { ok: true, timing: { cron: fields.join(' ') } };
}

/** "every 3600 seconds", "at 0 9 * * * (cron, UTC)": how a note names the timing. */
export function describeTiming(timing: RepeatTiming): string {
  return 'cron' in timing
    ? `at ${timing.cron} (cron, UTC)`
    : `every ${timing.everySeconds} second${timing.everySeconds === 1 ? '' : 's'}`;
}
