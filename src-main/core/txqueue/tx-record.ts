// Small facts about a transaction record that several parts of the queue need.
import type { Transaction, TxStatus } from '../../ipc/contract.ts';

/** Sent to the network and not yet final: the tracker follows these. */
export const TRACKED_STATUSES: readonly TxStatus[] = ['signed', 'sent', 'mined'];

/** When the transaction was last sent (its timeline's newest `sent`), or null. */
export function lastSentAt(tx: Transaction): number | null {
  for (let index = tx.timeline.length - 1; index >= 0; index--) {
    const entry = tx.timeline[index]!;
    if (entry.status === 'sent') return entry.at;
  }
  return null;
}

/** The audit subject of a transaction. */
export const txSubject = (id: number): string => `tx:${id}`;
