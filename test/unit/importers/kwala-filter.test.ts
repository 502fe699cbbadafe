// Kwala event filters written as Vigil conditions: every documented shape (exact value, > and <,
// a range, a list), NA as no filter, and each refusal with the reason it gives.
import { describe, expect, it } from 'vitest';
import { translateKwalaFilter } from '../../../src-main/core/importers/kwala/kwala-filter.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const transfer = [
  { name: 'from', type: 'address' },
  { name: 'to', type: 'address' },
  { name: 'value', type: 'uint256' },
];
const mixed = [
  { name: 'memo', type: 'string' },
  { name: 'delta', type: 'int256' },
  { name: 'flag', type: 'bool' },
  { name: 'key', type: 'bytes32' },
  { name: 'list', type: 'uint256[]' },
  { name: 'in', type: 'uint256' },
];

const condition = (filter: unknown, parameters = transfer): string => {
  const result = translateKwalaFilter(filter, parameters);
  if (!result.ok) throw new Error(result.reason);
  if (result.condition !== '') parseCondition(result.condition);
  return result.condition;
};
const reason = (filter: unknown, parameters = transfer): string => {
  const result = translateKwalaFilter(filter, parameters);
  if (result.ok) throw new Error(`translated to ${result.condition}`);
  return result.reason;
};

describe('Kwala event filters', () => {
  it('matches every event when unset', () => {
    for (const unset of [undefined, null, 'NA', 'na', 'N/A', '', { value: 'NA' }])
      expect(condition(unset)).toBe('');
  });

  it('writes each documented shape', () => {
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    expect(condition({ from: address })).toBe(`from == ${address.toLowerCase()}`);
    expect(condition({ value: '>1000000000000000000' })).toBe('value > 1000000000000000000');
    expect(condition({ value: '<5' })).toBe('value < 5');
    expect(condition({ value: '>=10,<=20' })).toBe('value >= 10 and value <= 20');
    expect(condition({ to: [address, address.toUpperCase().replace('0X', '0x')] })).toBe(
      `to in [${address.toLowerCase()}, ${address.toLowerCase()}]`,
    );
    expect(condition({ FROM: address, value: '7' })).toBe(
      `from == ${address.toLowerCase()} and value == 7`,
    );
    expect(condition({ memo: 'a, b > c', delta: '<-3', flag: 'TRUE', key: '0xAB' }, mixed)).toBe(
      'memo == "a, b > c" and delta < -3 and flag == true and key == 0xab',
    );
    // Kwala does not document how text matches: it stays exact, and a number is its text.
    expect(condition({ memo: 'Refund' }, mixed)).toBe('memo == "Refund"');
    expect(condition({ memo: 5 }, mixed)).toBe('memo == "5"');
  });

  it('refuses what it cannot keep exactly, saying why', () => {
    expect(reason('value > 5')).toMatch(/not a mapping/);
    expect(reason({ amount: '>5' })).toMatch(
      /"amount" is not an argument of the event \(from, to, value\)/,
    );
    expect(reason({ value: '>1e18' })).toMatch(/whole number/);
    expect(reason({ from: '>0x70997970C51812dc3A010C7d01b50e0d17dc79C8' })).toMatch(
      /orders numbers only/,
    );
    expect(reason({ from: '0x1234' })).toMatch(/20-byte/);
    expect(reason({ list: '1' }, mixed)).toMatch(/uint256\[\] values are not compared/);
    expect(reason({ in: '1' }, mixed)).toMatch(/keyword/);
    expect(reason({ value: [] })).toMatch(/empty list/);
  });
});
