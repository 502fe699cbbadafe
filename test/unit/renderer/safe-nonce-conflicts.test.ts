// Which Safe proposals the Transactions view marks as a nonce conflict: live proposals of one Safe
// on one chain at one Safe nonce, never a settled one, another Safe's or another chain's.
import { describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src-main/ipc/contract.ts';
import { safeNonceConflicts } from '../../../src-renderer/src/safe-conflicts.ts';

const SAFE = '0x00000000000000000000000000000000000000A1';

function proposal(
  id: number,
  nonce: string,
  extra: {
    chainId?: number;
    safe?: string;
    status?: Transaction['status'];
    settled?: boolean;
  } = {},
): Transaction {
  return {
    id,
    chainId: extra.chainId ?? 1,
    status: extra.status ?? 'proposed',
    safe: {
      safe: extra.safe ?? SAFE,
      nonce,
      settledBy: extra.settled
        ? { kind: 'superseded', txHash: null, proposalId: null, at: 0 }
        : null,
    },
  } as unknown as Transaction;
}

describe('safeNonceConflicts', () => {
  it('marks live proposals sharing a Safe, chain and Safe nonce, and only those', () => {
    const conflicts = safeNonceConflicts([
      proposal(1, '3'),
      proposal(2, '3', { safe: SAFE.toLowerCase() }),
      proposal(3, '4'),
      proposal(4, '3', { chainId: 2 }),
      proposal(5, '3', { safe: '0x00000000000000000000000000000000000000B2' }),
      proposal(6, '4', { status: 'confirmed', settled: true }),
      proposal(7, '4', { status: 'rejected' }),
      { id: 8, status: 'proposed', chainId: 1 } as Transaction,
    ]);
    expect([...conflicts].sort()).toEqual([1, 2]);
  });
});
