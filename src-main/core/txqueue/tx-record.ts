// Small facts about a transaction record that several parts of the queue need.
import type { Transaction, TxStatus } from '../../ipc/contract.ts';

/** Statuses nothing moves a transaction out of (but a reorg, for mined ones: see the tracker). */
export const FINAL_STATUSES: readonly TxStatus[] = [
  'rejected',
  'confirmed',
  'failed',
  'dropped',
  'replaced',
  'cancelled',
];

/** Sent to the network and not yet final: the tracker follows these. */
export const TRACKED_STATUSES: readonly TxStatus[] = ['signed', 'sent', 'mined'];

export const isFinal = (status: TxStatus): boolean => FINAL_STATUSES.includes(status);

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
