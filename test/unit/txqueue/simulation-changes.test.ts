// Approval stops if anything changed since the operator looked: each branch of
// simulationChanges on its own, its boundary (equal is not a change), and several at once.
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../../src-main/ipc/contract.ts';
import { simulationChanges } from '../../../src-main/core/txqueue/index.ts';

const shown: Simulation = {
  id: 'shown',
  at: 1,
  blockNumber: 10,
  success: true,
  revertReason: null,
  revertData: null,
  returnData: '0x01',
  gasEstimate: '50000',
  baseFeePerGas: '1000',
  nonce: 7,
  gasLimit: '60000',
  fees: { type: 'eip1559', maxFeePerGas: '3000', maxPriorityFeePerGas: '1000' },
  maxTotalCost: '180000005',
  balance: '10000000000',
};
const reverting: Simulation = {
  ...shown,
  success: false,
  revertReason: 'Error("paused")',
  revertData: '0x08c379a0',
  returnData: null,
  gasEstimate: null,
};
const fresh = (patch: Partial<Simulation>): Simulation => ({ ...shown, id: 'fresh', ...patch });

describe('simulationChanges', () => {
  it('finds nothing when only the block, the time and fees within the caps moved', () => {
    expect(
      simulationChanges(
        shown,
        fresh({
          blockNumber: 11,
          at: 2,
          baseFeePerGas: '3000',
          gasEstimate: '60000',
          balance: '180000005',
        }),
      ),
    ).toEqual([]);
    expect(simulationChanges(reverting, { ...reverting, id: 'again' })).toEqual([]);
  });

  it.each<[string, Simulation, Simulation, string]>([
    [
      'a call that now reverts',
      shown,
      fresh({ success: false, revertReason: 'Error("paused")', returnData: null }),
      'it now reverts: Error("paused")',
    ],
    ['a call that no longer reverts', reverting, { ...shown, id: 'fresh' }, 'it no longer reverts'],
    [
      'a different revert reason',
      reverting,
      { ...reverting, revertReason: 'Panic(0x11: arithmetic overflow)' },
      'the revert reason changed: Error("paused") → Panic(0x11: arithmetic overflow)',
    ],
    [
      'different return data',
      shown,
      fresh({ returnData: '0x02' }),
      'its return data changed: 0x01 → 0x02',
    ],
    ['another nonce', shown, fresh({ nonce: 8 }), 'the nonce it would use changed: 7 → 8'],
    [
      'more gas than the shown limit',
      shown,
      fresh({ gasEstimate: '60001' }),
      'it now needs 60001 gas, more than the gas limit shown (60000)',
    ],
    [
      'a base fee above the shown EIP-1559 cap',
      shown,
      fresh({ baseFeePerGas: '3001' }),
      'the base fee (3001 wei) rose above the fee cap shown (3000 wei)',
    ],
    [
      'a base fee above the shown legacy gas price',
      { ...shown, fees: { type: 'legacy', gasPrice: '2500' } },
      fresh({ baseFeePerGas: '2501' }),
      'the base fee (2501 wei) rose above the fee cap shown (2500 wei)',
    ],
    [
      'a balance one wei short of the most it can cost',
      shown,
      fresh({ balance: '180000004' }),
      "the signer's balance (180000004 wei) no longer covers the most it can cost (180000005 wei)",
    ],
  ])('stops for %s', (_case, before, after, change) => {
    expect(simulationChanges(before, after)).toEqual([change]);
  });

  it('compares amounts as integers, not as text', () => {
    // As strings "9" > "60000"; as numbers it is well within the limit.
    expect(simulationChanges(shown, fresh({ gasEstimate: '9', balance: '99999999999' }))).toEqual(
      [],
    );
    expect(simulationChanges(shown, fresh({ baseFeePerGas: '999' }))).toEqual([]);
  });

  it('does not compare what a fresh result leaves out (no estimate, no base fee)', () => {
    expect(simulationChanges(shown, fresh({ gasEstimate: null, baseFeePerGas: null }))).toEqual([]);
  });

  it('lists every change at once, in a fixed order', () => {
    expect(
      simulationChanges(
        shown,
        fresh({
          success: false,
          revertReason: 'Error("paused")',
          nonce: 9,
          gasEstimate: '70000',
          baseFeePerGas: '4000',
          balance: '1',
        }),
      ).map((change) => change.split(':')[0]!.split(' (')[0]),
    ).toEqual([
      'it now reverts',
      'the nonce it would use changed',
      'it now needs 70000 gas, more than the gas limit shown',
      'the base fee',
      "the signer's balance",
    ]);
  });
});
