// A moment as every view shows it: local time with the date, the UTC form on hover and to
// screen readers through the title, and optionally how long ago it was (live tables, feeds).
import { useEffect, useState } from 'react';
import { localTime, relativeTime, utcTime } from '../format.ts';

/** The time now, moving every few seconds, so "x min ago" and snoozes keep up on screen. */
export function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function Time({ ms, relative = false }: { ms: number; relative?: boolean }) {
  return relative ? <RelativeTime ms={ms} /> : <AbsoluteTime ms={ms} />;
}

function AbsoluteTime({ ms }: { ms: number }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={utcTime(ms)}>
      {localTime(ms)}
    </time>
  );
}

function RelativeTime({ ms }: { ms: number }) {
  const now = useNow();
  return (
    <time dateTime={new Date(ms).toISOString()} title={`${localTime(ms)} (${utcTime(ms)})`}>
      {relativeTime(ms, now)}
    </time>
  );
}
