// When a rule armed by time (its chain's head unknown then) counts an event as coming after it:
// block timestamps are whole seconds, so a block of the arming second counts.
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import { armedFor } from '../../../src-main/core/alerts/event-rule.ts';

const row = (blockTimestamp: number | null, blockNumber = 10) =>
  ({ blockTimestamp, blockNumber }) as EventRow;

describe('armedFor', () => {
  it('counts a block of the second the rule was armed in, and later ones, not earlier ones', () => {
    const rule = { armedAt: 1_700_000_000_750, armedBlock: null };
    expect(armedFor(rule, row(1_700_000_000))).toBe(true);
    expect(armedFor(rule, row(1_700_000_001))).toBe(true);
    expect(armedFor(rule, row(1_699_999_999))).toBe(false);
    expect(armedFor(rule, row(null))).toBe(true);
  });

  it('goes by block when the head was known, and never fires for a rule not armed', () => {
    expect(armedFor({ armedAt: 1, armedBlock: 10 }, row(0, 10))).toBe(false);
    expect(armedFor({ armedAt: 1, armedBlock: 10 }, row(0, 11))).toBe(true);
    expect(armedFor({ armedAt: null, armedBlock: null }, row(2_000_000_000))).toBe(false);
  });
});
