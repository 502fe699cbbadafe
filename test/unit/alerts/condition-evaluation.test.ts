// Every comparison the condition language has, at its boundary, for each kind of value, and the
// matcher every rule runs through (live rules, silence rules and backtests): the same answers.
import type { Abi } from 'viem';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import {
  compileCondition,
  parseCondition,
  resolveEvent,
} from '../../../src-main/core/alerts/index.ts';
import {
  createEventMatcher,
  eventSubject,
  eventSummary,
  firingEvent,
} from '../../../src-main/core/alerts/event-matcher.ts';
import { demoTokenAbi, emitterAbi } from '../../../resources/contracts/abis.ts';

interface Watched {
  id: string;
  name: string;
  chainId: number;
  abi: Abi;
}
const token: Watched = { id: '1:0xtoken', name: 'DemoToken', chainId: 1, abi: demoTokenAbi };
const emitter: Watched = { id: '1:0xemitter', name: 'Emitter', chainId: 1, abi: emitterAbi };
const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

function rule(text: string, contract: Watched, eventName: string) {
  const event = resolveEvent(contract, eventName);
  return compileCondition(parseCondition(text).condition, event.fields, event.label);
}

describe('comparisons at their boundaries', () => {
  const cases: [string, string, Record<string, unknown>, boolean][] = [
    ['value == 10', 'Transfer', { value: '10' }, true],
    ['value == 10', 'Transfer', { value: '11' }, false],
    ['value != 10', 'Transfer', { value: '10' }, false],
    ['value != 10', 'Transfer', { value: '9' }, true],
    ['value < 10', 'Transfer', { value: '9' }, true],
    ['value < 10', 'Transfer', { value: '10' }, false],
    ['value <= 10', 'Transfer', { value: '10' }, true],
    ['value <= 10', 'Transfer', { value: '11' }, false],
    ['value > 10', 'Transfer', { value: '10' }, false],
    ['value > 10', 'Transfer', { value: '11' }, true],
    ['value >= 10', 'Transfer', { value: '10' }, true],
    ['value >= 10', 'Transfer', { value: '9' }, false],
    // A value that is missing or not a number never satisfies an ordering, or equality.
    ['value >= 0', 'Transfer', {}, false],
    ['value >= 0', 'Transfer', { value: 'lots' }, false],
    ['value < 5', 'Transfer', { value: 4 }, true],
    ['value < 5', 'Transfer', { value: 4.5 }, false],
    ['value > 1 or value == 0', 'Transfer', { value: '0' }, true],
    ['value > 1 or value == 0', 'Transfer', { value: '1' }, false],
    ['value > 1 and value < 3', 'Transfer', { value: '2' }, true],
  ];
  it.each(cases)('%s on %s %j → %s', (text, eventName, args, expected) => {
    expect(rule(text, token, eventName).test({ args })).toBe(expected);
  });

  const emitterCases: [string, string, Record<string, unknown>, boolean][] = [
    ['value == true', 'Flag', { value: true }, true],
    ['value == true', 'Flag', { value: false }, false],
    ['value != true', 'Flag', { value: false }, true],
    ['value == false', 'Flag', { value: 'false' }, false],
    ['value < -1', 'Signed', { value: '-2' }, true],
    ['value < -1', 'Signed', { value: '-1' }, false],
    ['text contains "ok"', 'Note', { text: 'it is ok' }, true],
    ['text contains "ok"', 'Note', { text: 'fine' }, false],
    ['text contains "ok"', 'Note', { text: 5 }, false],
    ['text == "ok"', 'Note', { text: 'ok' }, true],
    ['text == "ok"', 'Note', { text: 'OK' }, false],
    // Bytes contain a needle only at a whole byte: "0xab" is in 0x00ab but not in 0x0abc.
    ['data contains 0xab', 'Blob', { data: '0x00ab' }, true],
    ['data contains 0xab', 'Blob', { data: '0x0abc' }, false],
    ['data contains 0xab', 'Blob', { data: '0x0abcab' }, true],
    ['data contains 0xAB', 'Blob', { data: '0xAB' }, true],
    ['data contains 0xab', 'Blob', { data: null }, false],
    [
      'value == 0xAB00000000000000000000000000000000000000000000000000000000000000',
      'Hash',
      { value: `0xab${'0'.repeat(62)}` },
      true,
    ],
    ['list contains 3', 'Amounts', { list: ['1', '3'] }, true],
    ['list contains 3', 'Amounts', { list: 'not a list' }, false],
    [`list contains ${alice}`, 'Addresses', { list: [alice.toLowerCase()] }, true],
    ['signedValue in [1, -1]', 'Mixed', { signedValue: '-1' }, true],
    ['signedValue in [1, -1]', 'Mixed', { signedValue: '0' }, false],
    ['signedValue in [1, -1]', 'Mixed', {}, false],
  ];
  it.each(emitterCases)('%s on %s %j → %s', (text, eventName, args, expected) => {
    expect(rule(text, emitter, eventName).test({ args })).toBe(expected);
  });

  it('reuses a converted value from the row cache, keyed by field and kind', () => {
    const compiled = rule('value > 10', token, 'Transfer');
    const cache = new Map<string, unknown>();
    expect(compiled.test({ args: { value: '11' }, cache })).toBe(true);
    expect([...cache.entries()]).toEqual([['value\u0000integer', 11n]]);
    // The cached value wins over the args: it is the same row.
    expect(compiled.test({ args: { value: '1' }, cache })).toBe(true);
  });

  it('refuses a condition that does not fit the event, naming the field and every problem', () => {
    let error: { code?: string; field?: string; details?: { problems: unknown[] } } = {};
    try {
      rule('nope > 1 and value > 0x01', token, 'Transfer');
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error).toMatchObject({ code: expect.any(String) as unknown, field: 'condition' });
    expect(error.details?.problems.length).toBe(2);
  });
});

const row = (patch: Partial<EventRow>): EventRow => ({
  chainId: 1,
  blockNumber: 812,
  blockHash: '0xblock',
  blockTimestamp: 1_700_000_000,
  logIndex: 3,
  transactionHash: '0xtx',
  transactionIndex: 0,
  address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  contractId: token.id,
  eventName: 'Transfer',
  signature: 'Transfer(address,address,uint256)',
  args: { from: alice, to: alice, value: '5000' },
  topics: [],
  data: '0x',
  status: 'confirmed',
  ...patch,
});

describe('the event matcher', () => {
  const context = { findContract: (id: string) => [token, emitter].find((c) => c.id === id) };

  it('matches the rule’s contract and event when the condition holds, and nothing else', () => {
    const matcher = createEventMatcher(
      { contractId: token.id, eventName: 'Transfer', condition: 'value >= 5000' },
      context as never,
    );
    expect(matcher.eventKey).toBe(`${token.id}|Transfer(address,address,uint256)`);
    expect(matcher.contract).toBe(token);
    expect(matcher.needsTransaction).toBe(false);
    expect(matcher.matches(row({}))).toBe(true);
    expect(matcher.matches(row({ args: { value: '4999' } }))).toBe(false);
    expect(matcher.matches(row({ contractId: emitter.id }))).toBe(false);
    expect(matcher.matches(row({ signature: 'Approval(address,address,uint256)' }))).toBe(false);
  });

  it('passes the transaction to conditions that read it', () => {
    const matcher = createEventMatcher(
      { contractId: token.id, eventName: 'Transfer', condition: `tx.from == ${alice}` },
      context as never,
    );
    expect(matcher.needsTransaction).toBe(true);
    expect(matcher.matches(row({}), { from: alice, to: null, value: '0' })).toBe(true);
    expect(matcher.matches(row({}), { from: token.id, to: null, value: '0' })).toBe(false);
  });

  it('says which contract is no longer watched, as a NOT_FOUND on contractId', () => {
    let error: { code?: string; field?: string; message?: string } = {};
    try {
      createEventMatcher(
        { contractId: '1:0xgone', eventName: 'Transfer', condition: '' },
        context as never,
      );
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'contractId' });
    expect(error.message).toMatch(/The contract 1:0xgone is not watched \(any more\)/);
  });

  it('describes the event: subject, firing event and a short summary', () => {
    expect(eventSubject(row({}))).toBe('event:1:0xblock:3');
    expect(firingEvent(row({}))).toEqual({
      chainId: 1,
      contractId: token.id,
      address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      blockNumber: 812,
      blockHash: '0xblock',
      logIndex: 3,
      transactionHash: '0xtx',
      blockTimestamp: 1_700_000_000,
      eventName: 'Transfer',
      args: { from: alice, to: alice, value: '5000' },
    });
    const transfer = resolveEvent(token, 'Transfer');
    expect(
      eventSummary(row({ args: { a: '1', b: [2], c: { d: 3 }, e: true, f: 'five' } }), transfer),
    ).toBe('Transfer on DemoToken at block 812: a=1, b=[2], c={"d":3}, e=true');
    expect(eventSummary(row({ args: null }), { ...transfer, label: 'X' })).toBe('X at block 812');
  });

  it('reads amounts with the token’s decimals and symbol, and only amounts', () => {
    const transfer = resolveEvent(token, 'Transfer');
    const args = { from: alice, to: alice, value: '12500000000000000000000' };
    const demo = { decimals: 18, symbol: 'DEMO', source: 'chain' as const };
    expect(eventSummary(row({ args }), transfer, demo)).toBe(
      `Transfer on DemoToken at block 812: from=${alice}, to=${alice}, value=12,500 DEMO`,
    );
    // Not a token (no decimals()): the integer, as the chain gave it.
    expect(
      eventSummary(row({ args }), transfer, { decimals: null, symbol: null, source: 'chain' }),
    ).toBe(
      `Transfer on DemoToken at block 812: from=${alice}, to=${alice}, value=12500000000000000000000`,
    );
  });
});

describe('arguments that are missing, undecoded or named tx', () => {
  // An event whose own argument is called tx: the argument shadows the transaction fields.
  const shadowing: Watched = {
    id: '1:0xshadow',
    name: 'Shadow',
    chainId: 1,
    abi: [
      {
        type: 'event',
        name: 'Moved',
        inputs: [{ name: 'tx', type: 'address', indexed: false }],
        anonymous: false,
      },
    ],
  };

  it('an argument named tx is read as the argument, and no transaction is fetched for it', () => {
    const moved = rule(`tx == ${alice}`, shadowing, 'Moved');
    expect(moved.needsTransaction).toBe(false);
    expect(moved.test({ args: { tx: alice.toLowerCase() } })).toBe(true);
    expect(moved.test({ args: { tx: token.id }, tx: { from: alice, to: null, value: '0' } })).toBe(
      false,
    );
  });

  it('a row whose arguments were not decoded (args null) matches no argument, without throwing', () => {
    expect(rule('value >= 0', token, 'Transfer').test({ args: null })).toBe(false);
    expect(rule(`to in [${alice}]`, token, 'Transfer').test({ args: null })).toBe(false);
    // tx.* still reads the transaction.
    const fromAlice = rule(`tx.from == ${alice}`, token, 'Transfer');
    expect(fromAlice.test({ args: null, tx: { from: alice, to: null, value: '0' } })).toBe(true);
  });

  it('a path into a struct or list that is missing or null matches nothing, without throwing', () => {
    const paid = rule('payment.amount >= 1', emitter, 'Paid');
    expect(paid.test({ args: {} })).toBe(false);
    expect(paid.test({ args: { payment: null } })).toBe(false);
    expect(paid.test({ args: { payment: { amount: '1' } } })).toBe(true);
  });
});
