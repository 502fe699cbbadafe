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
import {
  eventFields,
  listConditionFields,
} from '../../../src-main/core/alerts/condition-fields.ts';
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

describe('text without regard to case, and prefixes and suffixes', () => {
  const problems = (text: string, event = mixed) => reviewCondition(event, { text }).problems;
  const compiled = (text: string, event = mixed) =>
    compileCondition(parseCondition(text).condition, event.fields, event.label);
  const keyed = resolveEvent(emitter, 'Keyed');
  const note = resolveEvent(emitter, 'Note');

  it('writes lower(…) and the new operators back as text that reads to the same tree', () => {
    for (const text of [
      'lower(note) == "vault"',
      'lower(note) starts_with "re" or note ends_with "X"',
      'not (lower(note) in ["a", "b"]) and lower(note) contains "rug"',
      'key starts_with 0xab and key ends_with 0x00ff',
    ]) {
      const tree = parseCondition(text).condition;
      expect(formatCondition(tree)).toBe(text);
      expect(parseCondition(formatCondition(tree)).condition).toEqual(tree);
    }
    // The builder's tree, never parsed, writes the same text.
    expect(
      formatCondition({
        type: 'compare',
        field: 'note',
        op: '!=',
        value: { type: 'string', value: 'x' },
        ignoreCase: true,
      }),
    ).toBe('lower(note) != "x"');
  });

  it('offers the builder the new operators, and ignore case for text only', () => {
    const fields = listConditionFields(mixed.fields);
    expect(fields.find((field) => field.name === 'note')).toEqual({
      name: 'note',
      type: 'string',
      ops: ['==', '!=', 'in', 'contains', 'starts_with', 'ends_with'],
      ignoreCase: true,
    });
    expect(fields.find((field) => field.name === 'payment.who')).toEqual({
      name: 'payment.who',
      type: 'address',
      ops: ['==', '!=', 'in'],
    });
  });

  it('refuses lower(…) on anything but text, and a literal with capitals, at the right column', () => {
    expect(problems('lower(flag) == true')).toEqual([
      {
        code: 'CONDITION_TYPE_MISMATCH',
        message: 'lower(…) applies to text; flag is a boolean',
        path: '',
        line: 1,
        column: 7,
      },
    ]);
    expect(problems(`lower(payment.who) == ${alice.toLowerCase()}`)[0]!.message).toBe(
      'lower(…) applies to text; payment.who is an address; an address is compared without regard to case already, so write payment.who == …',
    );
    expect(problems('lower(note) == "Vault"')).toEqual([
      {
        code: 'CONDITION_TYPE_MISMATCH',
        message:
          'lower(note) == "Vault" can never match: lower(note) has no capital letters; write "vault"',
        path: '',
        line: 1,
        column: 16,
      },
    ]);
    expect(problems('lower(note) != "Vault"')[0]!.message).toMatch(
      /^lower\(note\) != "Vault" always holds/,
    );
    expect(problems('lower(note) in ["ok", "No"]')[0]).toMatchObject({
      column: 23,
      message: expect.stringMatching(
        /^the item "No" can never equal lower\(note\): lower\(note\) has no capital letters; write "no"$/,
      ),
    });
    expect(problems('lower(note) == "ok" and lower(note) contains "ß"')).toEqual([]);
  });

  it('refuses starts_with and ends_with outside text and bytes, and bytes literals that are not whole bytes', () => {
    expect(problems('signedValue starts_with 1')[0]!.message).toBe(
      'starts_with does not apply to signedValue, which is an integer (int256); use ==, !=, <, <=, >, >=, in',
    );
    expect(problems('amounts ends_with 2')[0]!.message).toMatch(
      /^ends_with does not apply to amounts, which is a list \(uint256\[\]\); use contains/,
    );
    expect(problems('key starts_with 0xabc', keyed)[0]!.message).toBe(
      '0xabc has an odd number of hex digits; bytes come in pairs',
    );
    expect(problems(`key ends_with 0x${'00'.repeat(33)}`, keyed)[0]!.message).toBe(
      'key is bytes32: expected at most 64 hex digits, got 66',
    );
    // Equality still wants the whole value.
    expect(problems('key == 0xab', keyed)[0]!.message).toBe(
      'key is bytes32: expected 64 hex digits, got 2',
    );
    expect(problems('note starts_with 5')[0]!.message).toMatch(/write text in quotes/);
  });

  it('compares lowercased text under lower(…), exactly otherwise', () => {
    const lowered = compiled('lower(text) == "vault"', note);
    const exact = compiled('text == "vault"', note);
    for (const text of ['vault', 'Vault', 'VAULT']) {
      expect(lowered.test({ args: { text } })).toBe(true);
      expect(exact.test({ args: { text } })).toBe(text === 'vault');
    }
    expect(lowered.test({ args: { text: 'vaults' } })).toBe(false);
    const notVault = compiled('lower(text) != "vault"', note);
    expect(notVault.test({ args: { text: 'VaUlT' } })).toBe(false);
    expect(notVault.test({ args: { text: 'safe' } })).toBe(true);
    const oneOf = compiled('lower(text) in ["a", "b"]', note);
    expect([oneOf.test({ args: { text: 'B' } }), oneOf.test({ args: { text: 'c' } })]).toEqual([
      true,
      false,
    ]);
    expect(
      compiled('lower(text) contains "rug"', note).test({ args: { text: 'A RUG PULL' } }),
    ).toBe(true);
  });

  it('looks for a text in a list of texts without regard to case under lower(…)', () => {
    const fields = eventFields({
      type: 'event',
      name: 'Tagged',
      inputs: [{ name: 'tags', type: 'string[]' }],
    });
    const tagged = (text: string) =>
      compileCondition(parseCondition(text).condition, fields, 'Tagged');
    const args = { tags: ['Ops', 'URGENT'] };
    expect(tagged('lower(tags) contains "urgent"').test({ args })).toBe(true);
    expect(tagged('tags contains "urgent"').test({ args })).toBe(false);
    expect(tagged('lower(tags) contains "other"').test({ args })).toBe(false);
  });

  it('tests prefixes and suffixes of text, and of bytes at whole bytes', () => {
    const prefix = compiled('text starts_with "re"', note);
    expect(prefix.test({ args: { text: 'refund' } })).toBe(true);
    expect(prefix.test({ args: { text: 'Refund' } })).toBe(false);
    expect(prefix.test({ args: { text: 'prefund' } })).toBe(false);
    expect(compiled('lower(text) starts_with "re"', note).test({ args: { text: 'REFUND' } })).toBe(
      true,
    );
    const suffix = compiled('lower(text) ends_with "fund"', note);
    expect(suffix.test({ args: { text: 'ReFUND' } })).toBe(true);
    expect(suffix.test({ args: { text: 'funds' } })).toBe(false);
    const key = `0xab${'00'.repeat(29)}c0ffee`;
    expect(compiled('key starts_with 0xAB00', keyed).test({ args: { key } })).toBe(true);
    expect(compiled('key ends_with 0xc0ffee', keyed).test({ args: { key } })).toBe(true);
    expect(compiled('key ends_with 0xc0ff', keyed).test({ args: { key } })).toBe(false);
    expect(compiled('key starts_with 0xb0', keyed).test({ args: { key } })).toBe(false);
    // A value that is not text (an undecoded row) matches nothing, without throwing.
    expect(prefix.test({ args: null })).toBe(false);
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
