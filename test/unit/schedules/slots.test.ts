import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import {
  MISSED_REASON,
  planDueSlots,
  slotAfter,
  slotsBetween,
  SUPERSEDED_REASON,
  type SlotTiming,
} from '../../../src-main/core/schedules/index.ts';

const at = (iso: string): number => Date.parse(iso);
const created = at('2026-03-01T10:00:00.500Z');
const everyTwo: SlotTiming = { everySeconds: 2, timezone: 'UTC', createdAt: created };
const nineInParis: SlotTiming = { cron: '0 9 * * *', timezone: 'Europe/Paris', createdAt: 0 };

describe('slot times', () => {
  it('falls at whole periods after an interval schedule was created', () => {
    expect(slotAfter(everyTwo, created - 60_000)).toBe(created + 2_000);
    expect(slotAfter(everyTwo, created)).toBe(created + 2_000);
    expect(slotAfter(everyTwo, created + 2_000)).toBe(created + 4_000);
    expect(slotAfter(everyTwo, created + 2_001)).toBe(created + 4_000);
  });

  it('reads a cron expression in its time zone, across a daylight-saving change', () => {
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC once summer time starts (29 March).
    expect(slotAfter(nineInParis, at('2026-03-27T12:00:00Z'))).toBe(at('2026-03-28T08:00:00Z'));
    expect(slotAfter(nineInParis, at('2026-03-28T12:00:00Z'))).toBe(at('2026-03-29T07:00:00Z'));
  });

  it('takes six fields as seconds first', () => {
    const timing: SlotTiming = { cron: '*/15 * * * * *', timezone: 'UTC', createdAt: 0 };
    expect(slotAfter(timing, at('2026-01-01T00:00:14.999Z'))).toBe(at('2026-01-01T00:00:15Z'));
    expect(slotAfter(timing, at('2026-01-01T00:00:15Z'))).toBe(at('2026-01-01T00:00:30Z'));
  });

  it('names the cron field when the expression does not parse', () => {
    const bad: SlotTiming = { cron: '61 * * * *', timezone: 'UTC', createdAt: 0 };
    expect(() => slotAfter(bad, 0)).toThrow(VigilError);
    expect(() => slotAfter(bad, 0)).toThrow(/^cron: 61 \* \* \* \* does not parse/);
  });

  it('lists the slots in (after, now], a slot at now included, the newest when capped', () => {
    expect(slotsBetween(everyTwo, created + 2_000, created + 8_000, 10)).toEqual({
      slots: [created + 4_000, created + 6_000, created + 8_000],
      more: false,
    });
    expect(slotsBetween(everyTwo, created, created + 20_000, 3)).toEqual({
      slots: [created + 16_000, created + 18_000, created + 20_000],
      more: true,
    });
    expect(slotsBetween(everyTwo, created + 8_000, created + 9_999, 10).slots).toEqual([]);
    const hourly: SlotTiming = { cron: '0 * * * *', timezone: 'UTC', createdAt: 0 };
    expect(
      slotsBetween(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'), 10),
    ).toEqual({
      slots: [at('2026-01-01T01:00:00Z'), at('2026-01-01T02:00:00Z'), at('2026-01-01T03:00:00Z')],
      more: false,
    });
    expect(slotsBetween(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'), 2)).toEqual(
      {
        slots: [at('2026-01-01T02:00:00Z'), at('2026-01-01T03:00:00Z')],
        more: true,
      },
    );
  });
});

describe('planning the slots that came due', () => {
  it('runs the one slot that just fell', () => {
    expect(
      planDueSlots(everyTwo, { after: created, now: created + 2_010, windowMs: 5_000 }),
    ).toEqual({ run: created + 2_000, skipped: [] });
  });

  it('has nothing to do before the next slot', () => {
    expect(
      planDueSlots(everyTwo, { after: created + 2_000, now: created + 3_000, windowMs: 5_000 }),
    ).toEqual({ run: null, skipped: [] });
  });

  it('runs only the newest slot within the window; older ones are superseded or missed', () => {
    const plan = planDueSlots(everyTwo, {
      after: created,
      now: created + 10_500,
      windowMs: 5_000,
    });
    expect(plan.run).toBe(created + 10_000);
    expect(plan.skipped).toEqual([
      { slotAt: created + 2_000, reason: MISSED_REASON },
      { slotAt: created + 4_000, reason: MISSED_REASON },
      { slotAt: created + 6_000, reason: SUPERSEDED_REASON },
      { slotAt: created + 8_000, reason: SUPERSEDED_REASON },
    ]);
  });

  it('runs nothing when even the newest slot is older than the window', () => {
    const plan = planDueSlots(nineInParis, {
      after: at('2026-01-01T00:00:00Z'),
      now: at('2026-01-03T12:00:00Z'),
      windowMs: 3_600_000,
    });
    expect(plan).toEqual({
      run: null,
      skipped: [
        { slotAt: at('2026-01-01T08:00:00Z'), reason: MISSED_REASON },
        { slotAt: at('2026-01-02T08:00:00Z'), reason: MISSED_REASON },
        { slotAt: at('2026-01-03T08:00:00Z'), reason: MISSED_REASON },
      ],
    });
  });

  it('lists a long absence one slot at a time up to a cap, and says so on the oldest listed', () => {
    const plan = planDueSlots(everyTwo, {
      after: created,
      now: created + 3_600_000,
      windowMs: 0,
      limit: 4,
    });
    expect(plan.run).toBe(created + 3_600_000);
    expect(plan.skipped.map((slot) => slot.slotAt)).toEqual([
      created + 3_594_000,
      created + 3_596_000,
      created + 3_598_000,
    ]);
    expect(plan.skipped[0]!.reason).toMatch(
      /^missed while Vigil was not running; outside the catch-up window \(earlier slots since 2026-03-01T10:00:00.500Z were missed too/,
    );
    expect(plan.skipped[1]!.reason).toBe(MISSED_REASON);
  });
});
