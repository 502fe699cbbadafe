// Which retention changes lower a guard (and so need a person): any dimension kept shorter.
import { describe, expect, it } from 'vitest';
import { shortensRetention } from '../../../src-main/core/approvals/index.ts';

describe('shortensRetention', () => {
  it.each([
    [undefined, { days: 30 }, true],
    [undefined, { events: 1_000_000 }, true],
    [{ days: 30 }, { days: 7 }, true],
    [{ days: 30 }, { days: 30, events: 10 }, true],
    [{ days: 30, events: 10 }, { days: 60 }, false],
    [{ days: 30 }, { days: 30 }, false],
    [{ days: 30 }, { days: 31 }, false],
    [{ days: 30 }, undefined, false],
    // More events kept, but a day limit where there was none: older rows can now go.
    [{ events: 100 }, { days: 9999 }, true],
    [{ events: 100 }, { events: 99 }, true],
  ] as const)('%j → %j: %s', (before, after, shorter) => {
    expect(shortensRetention(before, after)).toBe(shorter);
  });
});
