// Safe proposals that compete for one Safe nonce: only one of them can ever execute.
import type { Transaction } from '@contract';

/** Live Safe proposals (by id) that share their Safe and Safe nonce with another live one. */
export function safeNonceConflicts(txs: Transaction[]): Set<number> {
  const bySlot = new Map<string, number[]>();
  for (const tx of txs) {
    if (!tx.safe || tx.status !== 'proposed' || tx.safe.settledBy) continue;
    const slot = `${tx.chainId}:${tx.safe.safe.toLowerCase()}:${tx.safe.nonce}`;
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), tx.id]);
  }
  return new Set([...bySlot.values()].filter((ids) => ids.length > 1).flat());
}
