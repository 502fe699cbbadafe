// The console's one way to show a moment (issue 18): local with the date, UTC on hover, and
// "x ago" in live tables.
import { describe, expect, it } from 'vitest';
import { localTime, relativeTime, utcTime } from '../../../src-renderer/src/format.ts';

const at = Date.UTC(2026, 11, 6, 3, 21, 58);

describe('timestamps', () => {
  it('shows local time with the date, and the same moment in UTC', () => {
    expect(localTime(at)).toMatch(/^2026-12-0[56] \d\d:\d\d:58$/);
    expect(utcTime(at)).toBe('2026-12-06 03:21:58 UTC');
  });

  it('says how long ago in live tables, then falls back to the date', () => {
    expect(relativeTime(at, at + 2_000)).toBe('just now');
    expect(relativeTime(at, at + 45_000)).toBe('45 s ago');
    expect(relativeTime(at, at + 12 * 60_000)).toBe('12 min ago');
    expect(relativeTime(at, at + 3 * 3_600_000 + 5)).toBe('3 h ago');
    expect(relativeTime(at, at + 3 * 86_400_000)).toBe(localTime(at).slice(0, 10));
  });
});
