// One figure in a card's stats row: a label, the value formatted for people, and (for tests and
// tools) the raw number in data-value.
import { formatDuration } from '../format.ts';

/** Beyond this, time since the store was last at the head is worth a second look. */
const LAG_SECONDS_WARNING = 30;
export function Stat({
  label,
  value,
  warn,
  testId,
  rawValue,
}: {
  label: string;
  value: string;
  warn?: boolean;
  testId?: string;
  rawValue?: number | null;
}) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd
        className={warn ? 'warn' : undefined}
        data-testid={testId}
        data-value={rawValue === undefined || rawValue === null ? undefined : String(rawValue)}
      >
        {value}
      </dd>
    </div>
  );
}

/** Seconds since the store was last at the chain's head. */
export function LagTimeStat({ seconds, testId }: { seconds: number | null; testId: string }) {
  return (
    <Stat
      label="Lag (time)"
      value={formatDuration(seconds)}
      warn={(seconds ?? 0) > LAG_SECONDS_WARNING}
      testId={testId}
      rawValue={seconds}
    />
  );
}
