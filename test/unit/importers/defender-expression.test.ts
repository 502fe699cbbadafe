// Defender monitor conditions written in Vigil's condition language: positional and named
// arguments, `=` and `==`, NOT, precedence, constant arithmetic worked out exactly, and the
// shapes Vigil cannot express refused with the reason.
import { describe, expect, it } from 'vitest';
import {
  translateDefenderExpression,
  type DefenderParameter,
} from '../../../src-main/core/importers/defender/defender-expression.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const transfer: DefenderParameter[] = [
  { name: 'from', type: 'address' },
  { name: 'to', type: 'address' },
  { name: 'value', type: 'uint256' },
];
const treasury = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

function translated(text: string, parameters = transfer): string {
  const result = translateDefenderExpression(text, parameters);
  if (!result.ok) throw new Error(result.reason);
  // Every translation must be a condition Vigil parses.
  parseCondition(result.condition);
  return result.condition;
}

function refused(text: string, parameters = transfer): string {
  const result = translateDefenderExpression(text, parameters);
  if (result.ok) throw new Error(`translated to ${result.condition}`);
  return result.reason;
}

describe('translating Defender conditions', () => {
  it.each([
    ['value > 100', 'value > 100'],
    ['$2 > 100', 'value > 100'],
    [`$0 = ${treasury}`, `from == ${treasury.toLowerCase()}`],
    [`from == "${treasury}"`, `from == ${treasury.toLowerCase()}`],
    ['100 < value', 'value > 100'],
    ['value >= 1000 * 10^6', 'value >= 1000000000'],
    ['value > 2^8 - 1', 'value > 255'],
    ['value > 1.5e18', 'value > 1500000000000000000'],
    ['value > 10 / 4 * 2', 'value > 5'],
    ['value > 7 % 4', 'value > 3'],
    [`NOT (to == ${treasury})`, `not (to == ${treasury.toLowerCase()})`],
    [`not $1 == ${treasury}`, `not (to == ${treasury.toLowerCase()})`],
    ['value < 2 or value > 6 and value != 7', 'value < 2 or (value > 6 and value != 7)'],
    ['(value < 2 or value > 6) and value != 7', '(value < 2 or value > 6) and value != 7'],
    ['value > 1 && value < 9 || value == 0', '(value > 1 and value < 9) or value == 0'],
  ])('%s → %s', (defender, vigil) => {
    expect(translated(defender)).toBe(vigil);
  });

  it('reads each kind of argument with its own literals', () => {
    const kinds: DefenderParameter[] = [
      { name: 'flag', type: 'bool' },
      { name: 'note', type: 'string' },
      { name: 'hash', type: 'bytes32' },
      { name: 'delta', type: 'int256' },
    ];
    expect(translated('flag == true and note != "Paused"', kinds)).toBe(
      'flag == true and note != "Paused"',
    );
    expect(translated('hash == 0xABCD', kinds)).toBe('hash == 0xabcd');
    expect(translated('delta < -1.5e18 + 1', kinds)).toBe('delta < -1499999999999999999');
  });

  it.each([
    ['value * 2 > 1', /arithmetic on arguments/],
    ['value > to', /arithmetic on arguments, or two arguments compared/],
    ['value > 1 / 3', /not a whole number/],
    ['$3 > 1', /\$3 does not exist: there are 3 argument/],
    ['amount > 1', /"amount" is not an argument \(from, to, value\)/],
    [
      'to > 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      /> orders numbers only, and this is address/,
    ],
    ['to == 0x1234', /20-byte 0x address/],
    ['value', /a value, not a condition/],
    ['value > 1 and', /expected a value, found the end/],
    ['value > 1 )', /unexpected "\)"/],
    ['value ~ 1', /cannot read "~ 1"/],
  ])('refuses %s with the reason', (defender, reason) => {
    expect(refused(defender)).toMatch(reason);
  });

  it('refuses a positional argument the ABI leaves unnamed', () => {
    expect(refused('$0 > 1', [{ name: '', type: 'uint256' }])).toMatch(/has no name in the ABI/);
  });

  it('maps transaction fields to tx.* where Vigil reads them too', () => {
    const result = translateDefenderExpression(
      'value == 0 and to != 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      [],
      {
        value: { vigilField: 'tx.value', type: 'uint256' },
        to: { vigilField: 'tx.to', type: 'address' },
      },
    );
    expect(result).toEqual({
      ok: true,
      condition: 'tx.value == 0 and tx.to != 0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
    });
    expect(translateDefenderExpression('gasPrice > 0', [], {})).toMatchObject({ ok: false });
  });
});
