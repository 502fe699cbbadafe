// After an approval takes a lane's nonce, the lane's other proposals are planned again.
import type { Transaction } from '../../ipc/contract.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import type { QueueContext } from './queue-context.ts';
import { simulate } from './simulate-stage.ts';

/**
 * An approval takes the lane's next nonce, so the other proposals of that lane would now sign
 * a different one than they show: simulate them again, so what the operator sees stays what
 * approving would sign.
 */
export function replanLane(queue: QueueContext, approved: Transaction): void {
  const waiting = queue.store
    .listTransactions({ chainId: approved.chainId, from: approved.from, statuses: ['proposed'] })
    .filter((tx) => tx.replacesId === null && tx.simulation !== null);
  for (const tx of waiting.reverse()) {
    void queue.nonces
      .withLane(tx.chainId, tx.from, async () => {
        const current = queue.store.findTransaction(tx.id);
        if (current?.status === 'proposed') await simulate(queue, current, SYSTEM_ACTOR);
      })
      .catch((error: unknown) =>
        queue.log.warn(
          `Simulating transaction ${tx.id} again: ${(error as Error).message.split('\n')[0]}`,
        ),
      );
  }
}
