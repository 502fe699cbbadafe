// checkPolicyOnSave: a good policy comes back resolved (signatures, selectors, canonical
// conditions); each problem is refused with the field it is in. policyWidening: what needs a person.
import { describe, expect, it } from 'vitest';
import {
  checkPolicyOnSave,
  policyWidening,
  type PolicyInput,
} from '../../../src-main/core/automation/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { CHAIN_ID, OTHER, policyContext, policyInput, SIGNER, TARGET } from './policy-fixtures.ts';

function refusal(input: PolicyInput, context = policyContext()): VigilError {
  try {
    checkPolicyOnSave(input, context);
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('checkPolicyOnSave', () => {
  it('resolves functions by name and signature and keeps each condition canonical', () => {
    const policy = checkPolicyOnSave(
      policyInput({
        id: undefined,
        name: 'Top up keeper',
        maxValuePerTx: '0100',
        targets: [
          {
            address: TARGET.toLowerCase(),
            functions: [
              { function: 'transfer', condition: 'amount<=1000  and to == ' + OTHER },
              { function: 'mint(uint256)' },
            ],
          },
        ],
      }),
      policyContext(),
    );
    expect(policy).toMatchObject({
      id: 'top-up-keeper',
      chainId: CHAIN_ID,
      signer: SIGNER,
      maxValuePerTx: '100',
      createdAt: 1_000,
      updatedAt: 1_000,
      targets: [
        {
          address: TARGET,
          contractName: 'Vault',
          functions: [
            {
              name: 'transfer',
              signature: 'transfer(address,uint256)',
              selector: '0xa9059cbb',
              condition: `amount <= 1000 and to == ${OTHER}`,
            },
            { name: 'mint', signature: 'mint(uint256)', selector: '0xa0712d68' },
          ],
        },
      ],
    });
  });

  const refusals: { name: string; input: Partial<PolicyInput>; code: string; field: string }[] = [
    {
      name: 'a chain not configured',
      input: { chainId: 1 },
      code: 'NOT_FOUND',
      field: 'chainId',
    },
    {
      name: 'a signer not in the keychain',
      input: { signer: OTHER },
      code: 'NOT_FOUND',
      field: 'signer',
    },
    {
      name: 'a target that is not watched',
      input: { targets: [{ address: OTHER, functions: [{ function: 'pause' }] }] },
      code: 'NOT_FOUND',
      field: 'targets[0].address',
    },
    {
      name: 'an unknown function',
      input: {
        targets: [{ address: TARGET, functions: [{ function: 'pause' }, { function: 'puase' }] }],
      },
      code: 'NOT_FOUND',
      field: 'targets[0].functions[1].function',
    },
    {
      name: 'an overloaded name',
      input: { targets: [{ address: TARGET, functions: [{ function: 'mint' }] }] },
      code: 'INVALID_INPUT',
      field: 'targets[0].functions[0].function',
    },
    {
      name: 'a condition that does not parse',
      input: {
        targets: [
          { address: TARGET, functions: [{ function: 'transfer', condition: 'amount <' }] },
        ],
      },
      code: 'CONDITION_SYNTAX',
      field: 'targets[0].functions[0].condition',
    },
    {
      name: 'a condition on an argument the function does not have',
      input: {
        targets: [
          {
            address: TARGET,
            functions: [{ function: 'pause' }, { function: 'transfer', condition: 'value > 1' }],
          },
        ],
      },
      code: 'CONDITION_UNKNOWN_FIELD',
      field: 'targets[0].functions[1].condition',
    },
    {
      name: 'a condition of the wrong type',
      input: {
        targets: [{ address: TARGET, functions: [{ function: 'transfer', condition: 'to > 1' }] }],
      },
      code: 'CONDITION_TYPE_MISMATCH',
      field: 'targets[0].functions[0].condition',
    },
    {
      name: 'a function listed twice',
      input: {
        targets: [{ address: TARGET, functions: [{ function: 'pause' }, { function: 'pause()' }] }],
      },
      code: 'INVALID_INPUT',
      field: 'targets[0].functions[1].function',
    },
  ];

  it.each(refusals)('refuses $name, naming $field', (row) => {
    const error = refusal(policyInput(row.input));
    expect({ code: error.code, field: error.field }).toEqual({ code: row.code, field: row.field });
    expect(error.message).toContain(row.field);
  });
});

describe('policyWidening', () => {
  const before = checkPolicyOnSave(policyInput({ enabled: false }), policyContext());
  const after = (input: Partial<PolicyInput>) =>
    checkPolicyOnSave(policyInput({ enabled: false, ...input }), policyContext());

  it('counts creating as widening', () => {
    expect(policyWidening(undefined, before)).toEqual(['Create policy keeper']);
  });

  it.each([
    ['maxValuePerTx', { maxValuePerTx: '101' }],
    ['maxFeePerGas', { maxFeePerGas: '51' }],
    ['dailyBudget', { dailyBudget: '1000001' }],
    ['maxPerHour', { maxPerHour: 3 }],
    ['enabling', { enabled: true }],
    [
      'a function added',
      {
        targets: [
          {
            address: TARGET,
            functions: [
              { function: 'pause' },
              { function: 'transfer', condition: 'amount <= 1000' },
              { function: 'mint(uint256)' },
            ],
          },
        ],
      },
    ],
    [
      'a condition removed',
      {
        targets: [
          { address: TARGET, functions: [{ function: 'pause' }, { function: 'transfer' }] },
        ],
      },
    ],
    [
      'a condition rewritten',
      {
        targets: [
          {
            address: TARGET,
            functions: [
              { function: 'pause' },
              { function: 'transfer', condition: 'amount <= 999' },
            ],
          },
        ],
      },
    ],
  ] as [string, Partial<PolicyInput>][])('counts %s as widening', (_name, input) => {
    expect(policyWidening(before, after(input))).toHaveLength(1);
  });

  it.each([
    ['nothing changed', {}],
    [
      'every limit lowered',
      { maxValuePerTx: '99', maxFeePerGas: '1', dailyBudget: '0', maxPerHour: 1 },
    ],
    ['a function removed', { targets: [{ address: TARGET, functions: [{ function: 'pause' }] }] }],
    [
      'a condition added',
      {
        targets: [
          {
            address: TARGET,
            functions: [
              { function: 'pause', condition: 'tx.value == 0' },
              { function: 'transfer', condition: 'amount <= 1000' },
            ],
          },
        ],
      },
    ],
  ] as [string, Partial<PolicyInput>][])('does not count %s as widening', (_name, input) => {
    expect(policyWidening(before, after(input))).toEqual([]);
  });
});
