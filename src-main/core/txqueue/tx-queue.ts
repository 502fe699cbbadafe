// The transaction queue: proposals are simulated and wait for a person; an approval is made
// durable (with its nonce) before anything is signed, the signed transaction and its hash are
// durable before anything is broadcast, and a restart picks up exactly where the journal says
// the transaction was. Main signs its own stored copy, never one handed back by the renderer.
import { getAddress } from 'viem';
import type { Transaction, TxStatus } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import type { EngineService, ServiceContext, WorkspaceSection } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import {
  checkProposal,
  decodeCall,
  encode,
  propose,
  proposeReplacement,
  type ProposeInput,
} from './propose.ts';
import { approvalProblem } from './approval-record.ts';
import { approve } from './approve.ts';
import { IN_FLIGHT, laterForSameNonce, settleSiblings } from './same-nonce.ts';
import { broadcast, signAndSend } from './sign-and-send.ts';
import { createQueueContext, type TxQueueOptions } from './queue-context.ts';
import { describeRevert, revertDataOf } from './revert-reason.ts';
import { simulationChanges } from './simulate.ts';
import { simulate, simulateAt } from './simulate-stage.ts';
import { lastSentAt, TRACKED_STATUSES } from './tx-record.ts';

export type { TxCrashPoint, TxQueueOptions } from './queue-context.ts';
export type { ProposeInput } from './propose.ts';

export interface TxQueueService extends EngineService {
  /** Proposes a transaction on behalf of `source` (`operator`, `rule:<id>`, `workspace:<key>`). */
  propose(input: ProposeInput, source: string, actor: string): Promise<Transaction>;
  /** Runs every check `propose` runs (chain, signer, encoding, balance) and writes nothing. */
  checkProposal(input: ProposeInput): Promise<unknown>;
  /** Whether something was ever proposed on behalf of `source`. */
  hasProposalFrom(source: string): boolean;
}

/** How long after its block a final transaction is still checked for a reorganisation. */
const RECENTLY_FINAL_BLOCKS = 64;

/** Polls without a receipt before a transaction missing from the node's pool counts as dropped. */
const MISSES_BEFORE_DROPPED = 2;
export function createTxQueueService(
  context: ServiceContext,
  options: TxQueueOptions,
): TxQueueService {
  const queue = createQueueContext(context, options);
  const { store, log, rpc, nonces, busy, requireTx, save, transition, watchedAbi } = queue;
  const stuckAfterMs = options.stuckAfterMs ?? 3 * 60_000;
  const staleApprovalMs = options.staleApprovalMs ?? 5 * 60_000;
  const misses = new Map<number, number>();
  let closed = false;

  // ---- approval, signing, sending --------------------------------------------------------

  // ---- tracking --------------------------------------------------------------------------

  interface Receipt {
    blockNumber: string;
    blockHash: string;
    gasUsed: string;
    effectiveGasPrice?: string;
    status: string;
  }

  async function revertReasonOnChain(tx: Transaction, blockNumber: number): Promise<string> {
    try {
      await rpc(tx.chainId).request('eth_call', [
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
      return describeRevert(revertDataOf(error) ?? null, watchedAbi(tx.chainId, tx.to)?.abi);
    }
  }

  async function track(chainId: number, headBlock: number): Promise<void> {
    const chain = store.findChain(chainId);
    if (!chain) return;
    // Final but recently mined ones too: a reorganisation deeper than the confirmation depth
    // can still take their block away, and that must not go unnoticed.
    const recentlyFinal = store.listTransactions({
      chainId,
      statuses: ['confirmed', 'failed'],
      minedSince: headBlock - RECENTLY_FINAL_BLOCKS,
      withoutTimeline: true,
    });
    const live = [
      ...store.listTransactions({ chainId, statuses: [...TRACKED_STATUSES], limit: 1000 }),
      ...recentlyFinal,
    ]
      .filter((tx) => !busy.has(tx.id))
      .sort((a, b) => a.id - b.id);
    const withoutReceipt: Transaction[] = [];
    for (const tx of live) {
      if (closed) return;
      if (tx.status === 'signed') {
        // Safe mode sends nothing either; a signed record waits for the acknowledgement.
        if (options.safeMode?.signingRefusal('sending')) continue;
        busy.add(tx.id);
        try {
          await broadcast(queue, tx);
        } finally {
          busy.delete(tx.id);
        }
        continue;
      }
      const receipt = await rpc(chainId).request<Receipt | null>('eth_getTransactionReceipt', [
        tx.hash,
      ]);
      if (!receipt) {
        withoutReceipt.push(tx);
        continue;
      }
      misses.delete(tx.id);
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
          ? transition(tx, 'mined', {
              audit: auditActions.txMined,
              note: `in block ${blockNumber}`,
              patch: { receipt: mined, stuck: false },
              details,
            })
          : transition(tx, 'failed', {
              audit: auditActions.txFailed,
              note: `reverted in block ${blockNumber}`,
              patch: {
                receipt: mined,
                stuck: false,
                failureReason: await revertReasonOnChain(tx, blockNumber),
              },
              details,
            });
        settleSiblings(queue, current);
      }
      const confirmations = Math.max(0, headBlock - blockNumber + 1);
      if (current.status === 'mined' && confirmations >= Math.max(1, chain.confirmations)) {
        transition(current, 'confirmed', {
          audit: auditActions.txConfirmed,
          note: `${confirmations} confirmations`,
          patch: { confirmations },
          details: { confirmations },
        });
      } else if (current.confirmations !== confirmations) {
        save({ ...current, confirmations }, {});
      }
    }
    for (const tx of withoutReceipt) {
      if (closed) return;
      if (tx.status === 'mined' || tx.status === 'confirmed' || tx.status === 'failed') {
        // A reorganisation took its block away: it is pending again (or gone, which the next
        // checks find out). Sending the same signed bytes again is safe: same hash.
        if (tx.status !== 'mined')
          log.error(
            `Chain ${chainId}: a reorganisation deeper than the confirmation depth (${chain.confirmations}) took transaction ${tx.id} (${tx.hash}), which was ${tx.status}, out of block ${tx.receipt?.blockNumber}; it is pending again.`,
          );
        const unmined = transition(tx, 'sent', {
          audit: auditActions.txUnmined,
          note: `its block ${tx.receipt?.blockNumber} was reorganised away`,
          patch: { receipt: null, confirmations: 0 },
          details: { blockNumber: tx.receipt?.blockNumber, blockHash: tx.receipt?.blockHash },
        });
        await rpc(chainId)
          .request('eth_sendRawTransaction', [unmined.rawTransaction])
          .catch(() => undefined);
        continue;
      }
      // Without a receipt, a transaction is gone when its nonce was used by another one, or
      // when the node no longer has it. Both are decided only after consecutive checks, each
      // asking for the receipt again last: the transaction may have been mined a moment ago.
      const latestNonce = Number(
        BigInt(await rpc(chainId).request<string>('eth_getTransactionCount', [tx.from, 'latest'])),
      );
      const nonceUsed = tx.nonce !== null && latestNonce > tx.nonce;
      const pooled = nonceUsed
        ? null
        : await rpc(chainId).request<unknown>('eth_getTransactionByHash', [tx.hash]);
      if (nonceUsed || pooled === null) {
        // The node's pool gave this one up for Vigil's own speed-up or cancel: that is the
        // replacement working, not a drop. It stays sent until one of them is mined, and the
        // winner's receipt settles it as replaced or cancelled.
        if (laterForSameNonce(queue, tx, IN_FLIGHT)) {
          misses.delete(tx.id);
          continue;
        }
        const minedMeanwhile = await rpc(chainId).request<Receipt | null>(
          'eth_getTransactionReceipt',
          [tx.hash],
        );
        if (minedMeanwhile) continue; // the next round records it as mined
        const count = (misses.get(tx.id) ?? 0) + 1;
        misses.set(tx.id, count);
        if (count < MISSES_BEFORE_DROPPED) continue;
        misses.delete(tx.id);
        const fresh = store.findTransaction(tx.id)!;
        if (fresh.status !== 'sent') continue; // settled by a sibling just now
        transition(fresh, 'dropped', {
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
      misses.delete(tx.id);
      const sentAt = lastSentAt(tx);
      if (!tx.stuck && sentAt !== null && Date.now() - sentAt > stuckAfterMs) {
        save(
          { ...tx, stuck: true },
          {
            status: 'stuck',
            note: `not mined after ${Math.round((Date.now() - sentAt) / 1000)} s`,
          },
        );
      }
    }
  }

  const tracking = new Map<number, Promise<void>>();
  function trackSoon(chainId: number, headBlock?: number): void {
    if (closed || tracking.has(chainId)) return;
    const run = (async () => {
      const head = headBlock ?? context.chains.sync(chainId)?.headBlock;
      if (head === null || head === undefined) return;
      await track(chainId, head);
    })()
      .catch((error: unknown) =>
        log.warn(
          `Tracking transactions on chain ${chainId}: ${(error as Error).message.split('\n')[0]}`,
        ),
      )
      .finally(() => tracking.delete(chainId));
    tracking.set(chainId, run);
  }

  const unsubscribeHead = context.events.on('head', (chainId, headBlock) =>
    trackSoon(chainId, headBlock),
  );
  const trackTimer = setInterval(() => {
    for (const chain of store.listChains()) trackSoon(chain.chainId);
  }, options.trackIntervalMs ?? 3_000);

  /**
   * An approval given long before this restart is simulated again at the nonce and fees it
   * fixed; if anything the person saw changed, it goes back to awaiting a fresh approval.
   */
  async function staleApprovalChanges(tx: Transaction): Promise<Transaction | undefined> {
    const approvedAt = Math.max(0, ...(tx.approvals ?? []).map((approval) => approval.at));
    if (tx.status !== 'approved' || !tx.simulation || Date.now() - approvedAt < staleApprovalMs)
      return undefined;
    // A record that fails its checks is refused as it is (signAndSend), never turned into a proposal.
    if (approvalProblem(queue, tx)) return undefined;
    const fresh = await simulateAt(queue, tx, tx.nonce!, tx.fees);
    const changes = simulationChanges(tx.simulation, fresh);
    if (changes.length === 0) return undefined;
    log.warn(
      `Transaction ${tx.id} was approved ${Math.round((Date.now() - approvedAt) / 60_000)} min ago and ${changes.join('; ')}: it needs a fresh approval.`,
    );
    return transition(tx, 'proposed', {
      audit: auditActions.txSimulated,
      note: `approval withdrawn at resume: since it was approved, ${changes.join('; ')}. Review and approve again.`,
      patch: {
        simulation: fresh,
        nonce: null,
        gasLimit: null,
        approvals: [],
        approvalDigest: null,
        approvalMac: null,
        overrideRevert: false,
      },
      details: {
        staleApproval: true,
        changes,
        simulationId: fresh.id,
        blockNumber: fresh.blockNumber,
        success: fresh.success,
      },
    });
  }

  // What the journal says was approved or signed but not yet sent resumes at once, unless safe
  // mode holds it; then it resumes when a person acknowledges safe mode.
  function resume(): void {
    const refusal = options.safeMode?.signingRefusal('resuming approved transactions');
    if (refusal) {
      const waiting = store.listTransactions({ statuses: ['approved', 'signed'], limit: 1000 });
      if (waiting.length > 0)
        log.error(
          `${waiting.length} approved or signed transaction(s) wait (${waiting.map((tx) => tx.id).join(', ')}): ${refusal.message}`,
        );
      return;
    }
    for (const tx of store.listTransactions({ statuses: ['approved', 'signed'], limit: 1000 })) {
      void staleApprovalChanges(tx)
        .then((withdrawn) => (withdrawn ? withdrawn : signAndSend(queue, tx)))
        .catch((error: unknown) =>
          log.warn(`Resuming transaction ${tx.id}: ${(error as Error).message.split('\n')[0]}`),
        );
    }
  }
  options.safeMode?.onLifted(resume);
  setTimeout(resume, 0);

  function statusesOf(status: TxStatus | TxStatus[] | undefined): TxStatus[] | undefined {
    if (status === undefined) return undefined;
    return Array.isArray(status) ? status : [status];
  }

  /**
   * The workspace file's `transactions:`: each is proposed once per key. Proposals are
   * operations, not configuration: they use chains and contracts already configured, and are
   * checked in full (signer, encoding, balance) before anything of the file is applied.
   */
  const workspace: WorkspaceSection = {
    async prepare(file, { source }) {
      const due: typeof file.transactions = [];
      for (const [index, transaction] of file.transactions.entries()) {
        if (store.hasTransactionFrom(`workspace:${transaction.key}`)) continue;
        due.push(transaction);
        const { key: _key, ...input } = transaction;
        const field = `transactions[${index}].`;
        if (!store.findChain(input.chainId)) {
          throw new VigilError(
            'WORKSPACE_INVALID',
            `${source}: ${field}chainId: chain ${input.chainId} is not configured yet. Transactions in a workspace use chains that are already configured: import the chains first, then the transactions.`,
            { field: `${field}chainId` },
          );
        }
        try {
          await checkProposal(queue, input);
        } catch (error) {
          if (!(error instanceof VigilError)) throw error;
          throw new VigilError(error.code, `${source}: ${field}${error.message}`, {
            field: `${field}${error.field ?? ''}`.replace(/\.$/, ''),
            ...(error.details ? { details: error.details } : {}),
          });
        }
      }
      return {
        commands: [],
        audit: [],
        summary: {
          transactionsProposed: due.length,
          transactionsUnchanged: file.transactions.length - due.length,
        },
        async applied() {
          for (const { key, ...input } of due)
            await propose(queue, input, `workspace:${key}`, context.actor);
        },
      };
    },
    // Proposals are one-off operations: an exported workspace does not carry them.
    export: () => ({}),
  };

  return {
    propose: (input, source, actor) => propose(queue, input, source, actor),
    checkProposal: (input) => checkProposal(queue, input),
    workspace,
    hasProposalFrom: (source) => store.hasTransactionFrom(source),
    handlers: {
      'txs.propose': (input) => propose(queue, input, 'operator', context.actor),
      'txs.encode'(input) {
        store.requireChain(input.chainId);
        const to = getAddress(input.to.toLowerCase());
        const encoded = encode(queue, input.chainId, to, input.function);
        return { data: encoded.data, call: decodeCall(queue, input.chainId, to, encoded.data) };
      },
      'txs.list'(input) {
        const statuses = statusesOf(input?.status);
        return {
          txs: store.listTransactions({
            ...(statuses ? { statuses } : {}),
            ...(input?.chainId === undefined ? {} : { chainId: input.chainId }),
            ...(input?.from === undefined ? {} : { from: input.from }),
            limit: input?.limit ?? 500,
          }),
        };
      },
      'txs.get': (input) => requireTx(input.id),
      async 'txs.simulate'(input) {
        const tx = requireTx(input.id);
        if (tx.status !== 'proposed')
          throw new VigilError(
            'INVALID_STATE',
            `Transaction ${tx.id} is ${tx.status}; only a proposal is simulated again.`,
            {
              field: 'id',
            },
          );
        return simulate(queue, tx, context.actor);
      },
      'txs.approve': (input, call) =>
        approve(queue, input, context.actor, call?.approvedBy, (approved) =>
          signAndSend(queue, approved),
        ),
      'txs.reject'(input) {
        const tx = requireTx(input.id);
        if (tx.status !== 'proposed') {
          throw new VigilError(
            'INVALID_STATE',
            `Transaction ${tx.id} is ${tx.status}, not awaiting approval.`,
            {
              field: 'id',
              details: { status: tx.status },
            },
          );
        }
        return save(
          { ...tx, status: 'rejected', rejectReason: input.reason },
          {
            status: 'rejected',
            note: input.reason,
            audit: auditActions.txRejected,
            actor: context.actor,
            details: { reason: input.reason },
          },
        );
      },
      'txs.speedUp': (input) => proposeReplacement(queue, input.id, 'speedUp', context.actor),
      'txs.cancel': (input) => proposeReplacement(queue, input.id, 'cancel', context.actor),
      async 'signers.lanes'(input) {
        const chains = store
          .listChains()
          .filter((chain) => input?.chainId === undefined || chain.chainId === input.chainId);
        const signers = store
          .listSigners()
          .filter(
            (signer) =>
              input?.address === undefined ||
              signer.address.toLowerCase() === input.address.toLowerCase(),
          );
        const lanes = await Promise.all(
          chains.flatMap((chain) =>
            signers.map((signer) => nonces.lane(chain.chainId, signer.address)),
          ),
        );
        return { lanes };
      },
    },
    async close() {
      closed = true;
      unsubscribeHead();
      clearInterval(trackTimer);
      await Promise.all(tracking.values());
    },
  };
}
