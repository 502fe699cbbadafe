// The parts of an imported event rule every format shares: the event's signature as sources
// write it, the event and transaction conditions joined, and the channels a rule may have.
import { describe, expect, it } from 'vitest';
import {
  bothConditions,
  eventSignature,
  ruleChannels,
} from '../../../src-main/core/importers/shared/event-rules.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

describe('imported event rules', () => {
  it('writes tuples out in an event signature, arrays of them too', () => {
    expect(
      eventSignature({
        name: 'Settled',
        inputs: [
          { type: 'uint256' },
          {
            type: 'tuple[]',
            components: [{ type: 'address' }, { type: 'tuple', components: [{ type: 'bytes32' }] }],
          },
        ],
      }),
    ).toBe('Settled(uint256,(address,(bytes32))[])');
  });

  it('brackets an `or` when both conditions must hold, and keeps a lone one as it is', () => {
    const both = bothConditions('value > 10 or to == 0x00', 'tx.from == 0x01');
    expect(both).toBe('(value > 10 or to == 0x00) and tx.from == 0x01');
    expect(() => parseCondition(both)).not.toThrow();
    expect(bothConditions('a > 1 or b > 2', '')).toBe('a > 1 or b > 2');
    expect(bothConditions('', '')).toBe('');
  });

  it('notifies each channel once, at most ten, and in-app when the source names none', () => {
    const hook = (n: number) => ({
      type: 'webhook' as const,
      url: `https://hooks.example/${n}`,
      format: 'json' as const,
    });
    expect(ruleChannels([hook(1), hook(2), hook(1)])).toEqual([hook(1), hook(2)]);
    expect(ruleChannels(Array.from({ length: 12 }, (_, n) => hook(n)))).toHaveLength(10);
    expect(ruleChannels([])).toEqual([{ type: 'in-app' }]);
  });
});
