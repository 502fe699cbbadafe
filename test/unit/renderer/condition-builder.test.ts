// The condition builder's model against main's parser: what the builder writes parses to the
// tree it shows, and main's tree read into the builder writes back to the same condition.
import { describe, expect, it } from 'vitest';
import {
  builderFromTree,
  builderText,
  emptyGroup,
  newComparison,
  numberText,
} from '../../../src-renderer/src/condition-builder.ts';
import { parseCondition } from '../../../src-main/core/alerts/index.ts';

describe('condition builder', () => {
  it('writes groups, negation and unfinished rows as text main can check', () => {
    const root = emptyGroup('all');
    const big = { ...newComparison('value', '>'), value: '1000e18' };
    const any = {
      ...emptyGroup('any'),
      negated: true,
      children: [
        { ...newComparison('to', 'in'), value: '[0x70997970c51812dc3a010c7d01b50e0d17dc79c8]' },
        { ...newComparison('note', 'contains'), value: '"rug"', negated: true },
      ],
    };
    const prefix = { ...newComparison('note', 'starts_with'), value: '"re"', ignoreCase: true };
    root.children = [big, any, prefix, newComparison('')];
    expect(builderText(root)).toBe(
      'value > 1000e18 and not (to in [0x70997970c51812dc3a010c7d01b50e0d17dc79c8] or not (note contains "rug")) and lower(note) starts_with "re"',
    );
    expect(builderText(emptyGroup())).toBe('');
    expect(builderText({ ...root, children: [{ ...newComparison('value', '>') }] })).toBe(
      'value >',
    );
  });

  it('reads main’s tree back into the same condition, round amounts in e-notation', () => {
    const samples = [
      'value > 1000000e18 and to in [0x70997970C51812dc3A010C7d01b50e0d17dc79C8]',
      'a == 1 or (b == 2 and not (c contains "x"))',
      'not (flag == true)',
      'amounts[0] >= 25e17',
      'lower(note) == "vault" or note ends_with "X"',
      'not (lower(note) in ["a", "b"])',
    ];
    for (const text of samples) {
      const tree = parseCondition(text).condition;
      expect(parseCondition(builderText(builderFromTree(tree))).condition).toEqual(tree);
    }
    expect(builderText(builderFromTree(parseCondition('value > 1_000_000e18').condition))).toBe(
      'value > 1000000e18',
    );
    expect([numberText('5'), numberText('-2500000000000000000'), numberText('1000000000')]).toEqual(
      ['5', '-25e17', '1e9'],
    );
  });
});
