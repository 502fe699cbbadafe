// The signing and sending stages: an approved record is checked against its seal, signed by its
// account and journaled as signed (with its hash) before it is broadcast; a restart sends the
// same signed bytes again and never signs twice.
import { keccak256, type Hex, type TransactionSerializable } from 'viem';
import type { Transaction } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import { isExecutionError } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import { approvalProblem } from './approval-record.ts';
import type { QueueContext } from './queue-context.ts';
import { nodeMessageOf } from './revert-reason.ts';
import { IN_FLIGHT, laterForSameNonce, settleSiblings } from './same-nonce.ts';

/** The approved record as the transaction its account signs: its nonce, gas limit and fees. */
function serializable(tx: Transaction): TransactionSerializable {
  const base = {
    chainId: tx.chainId,
    nonce: tx.nonce!,
    to: tx.to as Hex,
    value: BigInt(tx.value),
    data: tx.data as Hex,
    gas: BigInt(tx.gasLimit!),
  };
  const fees = tx.fees!;
  return fees.type === 'eip1559'
    ? {
        ...base,
        type: 'eip1559',
        maxFeePerGas: BigInt(fees.maxFeePerGas),
        maxPriorityFeePerGas: BigInt(fees.maxPriorityFeePerGas),
      }
    : { ...base, type: 'legacy', gasPrice: BigInt(fees.gasPrice) };
}

/**
 * Takes an approved or signed record as far as it goes: signed (once) and sent. A record some
 * other step is working on is left to it.
 */
export async function signAndSend(
  queue: QueueContext,
  approved: Transaction,
): Promise<Transaction> {
  queue.refuseInSafeMode(`signing or sending transaction ${approved.id}`);
  if (queue.busy.has(approved.id)) return approved;
  queue.busy.add(approved.id);
  try {
    let tx = approved;
    if (tx.status === 'approved') {
      const problem = approvalProblem(queue, tx);
      if (problem) {
        queue.log.error(`Transaction ${tx.id} is not signed: ${problem}.`);
        return queue.transition(tx, 'failed', {
          audit: auditActions.txFailed,
          note: `not signed: ${problem}`,
          patch: { failureReason: `Not signed: ${problem}. Propose it again and approve it.` },
          details: { reason: problem },
        });
      }
      // A key account signs the transaction itself; a Safe would execute through its key account.
      const rawTransaction = await queue.accountOf(tx.from).signTransaction(serializable(tx));
      const hash = keccak256(rawTransaction);
      // Durable before it leaves the machine: a restart re-broadcasts this, never re-signs.
      tx = queue.transition(tx, 'signed', {
        audit: auditActions.txSigned,
        note: `hash ${hash}`,
        patch: { rawTransaction, hash },
        details: { hash },
      });
      queue.options.crashPoint?.('tx.signed');
    }
    if (tx.status === 'signed') {
      tx = await broadcast(queue, tx);
      if (tx.status === 'sent') queue.options.crashPoint?.('tx.sent');
    }
    return tx;
  } catch (error) {
    if (error instanceof VigilError && error.code === 'KEYCHAIN_UNAVAILABLE') {
      queue.log.error(
        `Transaction ${approved.id} is approved but could not be signed: ${error.message}`,
      );
      return queue.save(queue.store.findTransaction(approved.id)!, {
        status: 'sign-failed',
        note: error.message,
      });
    }
    throw error;
  } finally {
    queue.busy.delete(approved.id);
  }
}

/** Sends the signed bytes; what the node answers decides the record's next status. */
export async function broadcast(queue: QueueContext, tx: Transaction): Promise<Transaction> {
  try {
    await queue.rpc(tx.chainId).request('eth_sendRawTransaction', [tx.rawTransaction]);
    return queue.transition(tx, 'sent', { audit: auditActions.txSent });
  } catch (error) {
    const message = nodeMessageOf(error);
    if (/already known|known transaction/i.test(message))
      return queue.transition(tx, 'sent', {
        audit: auditActions.txSent,
        note: 'the node already had it',
      });
    if (/nonce too low/i.test(message)) {
      const receipt = await queue
        .rpc(tx.chainId)
        .request<{ blockHash: string } | null>('eth_getTransactionReceipt', [tx.hash])
        .catch(() => null);
      // Already mined (a crash after broadcasting): the tracker takes it from here.
      if (receipt)
        return queue.transition(tx, 'sent', { audit: auditActions.txSent, note: 'already mined' });
      // Vigil's own speed-up or cancel took the nonce: its receipt settles this one.
      const onChain = laterForSameNonce(queue, tx, ['mined', 'confirmed', 'failed']);
      if (onChain?.receipt) {
        settleSiblings(queue, onChain);
        return queue.store.findTransaction(tx.id)!;
      }
      if (laterForSameNonce(queue, tx, IN_FLIGHT)) return tx;
      return queue.transition(tx, 'dropped', {
        audit: auditActions.txDropped,
        note: `nonce ${tx.nonce} was already used by another transaction`,
        patch: { failureReason: message },
        details: { reason: message },
      });
    }
    if (isExecutionError(error)) {
      return queue.transition(tx, 'failed', {
        audit: auditActions.txFailed,
        note: `the node refused it: ${message}`,
        patch: { failureReason: `not broadcast: ${message}` },
        details: { reason: message },
      });
    }
    // The network, not the transaction: it stays signed and the tracker sends it again.
    queue.log.warn(`Transaction ${tx.id} could not be broadcast yet: ${message}; retrying.`);
    return queue.save(tx, { status: 'broadcast-retry', note: message });
  }
}
