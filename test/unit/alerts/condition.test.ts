// The condition language: parsing with column-accurate errors, exact numbers, formatting that
// reads back to the same tree, type checks against an event's ABI, and exact evaluation.
import { describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../../src-main/ipc/contract.ts';
import {
  compileCondition,
  formatCondition,
  parseCondition,
  resolveEvent,
  reviewCondition,
} from '../../../src-main/core/alerts/index.ts';
import { ConditionSyntaxError } from '../../../src-main/core/rule-syntax/index.ts';
import { demoTokenAbi, emitterAbi } from '../../../resources/contracts/abis.ts';

const token = { id: '1:0xtoken', name: 'DemoToken', abi: demoTokenAbi };
const emitter = { id: '1:0xemitter', name: 'Emitter', abi: emitterAbi };
const transfer = resolveEvent(token, 'Transfer');
const mixed = resolveEvent(emitter, 'Mixed');

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

function syntaxError(text: string): { message: string; column: number } {
  try {
    parseCondition(text);
  } catch (error) {
    if (error instanceof ConditionSyntaxError)
      return { message: error.message, column: error.offset + 1 };
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('parsing', () => {
  it('reads the issue’s example into a tree with exact numbers', () => {
    const { condition } = parseCondition(
      `value > 1_000_000e18 and to in [${alice}, ${bob.toLowerCase()}]`,
    );
    expect(condition).toEqual({
      type: 'all',
      conditions: [
        {
          type: 'compare',
          field: 'value',
          op: '>',
          value: { type: 'number', value: `1000000${'0'.repeat(18)}` },
        },
        {
          type: 'compare',
          field: 'to',
          op: 'in',
          value: {
            type: 'list',
            items: [
              { type: 'hex', value: alice },
              { type: 'hex', value: bob.toLowerCase() },
            ],
          },
        },
      ],
    });
  });

  it('gives and precedence over or, and reads not, parentheses, strings, booleans and paths', () => {
    const { condition } = parseCondition(
      `a == 1 or b == 2 and not (payment.amount >= 1.5e18) or note contains "it's \\"x\\"" and flag != false and amounts[2] < -3`,
    );
    expect(formatCondition(condition)).toBe(
      `a == 1 or (b == 2 and not (payment.amount >= 15e17)) or (note contains "it's \\"x\\"" and flag != false and amounts[2] < -3)`,
    );
  });

  it('writes text that reads back to the same tree', () => {
    const samples = [
      `value > 1000000e18 and to in [${alice}, ${bob}]`,
      'not (a == 1 or b == 2) and c contains 0xdead',
      `x == "line\\nbreak" or (y != true and z in [])`,
      '',
    ];
    for (const text of samples) {
      const tree = parseCondition(text).condition;
      expect(parseCondition(formatCondition(tree)).condition).toEqual(tree);
    }
  });

  it('points at the column of what does not parse, and says what to write', () => {
    expect(syntaxError('value > ')).toEqual({
      column: 9,
      message: expect.stringMatching(/expected a value after >.*found the end/),
    });
    expect(syntaxError('value = 5')).toEqual({
      column: 7,
      message: expect.stringMatching(/use ==/),
    });
    expect(syntaxError('value > 1.5')).toEqual({
      column: 9,
      message: expect.stringMatching(/not a whole number/),
    });
    expect(syntaxError('value > 1e-3')).toEqual({
      column: 9,
      message: expect.stringMatching(/not a whole number/),
    });
    expect(syntaxError('(value > 1 and to == 0xab')).toEqual({
      column: 26,
      message: expect.stringMatching(/expected \) to close the \( at column 1/),
    });
    expect(syntaxError('to in [0xabc…, 0xdef]')).toEqual({
      column: 13,
      message: expect.stringMatching(/write the value in full/),
    });
    expect(syntaxError('value > 1 to == 2')).toEqual({
      column: 11,
      message: expect.stringMatching(/expected "and", "or" or the end/),
    });
    expect(syntaxError('value > 1__0')).toEqual({
      column: 9,
      message: expect.stringMatching(/underscore/),
    });
    expect(syntaxError('note == "open')).toEqual({
      column: 9,
      message: expect.stringMatching(/no closing "/),
    });
    expect(syntaxError('value && 1')).toEqual({
      column: 7,
      message: expect.stringMatching(/use "and"/),
    });
  });
});

describe('checking against the event', () => {
  const problems = (text: string, event = transfer) => reviewCondition(event, { text }).problems;

  it('refuses an argument the event does not have, suggesting the near one', () => {
    expect(problems('valu > 5')).toEqual([
      {
        code: 'CONDITION_UNKNOWN_FIELD',
        message:
          'Transfer on DemoToken has no argument "valu"; it has from, to, value, tx (did you mean value?)',
        path: '',
        line: 1,
        column: 1,
      },
    ]);
    expect(problems('payment.amout > 1', mixed)[0]).toMatchObject({
      code: 'CONDITION_UNKNOWN_FIELD',
      message: expect.stringMatching(/payment has no field "amout"; it has who, amount/),
    });
  });

  it('refuses comparing an address with a number, at the value’s column', () => {
    expect(problems('value > 1 and to == 5')).toEqual([
      {
        code: 'CONDITION_TYPE_MISMATCH',
        message:
          'to is an address; it cannot be compared with the number 5 (write a 0x-address of 40 hex digits)',
        path: 'conditions[1]',
        line: 1,
        column: 21,
      },
    ]);
  });

  it('refuses orderings on addresses, numbers out of range, bad checksums, structs and wrong list items', () => {
    expect(problems(`to > ${alice}`)[0]!.message).toMatch(/addresses have no order/);
    expect(problems('value > -1')[0]!.message).toMatch(/outside the range of value \(uint256/);
    expect(problems(`to == ${alice.replace('C8', 'c8')}`)[0]!.message).toMatch(/checksum/);
    expect(problems('payment > 1', mixed)[0]!.message).toMatch(
      /payment is a struct \(who, amount\); compare one of its fields/,
    );
    expect(problems(`from in [${alice}, 7]`)[0]).toMatchObject({
      column: 54,
      message: expect.stringMatching(/number 7/),
    });
    expect(problems('amounts contains "x"', mixed)[0]!.message).toMatch(
      /^amounts\[i\] is an integer \(uint256\); it cannot be compared with the string "x"/,
    );
  });

  it('accepts what fits, including transaction fields and list membership', () => {
    expect(problems(`tx.from == ${alice} and tx.value >= 1e18`)).toEqual([]);
    expect(
      problems(
        'amounts contains 2 and signedValue < -1e18 and note contains "vault" and flag == true',
        mixed,
      ),
    ).toEqual([]);
  });
});

describe('evaluation', () => {
  const compiled = (text: string, event = transfer) =>
    compileCondition(parseCondition(text).condition, event.fields, event.label);

  it('compares uint256 values exactly as bigint, beyond what a double can hold', () => {
    const rule = compiled(
      'value > 115792089237316195423570985008687907853269984665640564039457584007913129639934',
    );
    expect(
      rule.test({
        args: {
          value: '115792089237316195423570985008687907853269984665640564039457584007913129639935',
        },
      }),
    ).toBe(true);
    expect(
      rule.test({
        args: {
          value: '115792089237316195423570985008687907853269984665640564039457584007913129639934',
        },
      }),
    ).toBe(false);
    const exact = compiled('value == 9007199254740993');
    expect(exact.test({ args: { value: '9007199254740993' } })).toBe(true);
    expect(exact.test({ args: { value: '9007199254740992' } })).toBe(false);
  });

  it('compares addresses case-insensitively, in lists too', () => {
    const rule = compiled(`to in [${alice.toLowerCase()}, ${bob}]`);
    expect(rule.test({ args: { to: alice } })).toBe(true);
    expect(rule.test({ args: { to: bob.toLowerCase() } })).toBe(true);
    expect(rule.test({ args: { to: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' } })).toBe(false);
  });

  it('looks into arrays, structs and strings; signed integers stay signed', () => {
    const rule = compiled(
      'amounts contains 2 and payment.amount == 42e18 and signedValue < 0 and not (note contains "rug")',
      mixed,
    );
    const args = {
      amounts: ['0', '1', '2'],
      payment: { who: alice, amount: `42${'0'.repeat(18)}` },
      signedValue: '-5',
      note: 'vault rebalance',
    };
    expect(rule.test({ args })).toBe(true);
    expect(rule.test({ args: { ...args, amounts: ['0', '1'] } })).toBe(false);
    expect(rule.test({ args: { ...args, signedValue: '5' } })).toBe(false);
    expect(rule.test({ args: { ...args, note: 'rug pull' } })).toBe(false);
  });

  it('reads transaction fields only for conditions that name them', () => {
    expect(compiled('value > 0').needsTransaction).toBe(false);
    const rule = compiled(`tx.from == ${alice} and tx.value > 0`);
    expect(rule.needsTransaction).toBe(true);
    expect(rule.test({ args: {}, tx: { from: alice.toLowerCase(), to: null, value: '1' } })).toBe(
      true,
    );
    expect(rule.test({ args: {}, tx: { from: alice, to: null, value: '0' } })).toBe(false);
  });

  it('treats the empty condition as matching everything', () => {
    expect(compiled('').test({ args: {} })).toBe(true);
    const tree: ConditionNode = { type: 'all', conditions: [] };
    expect(formatCondition(tree)).toBe('');
  });
});
