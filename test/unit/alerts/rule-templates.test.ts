// A rule's proposal templates: typed against the event and the function at save (widths, signs,
// whole arguments only), and filled from the firing's event when it fires.
import { describe, expect, it } from 'vitest';
import { parseAbi, parseAbiItem, type AbiEvent } from 'viem';
import type { FiringEvent, RuleProposeInput } from '../../../src-main/ipc/contract.ts';
import {
  checkProposalTemplates,
  substituteTemplates,
} from '../../../src-main/core/alerts/rule-templates.ts';

const TARGET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const abi = parseAbi([
  'function small(uint8 amount)',
  'function signed(int256 amount)',
  'function signedNarrow(int128 amount)',
  'function record(address account, uint256 amount, bytes32 origin, uint256 blockNumber)',
  'function many(uint256[] amounts)',
]);
const event = parseAbiItem(
  'event LargeWithdrawal(address indexed account, uint128 amount, uint256 tag)',
) as AbiEvent;
const context = { event, abiOf: () => abi };

const proposal = (name: string, args: unknown[], value?: string): RuleProposeInput => ({
  chainId: 1,
  from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  to: TARGET,
  function: { name, args },
  ...(value === undefined ? {} : { value }),
});

const refusal = (propose: RuleProposeInput) => {
  try {
    checkProposalTemplates(propose, context, 'propose.');
  } catch (error) {
    return error as { code: string; field: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('templates checked when the rule is saved', () => {
  it('stand in as values of their parameter type for the queue to check', () => {
    expect(
      checkProposalTemplates(
        proposal(
          'record',
          [
            '{{event.args.account}}',
            '{{ event.args.amount }}',
            '{{event.transactionHash}}',
            '{{event.blockNumber}}',
          ],
          '{{event.args.tag}}',
        ),
        context,
        'propose.',
      ),
    ).toMatchObject({
      function: {
        name: 'record',
        args: ['0x0000000000000000000000000000000000000000', '0', `0x${'00'.repeat(32)}`, '0'],
      },
    });
  });

  it('take an unsigned value into a wider unsigned or strictly wider signed parameter only', () => {
    expect(refusal(proposal('small', ['{{event.args.amount}}']))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'propose.function.args[0]',
      message: expect.stringContaining('is a uint128; parameter amount of small(uint8) is a uint8'),
    });
    expect(() =>
      checkProposalTemplates(proposal('signed', ['{{event.args.amount}}']), context, ''),
    ).not.toThrow();
    expect(refusal(proposal('signedNarrow', ['{{event.args.amount}}'])).field).toBe(
      'propose.function.args[0]',
    );
  });

  it('stand for a whole argument, never inside one', () => {
    expect(refusal(proposal('many', [['{{event.args.amount}}']]))).toMatchObject({
      field: 'propose.function.args[0]',
      message: expect.stringContaining('stands for a whole argument'),
    });
  });

  it('need an event for its arguments, and the value is wei', () => {
    expect(
      (() => {
        try {
          checkProposalTemplates(
            proposal('signed', ['{{event.args.amount}}']),
            {
              ...context,
              event: null,
            },
            'propose.',
          );
        } catch (error) {
          return (error as Error).message;
        }
      })(),
    ).toContain('needs an event rule');
    expect(refusal(proposal('signed', ['1'], '{{event.transactionHash}}')).field).toBe(
      'propose.value',
    );
  });
});

describe('templates filled when the rule fires', () => {
  const firing: FiringEvent = {
    chainId: 1,
    contractId: `1:${TARGET.toLowerCase()}`,
    address: TARGET,
    blockNumber: 42,
    blockHash: `0x${'ab'.repeat(32)}`,
    logIndex: 0,
    transactionHash: `0x${'cd'.repeat(32)}`,
    blockTimestamp: null,
    eventName: 'LargeWithdrawal',
    args: { account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amount: '5000', tag: '7' },
  };

  it('take the event values, numbers as decimal strings', () => {
    const filled = substituteTemplates(
      {
        ...proposal(
          'record',
          [
            '{{event.args.account}}',
            '{{event.args.amount}}',
            '{{event.transactionHash}}',
            '{{event.blockNumber}}',
          ],
          '{{event.args.tag}}',
        ),
        execute: { policy: 'guardian' },
      },
      firing,
    );
    expect(filled).toEqual({
      ...proposal(
        'record',
        ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '5000', firing.transactionHash, '42'],
        '7',
      ),
    });
  });

  it('refuse an event without the argument', () => {
    expect(() =>
      substituteTemplates(proposal('signed', ['{{event.args.missing}}']), firing),
    ).toThrow(/no decoded argument missing/);
  });
});
