// evaluatePolicy: every limit refuses on its own (the rest of the proposal within limits), at its
// boundary the equal value passes and one more is refused, and an approval lists every limit.
import { encodeFunctionData } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  checkPolicyOnSave,
  DAY_MS,
  evaluatePolicy,
  HOUR_MS,
  type PolicyProposal,
  type PolicyUsage,
  type PolicyUsageRecord,
} from '../../../src-main/core/automation/index.ts';
import {
  CHAIN_ID,
  OTHER,
  policyContext,
  policyInput,
  SIGNER,
  TARGET,
  VAULT_ABI,
} from './policy-fixtures.ts';

const NOW = 10 * DAY_MS;
const policy = checkPolicyOnSave(policyInput(), policyContext());

const pauseData = encodeFunctionData({ abi: VAULT_ABI, functionName: 'pause' });
const transferData = (amount: bigint) =>
  encodeFunctionData({ abi: VAULT_ABI, functionName: 'transfer', args: [OTHER, amount] });

/** Within every limit: pause(), no value, 50 wei per gas, 10 000 gas (500 000 wei of fees at most). */
const proposal = (overrides: Partial<PolicyProposal> = {}): PolicyProposal => ({
  chainId: CHAIN_ID,
  from: SIGNER,
  to: TARGET,
  value: 0n,
  data: pauseData,
  maxFeePerGas: 50n,
  gasLimit: 10_000n,
  simulation: { success: true },
  ...overrides,
});

const record = (overrides: Partial<PolicyUsageRecord> = {}): PolicyUsageRecord => ({
  policyId: policy.id,
  chainId: CHAIN_ID,
  signer: SIGNER,
  at: NOW - 1_000,
  value: 0n,
  maxFeeCost: 0n,
  ...overrides,
});

const usage = (overrides: Partial<PolicyUsage> = {}): PolicyUsage => ({
  paused: false,
  approved: [],
  ...overrides,
});

describe('evaluatePolicy', () => {
  it('approves a proposal within every limit and lists each limit with its value', () => {
    const verdict = evaluatePolicy(proposal(), policy, usage(), NOW);
    expect(verdict).toEqual({
      approved: true,
      checks: [
        { limit: 'switch', value: 'running', allowed: 'running' },
        { limit: 'enabled', value: 'enabled', allowed: 'enabled' },
        { limit: 'chain', value: String(CHAIN_ID), allowed: String(CHAIN_ID) },
        { limit: 'signer', value: SIGNER, allowed: SIGNER },
        { limit: 'target', value: TARGET, allowed: TARGET },
        {
          limit: 'function',
          value: 'pause()',
          allowed: 'pause(), transfer(address,uint256)',
        },
        { limit: 'condition', value: 'none', allowed: 'any arguments' },
        { limit: 'maxValuePerTx', value: '0', allowed: '100' },
        { limit: 'maxFeePerGas', value: '50', allowed: '50' },
        { limit: 'dailyBudget', value: '500000', allowed: '1000000' },
        { limit: 'maxPerHour', value: '1', allowed: '2' },
        { limit: 'simulation', value: 'succeeds', allowed: 'succeeds' },
      ],
    });
  });

  const refusals: {
    name: string;
    proposal?: Partial<PolicyProposal>;
    usage?: Partial<PolicyUsage>;
    enabled?: boolean;
    limit: string;
    value: string;
    reason: RegExp;
  }[] = [
    {
      name: 'the switch paused',
      usage: { paused: true },
      limit: 'switch',
      value: 'paused',
      reason: /paused/,
    },
    {
      name: 'the policy disabled',
      enabled: false,
      limit: 'enabled',
      value: 'disabled',
      reason: /disabled/,
    },
    {
      name: 'another chain',
      proposal: { chainId: 1 },
      limit: 'chain',
      value: '1',
      reason: /on chain 1; the policy covers chain 31337/,
    },
    {
      name: 'another signer',
      proposal: { from: OTHER },
      limit: 'signer',
      value: OTHER,
      reason: /sends only from/,
    },
    {
      name: 'a target not listed',
      proposal: { to: OTHER },
      limit: 'target',
      value: OTHER,
      reason: /not a target/,
    },
    {
      name: 'a contract creation',
      proposal: { to: null },
      limit: 'target',
      value: 'contract creation',
      reason: /not a target/,
    },
    {
      name: 'a function not allowed (an overload of an allowed name counts as another)',
      proposal: {
        data: encodeFunctionData({ abi: VAULT_ABI, functionName: 'mint', args: [5n] }),
      },
      limit: 'function',
      value: '0xa0712d68',
      reason: /not an allowed function of Vault/,
    },
    {
      name: 'no call data',
      proposal: { data: '0x' },
      limit: 'function',
      value: 'no call data',
      reason: /not an allowed function/,
    },
    {
      name: 'an argument outside its condition (one over)',
      proposal: { data: transferData(1001n) },
      limit: 'condition',
      value: 'false',
      reason: /do not meet the condition amount <= 1000/,
    },
    {
      name: 'arguments that do not decode',
      proposal: { data: transferData(1n).slice(0, 20) as `0x${string}` },
      limit: 'condition',
      value: 'arguments do not decode',
      reason: /do not decode as transfer\(address,uint256\)/,
    },
    {
      name: 'value one wei over the cap',
      proposal: { value: 101n },
      limit: 'maxValuePerTx',
      value: '101',
      reason: /over the policy's 100 wei/,
    },
    {
      name: 'fee one wei per gas over the cap',
      proposal: { maxFeePerGas: 51n, gasLimit: 1n },
      limit: 'maxFeePerGas',
      value: '51',
      reason: /over the policy's 50/,
    },
    {
      name: 'the daily budget one wei short',
      usage: { approved: [record({ value: 1n, maxFeeCost: 500_000n })] },
      limit: 'dailyBudget',
      value: '1000001',
      reason: /would reach 1000001 wei in 24 hours \(500001 approved before, at most 500000 now\)/,
    },
    {
      name: 'the rate reached',
      usage: { approved: [record(), record({ at: NOW - HOUR_MS + 1 })] },
      limit: 'maxPerHour',
      value: '3',
      reason: /approved 2 in the last hour; it allows 2/,
    },
    {
      name: 'a reverting simulation',
      proposal: { simulation: { success: false, revertReason: 'Pausable: paused' } },
      limit: 'simulation',
      value: 'reverts',
      reason: /reverts \(Pausable: paused\); a policy never approves a reverting call/,
    },
    {
      name: 'no simulation',
      proposal: { simulation: null },
      limit: 'simulation',
      value: 'not simulated',
      reason: /not simulated/,
    },
  ];

  it.each(refusals)('refuses $name, stopped by that limit alone', (row) => {
    const verdict = evaluatePolicy(
      proposal(row.proposal),
      { ...policy, enabled: row.enabled ?? true },
      usage(row.usage),
      NOW,
    );
    expect(verdict.approved).toBe(false);
    if (verdict.approved) return;
    expect(verdict.stoppedBy).toMatchObject({ limit: row.limit, value: row.value });
    expect(verdict.stoppedBy.reason).toMatch(row.reason);
  });

  const boundaries: {
    name: string;
    proposal?: Partial<PolicyProposal>;
    usage?: Partial<PolicyUsage>;
  }[] = [
    { name: 'an argument exactly at its condition', proposal: { data: transferData(1000n) } },
    { name: 'value exactly the cap', proposal: { value: 100n } },
    { name: 'fee exactly the cap', proposal: { maxFeePerGas: 50n } },
    {
      name: 'the daily budget reached exactly',
      usage: { approved: [record({ value: 100n, maxFeeCost: 499_900n })] },
    },
    {
      name: 'spending older than 24 hours, by another signer or on another chain',
      usage: {
        approved: [
          record({ value: 1_000_000n, at: NOW - DAY_MS }),
          record({ value: 1_000_000n, signer: OTHER, policyId: 'other' }),
          record({ value: 1_000_000n, chainId: 1, policyId: 'other' }),
        ],
      },
    },
    {
      name: 'the rate one short, other policies and approvals an hour old not counted',
      usage: {
        approved: [
          record(),
          record({ at: NOW - HOUR_MS }),
          record({ policyId: 'other' }),
          record({ policyId: 'other' }),
        ],
      },
    },
  ];

  it.each(boundaries)('approves $name', (row) => {
    const verdict = evaluatePolicy(proposal(row.proposal), policy, usage(row.usage), NOW);
    expect(verdict).toMatchObject({ approved: true });
  });

  it('counts what other policies of the same signer and chain spent against the daily budget', () => {
    const verdict = evaluatePolicy(
      proposal(),
      policy,
      usage({ approved: [record({ policyId: 'other', value: 500_001n })] }),
      NOW,
    );
    expect(verdict).toMatchObject({ approved: false, stoppedBy: { limit: 'dailyBudget' } });
  });

  it('reads tx.value in a condition as the transaction value', () => {
    const guarded = checkPolicyOnSave(
      policyInput({
        targets: [
          { address: TARGET, functions: [{ function: 'pause', condition: 'tx.value == 0' }] },
        ],
      }),
      policyContext(),
    );
    expect(evaluatePolicy(proposal(), guarded, usage(), NOW)).toMatchObject({ approved: true });
    expect(evaluatePolicy(proposal({ value: 1n }), guarded, usage(), NOW)).toMatchObject({
      approved: false,
      stoppedBy: { limit: 'condition', value: 'false' },
    });
  });
});
