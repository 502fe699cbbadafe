// What the person is shown before signing: the value read in the chain's own currency, with the
// exact wei that is signed beside it; on a chain Vigil does not know, only the wei, no guess.
import { describe, expect, it } from 'vitest';
import type { Simulation, Transaction } from '../../../src-main/ipc/contract.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import { describeGatedRequest } from '../../../src-main/core/approvals/index.ts';

const shown = {
  success: true,
  nonce: 4,
  gasLimit: '21000',
  maxTotalCost: '63000000000000',
  revertReason: null,
} as Partial<Simulation> as Simulation;

function summaryOn(chainId: number): string[] {
  const tx = {
    id: 7,
    chainId,
    status: 'proposed',
    from: '0x00000000000000000000000000000000000000aa',
    to: '0x00000000000000000000000000000000000000bb',
    value: '1500000000000000000',
    data: '0x',
    call: { kind: 'transfer' },
    simulation: shown,
  } as Partial<Transaction> as Transaction;
  // The one store read the describer makes: the stored transaction it signs.
  const store = { findTransaction: (id: number) => (id === 7 ? tx : undefined) } as Store;
  return describeGatedRequest('txs.approve', { id: 7 }, store)!.summary;
}

describe('the approval summary of a transfer', () => {
  it('reads ETH on Ethereum and POL on Polygon, with the exact wei', () => {
    expect(summaryOn(1)).toContain('Value 1.5 ETH (1500000000000000000 wei)');
    expect(summaryOn(137)).toContain('Value 1.5 POL (1500000000000000000 wei)');
    expect(summaryOn(137)).toContain(
      'Nonce 4, gas limit 21000, at most 0.000063 POL (63000000000000 wei) in all',
    );
  });

  it('shows only wei on a chain whose currency is not known', () => {
    expect(summaryOn(987_654_321)).toContain('Value 1500000000000000000 wei');
  });
});
