// The tracking stage: sent transactions are followed to mined, confirmed or failed (with the
// reason read on chain), through reorganisations, and found dropped, replaced or stuck; a signed
// one that was never sent is sent again.
import type { Transaction } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import type { QueueContext } from './queue-context.ts';
import { describeRevert, revertDataOf } from './revert-reason.ts';
import { IN_FLIGHT, laterForSameNonce, settleSiblings } from './same-nonce.ts';
import { broadcast } from './sign-and-send.ts';
import { lastSentAt, TRACKED_STATUSES } from './tx-record.ts';

/** How long after its block a final transaction is still checked for a reorganisation. */
const RECENTLY_FINAL_BLOCKS = 64;

/** Polls without a receipt before a transaction missing from the node's pool counts as dropped. */
const MISSES_BEFORE_DROPPED = 2;

interface Receipt {
  blockNumber: string;
  blockHash: string;
  gasUsed: string;
  effectiveGasPrice?: string;
  status: string;
}

/** Why a transaction failed on chain: its call replayed on the state before its block. */
async function revertReasonOnChain(
  queue: QueueContext,
  tx: Transaction,
  blockNumber: number,
): Promise<string> {
  try {
    await queue.rpc(tx.chainId).request('eth_call', [
      {
        from: tx.from,
        to: tx.to,
        value: `0x${BigInt(tx.value).toString(16)}`,
        data: tx.data,
        gas: `0x${BigInt(tx.gasLimit ?? 0).toString(16)}`,
      },
      `0x${Math.max(0, blockNumber - 1).toString(16)}`,
    ]);
    return 'reverted on chain (the call succeeds when replayed; it likely ran out of gas)';
  } catch (error) {
    return describeRevert(revertDataOf(error) ?? null, queue.watchedAbi(tx.chainId, tx.to)?.abi);
  }
}

/** What the tracker keeps between rounds. */
interface TrackerState {
  /** Consecutive checks that found a sent transaction without a receipt and gone from the pool. */
  misses: Map<number, number>;
  closed: boolean;
}

/** One round on one chain: what is in flight or recently final, checked against the chain. */
async function track(
  queue: QueueContext,
  state: TrackerState,
  chainId: number,
  headBlock: number,
): Promise<void> {
  const chain = queue.store.findChain(chainId);
  if (!chain) return;
  const stuckAfterMs = queue.options.stuckAfterMs ?? 3 * 60_000;
  // Final but recently mined ones too: a reorganisation deeper than the confirmation depth
  // can still take their block away, and that must not go unnoticed.
  const recentlyFinal = queue.store.listTransactions({
    chainId,
    statuses: ['confirmed', 'failed'],
    minedSince: headBlock - RECENTLY_FINAL_BLOCKS,
    withoutTimeline: true,
  });
  const live = [
    ...queue.store.listTransactions({ chainId, statuses: [...TRACKED_STATUSES], limit: 1000 }),
    ...recentlyFinal,
  ]
    .filter((tx) => !queue.busy.has(tx.id))
    .sort((a, b) => a.id - b.id);
  const withoutReceipt: Transaction[] = [];
  for (const tx of live) {
    if (state.closed) return;
    if (tx.status === 'signed') {
      // Safe mode sends nothing either; a signed record waits for the acknowledgement.
      if (queue.options.safeMode?.signingRefusal('sending')) continue;
      queue.busy.add(tx.id);
      try {
        await broadcast(queue, tx);
      } finally {
        queue.busy.delete(tx.id);
      }
      continue;
    }
    const receipt = await queue
      .rpc(chainId)
      .request<Receipt | null>('eth_getTransactionReceipt', [tx.hash]);
    if (!receipt) {
      withoutReceipt.push(tx);
      continue;
    }
    state.misses.delete(tx.id);
    const blockNumber = Number.parseInt(receipt.blockNumber, 16);
    let current = tx;
    const final = tx.status === 'confirmed' || tx.status === 'failed';
    if (final && tx.receipt?.blockHash === receipt.blockHash) continue;
    if (tx.status === 'sent' || tx.receipt?.blockHash !== receipt.blockHash) {
      const mined = {
        blockNumber,
        blockHash: receipt.blockHash,
        gasUsed: BigInt(receipt.gasUsed).toString(),
        effectiveGasPrice: BigInt(receipt.effectiveGasPrice ?? '0').toString(),
        success: receipt.status === '0x1',
      };
      const details = { blockNumber, blockHash: receipt.blockHash, gasUsed: mined.gasUsed };
      current = mined.success
        ? queue.transition(tx, 'mined', {
            audit: auditActions.txMined,
            note: `in block ${blockNumber}`,
            patch: { receipt: mined, stuck: false },
            details,
          })
        : queue.transition(tx, 'failed', {
            audit: auditActions.txFailed,
            note: `reverted in block ${blockNumber}`,
            patch: {
              receipt: mined,
              stuck: false,
              failureReason: await revertReasonOnChain(queue, tx, blockNumber),
            },
            details,
          });
      settleSiblings(queue, current);
    }
    const confirmations = Math.max(0, headBlock - blockNumber + 1);
    if (current.status === 'mined' && confirmations >= Math.max(1, chain.confirmations)) {
      queue.transition(current, 'confirmed', {
        audit: auditActions.txConfirmed,
        note: `${confirmations} confirmations`,
        patch: { confirmations },
        details: { confirmations },
      });
    } else if (current.confirmations !== confirmations) {
      queue.save({ ...current, confirmations }, {});
    }
  }
  for (const tx of withoutReceipt) {
    if (state.closed) return;
    if (tx.status === 'mined' || tx.status === 'confirmed' || tx.status === 'failed') {
      // A reorganisation took its block away: it is pending again (or gone, which the next
      // checks find out). Sending the same signed bytes again is safe: same hash.
      if (tx.status !== 'mined')
        queue.log.error(
          `Chain ${chainId}: a reorganisation deeper than the confirmation depth (${chain.confirmations}) took transaction ${tx.id} (${tx.hash}), which was ${tx.status}, out of block ${tx.receipt?.blockNumber}; it is pending again.`,
        );
      const unmined = queue.transition(tx, 'sent', {
        audit: auditActions.txUnmined,
        note: `its block ${tx.receipt?.blockNumber} was reorganised away`,
        patch: { receipt: null, confirmations: 0 },
        details: { blockNumber: tx.receipt?.blockNumber, blockHash: tx.receipt?.blockHash },
      });
      await queue
        .rpc(chainId)
        .request('eth_sendRawTransaction', [unmined.rawTransaction])
        .catch(() => undefined);
      continue;
    }
    // Without a receipt, a transaction is gone when its nonce was used by another one, or
    // when the node no longer has it. Both are decided only after consecutive checks, each
    // asking for the receipt again last: the transaction may have been mined a moment ago.
    const latestNonce = Number(
      BigInt(
        await queue.rpc(chainId).request<string>('eth_getTransactionCount', [tx.from, 'latest']),
      ),
    );
    const nonceUsed = tx.nonce !== null && latestNonce > tx.nonce;
    const pooled = nonceUsed
      ? null
      : await queue.rpc(chainId).request<unknown>('eth_getTransactionByHash', [tx.hash]);
    if (nonceUsed || pooled === null) {
      // The node's pool gave this one up for Vigil's own speed-up or cancel: that is the
      // replacement working, not a drop. It stays sent until one of them is mined, and the
      // winner's receipt settles it as replaced or cancelled.
      if (laterForSameNonce(queue, tx, IN_FLIGHT)) {
        state.misses.delete(tx.id);
        continue;
      }
      const minedMeanwhile = await queue
        .rpc(chainId)
        .request<Receipt | null>('eth_getTransactionReceipt', [tx.hash]);
      if (minedMeanwhile) continue; // the next round records it as mined
      const count = (state.misses.get(tx.id) ?? 0) + 1;
      state.misses.set(tx.id, count);
      if (count < MISSES_BEFORE_DROPPED) continue;
      state.misses.delete(tx.id);
      const fresh = queue.store.findTransaction(tx.id)!;
      if (fresh.status !== 'sent') continue; // settled by a sibling just now
      queue.transition(fresh, 'dropped', {
        audit: auditActions.txDropped,
        note: nonceUsed
          ? `nonce ${tx.nonce} was used by a transaction Vigil did not send`
          : 'the node no longer has it (dropped from the pool)',
        patch: {
          failureReason: nonceUsed
            ? `nonce ${tx.nonce} used by another transaction`
            : 'dropped from the pool',
        },
      });
      continue;
    }
    state.misses.delete(tx.id);
    const sentAt = lastSentAt(tx);
    if (!tx.stuck && sentAt !== null && Date.now() - sentAt > stuckAfterMs) {
      queue.save(
        { ...tx, stuck: true },
        {
          status: 'stuck',
          note: `not mined after ${Math.round((Date.now() - sentAt) / 1000)} s`,
        },
      );
    }
  }
}

/**
 * Follows every transaction on its way: at each new head of its chain, and every
 * `trackIntervalMs` when no head arrives. One round per chain at a time.
 */
export function startTracking(queue: QueueContext): { close(): Promise<void> } {
  const state: TrackerState = { misses: new Map(), closed: false };
  const tracking = new Map<number, Promise<void>>();
  function trackSoon(chainId: number, headBlock?: number): void {
    if (state.closed || tracking.has(chainId)) return;
    const run = (async () => {
      const head = headBlock ?? queue.service.chains.sync(chainId)?.headBlock;
      if (head === null || head === undefined) return;
      await track(queue, state, chainId, head);
    })()
      .catch((error: unknown) =>
        queue.log.warn(
          `Tracking transactions on chain ${chainId}: ${(error as Error).message.split('\n')[0]}`,
        ),
      )
      .finally(() => tracking.delete(chainId));
    tracking.set(chainId, run);
  }

  const unsubscribeHead = queue.service.events.on('head', (chainId, headBlock) =>
    trackSoon(chainId, headBlock),
  );
  const trackTimer = setInterval(() => {
    for (const chain of queue.store.listChains()) trackSoon(chain.chainId);
  }, queue.options.trackIntervalMs ?? 3_000);

  return {
    async close() {
      state.closed = true;
      unsubscribeHead();
      clearInterval(trackTimer);
      await Promise.all(tracking.values());
    },
  };
}
