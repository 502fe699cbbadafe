// OZ Monitor expressions into Vigil conditions: what is translated keeps its meaning (the result
// parses as a Vigil condition; names, positions, precedence, address case and OZ Monitor's
// case-insensitive text carry over), and what Vigil would read differently is refused with the
// reason.
import { describe, expect, it } from 'vitest';
import {
  parseOzExpression,
  translateOzExpression,
} from '../../../src-main/core/importers/oz-monitor/oz-expression.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const transfer = [
  { name: 'from', type: 'address' },
  { name: 'to', type: 'address' },
  { name: 'value', type: 'uint256' },
];
const mixed = [
  { name: 'text', type: 'string' },
  { name: 'flag', type: 'bool' },
  { name: 'key', type: 'bytes32' },
  { name: 'delta', type: 'int256' },
  { name: 'ids', type: 'uint256[]' },
];

function translated(expression: string, parameters = transfer): string {
  const result = translateOzExpression(expression, parameters);
  if (!result.ok) throw new Error(result.reason);
  // Every translation must be a condition Vigil reads.
  parseCondition(result.condition);
  return result.condition;
}

function refusal(expression: string, parameters = transfer): string {
  const result = translateOzExpression(expression, parameters);
  if (result.ok) throw new Error(`translated to ${result.condition}`);
  return result.reason;
}

describe('OZ Monitor expressions', () => {
  it('keep AND binding tighter than OR, and parentheses', () => {
    expect(
      translated('value > 5 AND to == 0xAbCdEf0123456789abcdef0123456789ABCDEF01 OR value < 2'),
    ).toBe('(value > 5 and to == 0xabcdef0123456789abcdef0123456789abcdef01) or value < 2');
    expect(translated('value > 5 AND (value < 9 || value == 100)')).toBe(
      'value > 5 and (value < 9 or value == 100)',
    );
    expect(parseOzExpression('a == 1 or b == 2 and c == 3')).toMatchObject({
      type: 'or',
      right: { type: 'and' },
    });
  });

  it('name arguments by position as their ABI names, and quoted addresses as addresses', () => {
    expect(translated("2 >= 1000 && 0 != '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'")).toBe(
      'value >= 1000 and from != 0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
    );
    expect(refusal('3 == 1')).toMatch(/argument 3 does not exist/);
    expect(
      refusal('1 == 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', [
        { name: '', type: 'address' },
        { name: '', type: 'address' },
      ]),
    ).toMatch(/no name in the ABI/);
  });

  it('carry over bool, bytes and negative integers', () => {
    expect(translated('flag == true AND key != 0xAB', mixed)).toBe('flag == true and key != 0xab');
    expect(translated('delta < -100', mixed)).toBe('delta < -100');
  });

  it('compare text without regard to case, as OZ Monitor does, with every text operator', () => {
    expect(translated('text == \'Refund\' OR text != "#42"', mixed)).toBe(
      'lower(text) == "refund" or lower(text) != "#42"',
    );
    expect(
      translated("text contains 'VAULT' AND text starts_with 'Re' AND 0 ends_with 'ÉTÉ'", mixed),
    ).toBe(
      'lower(text) contains "vault" and lower(text) starts_with "re" and lower(text) ends_with "été"',
    );
    // What Vigil checks a lower(…) literal for: no capital letters left.
    const literal = /"([^"]*)"$/.exec(translated("text == 'ΣΟΦΊΑ İstanbul'", mixed))![1]!;
    expect(literal).toBe(literal.toLowerCase());
  });

  it('refuse what Vigil would read differently, saying why', () => {
    expect(refusal('ids contains 1', mixed)).toMatch(/uint256\[\] values/);
    // OZ Monitor matches bytes as hex text; Vigil finds bytes at byte boundaries.
    expect(refusal('key starts_with 0xab', mixed)).toBe(
      'key starts_with 0xab: starts_with on bytes has no exact Vigil equivalent',
    );
    expect(refusal('key == 0xabc', mixed)).toMatch(/odd number of digits/);
    expect(refusal("text > 'a'", mixed)).toMatch(/> orders numbers only, and this is string/);
    expect(refusal('value starts_with 1')).toMatch(/starts_with does not apply to numbers/);
    expect(refusal('to ends_with 0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toMatch(
      /an address is compared with == or != only/,
    );
    expect(refusal('value > 1.5')).toMatch(/whole number/);
    expect(refusal('to > 0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toMatch(
      /orders numbers only/,
    );
    expect(refusal('amount > 1')).toMatch(/"amount" is not an argument \(from, to, value\)/);
    expect(refusal('payment.amount > 1')).toMatch(/inside a tuple/);
    expect(refusal('value > ')).toMatch(/does not parse: expected a value/);
    expect(refusal('value > 1 value')).toMatch(/does not parse: unexpected/);
  });

  it('map transaction fields to tx.* when given', () => {
    const result = translateOzExpression(
      'value > 0 AND from == 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      [],
      {
        from: { vigilField: 'tx.from', type: 'address' },
        value: { vigilField: 'tx.value', type: 'uint256' },
      },
    );
    expect(result).toEqual({
      ok: true,
      condition: 'tx.value > 0 and tx.from == 0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
    });
  });
});
