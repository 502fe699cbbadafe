// The policy editor's draft: amounts typed in ETH and gwei reach main in exact wei and come back
// the same; what only the form can see is caught before sending; the server's refusal lands
// under the field it names, without the path repeated in front of its message.
import { describe, expect, it } from 'vitest';
import type { AutomationPolicy } from '../../../src-main/ipc/contract.ts';
import {
  draftOf,
  emptyDraft,
  errorsOfRefusal,
  inputOfDraft,
  unclaimedErrors,
  type PolicyDraft,
} from '../../../src-renderer/src/policy-draft.ts';
import { etherToWei, gweiToWei } from '../../../src-renderer/src/units.ts';

const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const SIGNER = '0x70997970C51812dc3A010C7d01b50e20d6DC79C8';

const draft = (change: Partial<PolicyDraft> = {}): PolicyDraft => ({
  ...emptyDraft(31337, SIGNER),
  name: 'Top up',
  targets: [
    {
      key: 1,
      address: TOKEN,
      functions: [
        { signature: 'transfer(address,uint256)', condition: ' value <= 1000 ' },
        { signature: 'approve(address,uint256)', condition: '' },
      ],
    },
  ],
  maxValueEther: '0.5',
  maxFeeGwei: '1.5',
  dailyBudgetEther: '1,000.25',
  maxPerHour: '4',
  ...change,
});

describe('policy draft', () => {
  it('converts ETH and gwei to exact wei, with signatures and trimmed conditions', () => {
    expect(inputOfDraft(draft())).toEqual({
      input: {
        name: 'Top up',
        chainId: 31337,
        signer: SIGNER,
        targets: [
          {
            address: TOKEN,
            functions: [
              { function: 'transfer(address,uint256)', condition: 'value <= 1000' },
              { function: 'approve(address,uint256)' },
            ],
          },
        ],
        maxValuePerTx: '500000000000000000',
        maxFeePerGas: '1500000000',
        dailyBudget: '1000250000000000000000',
        maxPerHour: 4,
        enabled: false,
      },
    });
  });

  it('refuses what only the form can see, by the paths the server uses', () => {
    const built = inputOfDraft(
      draft({
        maxValueEther: '1.2.3',
        maxFeeGwei: '0.0000000001',
        dailyBudgetEther: '',
        maxPerHour: '2.5',
        targets: [
          { key: 1, address: TOKEN, functions: [] },
          { key: 2, address: '', functions: [] },
        ],
      }),
    );
    expect(built.errors).toEqual({
      maxValuePerTx: 'Not an amount: write a decimal amount, e.g. 0.5.',
      maxFeePerGas: 'Not an amount: write a decimal amount, e.g. 0.5.',
      dailyBudget: 'Not an amount: write a decimal amount, e.g. 0.5.',
      maxPerHour: 'Must be a whole number, e.g. 4.',
      'targets[0].functions': 'Allow at least one function.',
      'targets[1].address': 'Choose a watched contract.',
    });
  });

  it('reads a stored policy back into the units it was typed in', () => {
    const built = inputOfDraft(draft());
    if (built.errors) throw new Error('expected an input');
    const stored = {
      ...built.input,
      id: 'top-up',
      targets: [
        {
          address: TOKEN,
          contractName: 'DemoToken',
          functions: [
            {
              name: 'transfer',
              signature: 'transfer(address,uint256)',
              selector: '0xa9059cbb',
              condition: 'value <= 1000',
              abi: {},
            },
          ],
        },
      ],
      createdAt: 1,
      updatedAt: 1,
    } as AutomationPolicy;
    const back = draftOf(stored);
    expect(back).toMatchObject({
      id: 'top-up',
      chainId: '31337',
      maxValueEther: '0.5',
      maxFeeGwei: '1.5',
      dailyBudgetEther: '1000.25',
      maxPerHour: '4',
    });
    expect(back.targets[0]!.functions).toEqual([
      { signature: 'transfer(address,uint256)', condition: 'value <= 1000' },
    ]);
    expect(inputOfDraft(back).errors).toBeUndefined();
  });

  it("puts the server's refusal under the field it names, without the path in front", () => {
    const field = 'targets[0].functions[0].condition';
    const errors = errorsOfRefusal({
      code: 'CONDITION_UNKNOWN_FIELD',
      message: `${field}: transfer has no argument amount (did you mean value?)`,
      field,
    });
    expect(errors).toEqual({ [field]: 'Transfer has no argument amount (did you mean value?)' });
    const boundary = errorsOfRefusal({
      code: 'INVALID_INPUT',
      message: 'automation.policies.save: name: must not be empty',
      field: 'name',
    });
    expect(boundary).toEqual({ name: 'Must not be empty' });
    expect(errorsOfRefusal({ code: 'INTERNAL', message: 'disk full' })).toEqual({
      form: 'Disk full',
    });
    expect(unclaimedErrors({ name: 'a', form: 'b' }, (path) => path === 'name')).toEqual(['b']);
  });

  it('converts units exactly, refusing more places than the unit has', () => {
    expect(etherToWei('1')).toBe('1000000000000000000');
    expect(etherToWei('.000000000000000001')).toBe('1');
    expect(etherToWei('0.0000000000000000001')).toBeNull();
    expect(gweiToWei('30')).toBe('30000000000');
    expect(gweiToWei('0.000000001')).toBe('1');
    expect(gweiToWei('0.0000000001')).toBeNull();
    expect(gweiToWei('abc')).toBeNull();
  });
});
