// The condition language's syntax errors, each with its message and column as the rule editor
// shows them, and the literals that must read exactly (escapes, signs, e-notation, underscores).
import { describe, expect, it } from 'vitest';
import type { ConditionNode, ConditionValue } from '../../../src-main/ipc/contract.ts';
import { parseCondition } from '../../../src-main/core/alerts/index.ts';
import {
  ConditionSyntaxError,
  positionOf,
} from '../../../src-main/core/rule-syntax/parse-condition.ts';

function syntaxError(text: string): [string, number] {
  try {
    parseCondition(text);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) {
      expect(error.name).toBe('ConditionSyntaxError');
      return [error.message, error.offset + 1];
    }
    throw error;
  }
  throw new Error(`${text} parsed`);
}

const refusals: [string, string, number][] = [
  ['value > 1…', '"…" stands for elided text; write the value in full', 10],
  ['to == 0x12…', '"…" stands for elided text; write the value in full', 11],
  ['to == 0x', '0x must be followed by hex digits', 7],
  ['to == 0x12g4', '0x12g is not hex: after 0x come only the digits 0-9 and a-f', 11],
  ['value > 12a', 'unexpected "a" after the number 12', 11],
  ['payment.', 'expected a name after "."', 9],
  ['value > 1 || value < 0', 'use "or" instead of ||', 11],
  ['value ! 1', 'use "not" (or != to compare)', 7],
  ['value > 1 $', 'unexpected character "$"', 11],
  ['note == "a\\qb"', 'unknown escape \\q; use \\n, \\t, \\\\, \\" or \\uXXXX', 11],
  ['value > 1e', '1e: the exponent after "e" is missing', 9],
  ['value > 1e1001', '1e1001: the exponent is too large', 9],
  [
    'value > 1.5',
    '1.5 is not a whole number; on-chain amounts are integers (write 15e17, not 1.5)',
    9,
  ],
  [
    'value > 15e-1',
    '15e-1 is not a whole number; on-chain amounts are integers (write 15e17, not 1.5)',
    9,
  ],
  ['value > 1__0', '1__0: an underscore may only stand between digits', 9],
  ['value > 1_e5', '1_e5: an underscore may only stand between digits', 9],
  ['and', 'expected a field name, found the keyword "and"', 1],
  [
    'value',
    'expected an operator after value (==, !=, <, <=, >, >=, in, contains, starts_with, ends_with), found the end',
    6,
  ],
  ['lower(note) ~ "a"', 'unexpected character "~"', 13],
  ['lower(note', 'expected ) after lower(note, found the end', 11],
  ['lower("x") == "x"', 'expected a field name inside lower( ), found ""x""', 7],
  [
    'lower(note) is "x"',
    'expected an operator after lower(note) (==, !=, <, <=, >, >=, in, contains, starts_with, ends_with), found "is"',
    13,
  ],
  ['starts_with == 1', 'expected a field name, found the keyword "starts_with"', 1],
  ['value not in [1]', 'write not (value in […]) instead of "not in"', 7],
  ['value == and', 'expected a value after ==, found the keyword "and"', 10],
  [
    'value in [1,',
    'expected a value after in (a number, 0x-address, "string", true/false or [list]), found the end',
    13,
  ],
  ['value in [1 2]', 'expected , or ] in the list that starts at column 10, found "2"', 13],
  ['value in [1, in]', 'expected a value after in, found the keyword "in"', 14],
  ['value == true and', 'expected a condition, found the end', 18],
  ['value > 1 value', 'expected "and", "or" or the end, found "value"', 11],
  ['value > 1 )', 'expected "and", "or" or the end, found ")"', 11],
  ['(value > 1', 'expected ) to close the ( at column 1, found the end', 11],
  [
    'value == other',
    'expected a value after ==, found the name other; put text in quotes ("other")',
    10,
  ],
  ['note == "line\nbreak"', 'the string has no closing "', 9],
  ['note == "a\\', 'unknown escape \\; use \\n, \\t, \\\\, \\" or \\uXXXX', 11],
  ['note == "\\xu0041"', 'unknown escape \\x; use \\n, \\t, \\\\, \\" or \\uXXXX', 10],
  ['to == 0x…', '"…" stands for elided text; write the value in full', 9],
  ['value > -x', 'unexpected character "-"', 9],
  ['value == --1', 'unexpected character "-"', 10],
  ['value > 1_', '1_: an underscore may only stand between digits', 9],
  ['value > 1e_5', '1e_5: an underscore may only stand between digits', 9],
  ['value > 1e+_5', '1e+_5: an underscore may only stand between digits', 9],
  ['1 == 1', 'expected a field name (an event argument such as value, or tx.from), found "1"', 1],
  [') == 1', 'expected a field name (an event argument such as value, or tx.from), found ")"', 1],
  [
    'value == )',
    'expected a value after == (a number, 0x-address, "string", true/false or [list]), found ")"',
    10,
  ],
  ['value in [[1]]', 'expected a value in the list, found "["', 11],
  ['value in [,1]', 'expected a value in the list, found ","', 11],
  ['value in [1 ) 2]', 'expected , or ] in the list that starts at column 10, found ")"', 13],
  ['(value > 1]', 'expected ) to close the ( at column 1, found "]"', 11],
  // The column of the ( on its own line, not counted from the last line break of the text.
  ['(value > 1\n  and value < 5', 'expected ) to close the ( at column 1, found the end', 27],
  ["value > 1 'x'", 'unexpected "\'x\'"', 11],
];

const readings: [string, ConditionNode][] = [
  [
    'note == "a\\u0041\\n\\t\\r\\\\\\"\\\'"',
    { type: 'compare', field: 'note', op: '==', value: { type: 'string', value: 'aA\n\t\r\\"\'' } },
  ],
  [
    'value > -0',
    { type: 'compare', field: 'value', op: '>', value: { type: 'number', value: '0' } },
  ],
  ['', { type: 'all', conditions: [] }],
  [
    'value in []',
    { type: 'compare', field: 'value', op: 'in', value: { type: 'list', items: [] } },
  ],
  [
    "note == 'single'",
    { type: 'compare', field: 'note', op: '==', value: { type: 'string', value: 'single' } },
  ],
  [
    'amounts[1] == 2',
    { type: 'compare', field: 'amounts[1]', op: '==', value: { type: 'number', value: '2' } },
  ],
  [
    'value > 2.50e1',
    { type: 'compare', field: 'value', op: '>', value: { type: 'number', value: '25' } },
  ],
  [
    'value >= 1_000e-3',
    { type: 'compare', field: 'value', op: '>=', value: { type: 'number', value: '1' } },
  ],
  [
    'amounts[12] == 2',
    { type: 'compare', field: 'amounts[12]', op: '==', value: { type: 'number', value: '2' } },
  ],
  [
    'note starts_with "0x"',
    { type: 'compare', field: 'note', op: 'starts_with', value: { type: 'string', value: '0x' } },
  ],
  [
    'LOWER(note) ENDS_WITH "vault"',
    {
      type: 'compare',
      field: 'note',
      op: 'ends_with',
      value: { type: 'string', value: 'vault' },
      ignoreCase: true,
    },
  ],
  // A field may be called lower; only lower( starts the function.
  [
    'lower == "x"',
    { type: 'compare', field: 'lower', op: '==', value: { type: 'string', value: 'x' } },
  ],
  // The largest exponent taken.
  [
    'value > 1e1000',
    {
      type: 'compare',
      field: 'value',
      op: '>',
      value: { type: 'number', value: `1${'0'.repeat(1000)}` },
    },
  ],
];

describe('condition syntax', () => {
  it.each(refusals)('refuses %j: %s (column %i)', (text, message, column) => {
    expect(syntaxError(text)).toEqual([message, column]);
  });

  it.each(readings)('reads %j exactly', (text, tree) => {
    expect(parseCondition(text).condition).toEqual(tree);
  });

  it('records where each comparison and each literal stands, for errors found later', () => {
    const text = 'value >= 10 and\n  to in [0x1, "b"]';
    const { condition, comparisonSpans, valueSpans } = parseCondition(text);
    const [amount, to] = (condition as { conditions: ConditionNode[] }).conditions as [
      ConditionNode & { type: 'compare' },
      ConditionNode & { type: 'compare' },
    ];
    const at = (start: number, end: number) => ({ start, end });
    expect(comparisonSpans.get(amount)).toEqual({
      field: at(0, 5),
      op: at(6, 8),
      value: at(9, 11),
    });
    expect(comparisonSpans.get(to)).toEqual({
      field: at(18, 20),
      op: at(21, 23),
      value: at(24, 34),
    });
    const list = to.value as ConditionValue & { type: 'list' };
    expect(valueSpans.get(amount.value)).toEqual(at(9, 11));
    expect(valueSpans.get(list)).toEqual(at(24, 34));
    expect(list.items.map((item) => valueSpans.get(item))).toEqual([at(25, 28), at(30, 33)]);
    expect(positionOf(text, 18)).toEqual({ line: 2, column: 3 });
    expect(positionOf(text, 9)).toEqual({ line: 1, column: 10 });
  });
});
