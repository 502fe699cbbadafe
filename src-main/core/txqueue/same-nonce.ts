// Several transactions of Vigil's can hold one nonce (an original, its speed-ups, a cancel); once
// one of them is mined, the others are settled by it.
import type { Transaction, TxStatus } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import type { QueueContext } from './queue-context.ts';

/** Holding a nonce and not yet on the chain. */
export const IN_FLIGHT: TxStatus[] = ['approved', 'signed', 'sent'];

/**
 * A later transaction Vigil made for the same nonce (a speed-up or a cancel) in one of these
 * statuses. Only later ones count, so that when the newest is dropped too, the older ones
 * can be found dropped after it instead of each keeping the other alive.
 */
export function laterForSameNonce(
  queue: QueueContext,
  tx: Transaction,
  statuses: TxStatus[],
): Transaction | undefined {
  if (tx.nonce === null) return undefined;
  return queue.store
    .listTransactions({ chainId: tx.chainId, from: tx.from, statuses })
    .find((other) => other.nonce === tx.nonce && other.id > tx.id);
}

/** The others for the winner's nonce, once it is mined: cancelled by it, or replaced. */
export function settleSiblings(queue: QueueContext, winner: Transaction): void {
  const losers = queue.store
    .listTransactions({
      chainId: winner.chainId,
      from: winner.from,
      statuses: ['approved', 'signed', 'sent'],
    })
    .filter((tx) => tx.nonce === winner.nonce && tx.id !== winner.id);
  for (const loser of losers) {
    if (winner.kind === 'cancel')
      queue.transition(loser, 'cancelled', {
        audit: auditActions.txCancelled,
        note: `cancelled by tx ${winner.id}`,
        details: { by: winner.id },
      });
    else
      queue.transition(loser, 'replaced', {
        audit: auditActions.txReplaced,
        note: `nonce ${winner.nonce} was mined by tx ${winner.id}`,
        details: { by: winner.id },
      });
  }
}
