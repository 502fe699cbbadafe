// Executing a Safe proposal: once enough owners have signed, any keychain signer may propose the
// key-account transaction that calls the Safe's execTransaction with the signatures sorted by
// owner. That transaction is an ordinary proposal from then on (simulated, approved by a person,
// its lane's nonce, fees, signing, sending, tracking, speed-up, cancel); when it is confirmed the
// Safe proposal is settled as executed and the other proposals at its Safe nonce superseded.
import { encodeFunctionData, getAddress, hexToNumber, parseAbi, size, slice, type Hex } from 'viem';
import type { SafeSignature, Transaction } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import { encodeSafeSignatures, type SafeSignatureKind } from '../safes/index.ts';
import { propose } from './propose.ts';
import { safeTransactionOf } from './safe-propose.ts';
import type { QueueContext } from './queue-context.ts';
import { safeReadiness } from './safe-signature-record.ts';
import { chainSafeNonce } from './safe-simulate.ts';
import { settleSafeProposal } from './safe-settle.ts';

const EXEC_TRANSACTION_ABI = parseAbi([
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
]);

/** An execution transaction in one of these still may, or did, execute its proposal. */
const LIVE_EXECUTION = new Set(['proposed', 'approved', 'signed', 'sent', 'mined', 'confirmed']);

/** What the Safe reads from a signature's last byte: 1 approved hash, >30 eth_sign, else EIP-712. */
function kindOf(signature: SafeSignature): SafeSignatureKind {
  const v =
    size(signature.signature as Hex) === 65
      ? hexToNumber(slice(signature.signature as Hex, 64))
      : 0;
  return v === 1 ? 'approved-hash' : v > 30 ? 'eth_sign' : 'eip712';
}

/** Key-account transactions that execute proposal `id` and may still do so (or did). */
export function liveExecutions(queue: QueueContext, proposal: Transaction): Transaction[] {
  return queue.store
    .listTransactions({ chainId: proposal.chainId, limit: 1000, withoutTimeline: true })
    .filter((tx) => tx.executesSafeProposal === proposal.id && LIVE_EXECUTION.has(tx.status));
}

export async function executeSafe(
  queue: QueueContext,
  input: { id: number; executor: string },
  actor: string,
): Promise<Transaction> {
  const proposal = queue.requireTx(input.id);
  const safe = proposal.safe;
  if (!safe || proposal.status !== 'proposed' || safe.settledBy)
    throw new VigilError(
      'INVALID_STATE',
      safe
        ? `Safe proposal ${proposal.id} is ${safe.settledBy?.kind ?? proposal.status}; there is nothing to execute.`
        : `Transaction ${proposal.id} is not a Safe proposal.`,
      { field: 'id' },
    );
  const running = liveExecutions(queue, proposal);
  if (running.length > 0)
    throw new VigilError(
      'INVALID_STATE',
      `Safe proposal ${proposal.id} is already being executed by transaction ${running[0]!.id} (${running[0]!.status}); speed it up or cancel it there.`,
      { field: 'id', details: { executionTxId: running[0]!.id } },
    );
  const readiness = safeReadiness(queue.store, proposal);
  if (!readiness.ready)
    throw new VigilError(
      'SAFE_THRESHOLD_NOT_MET',
      `Safe proposal ${proposal.id} has ${readiness.counted.length} of the ${readiness.threshold} owners' signatures it needs; collect ${readiness.threshold - readiness.counted.length} more before executing.`,
      {
        field: 'id',
        details: { signatures: readiness.counted.length, threshold: readiness.threshold },
      },
    );
  const onChain = await chainSafeNonce(queue, proposal.chainId, getAddress(safe.safe));
  if (onChain !== BigInt(safe.nonce))
    throw new VigilError(
      'INVALID_STATE',
      onChain > BigInt(safe.nonce)
        ? `Safe ${safe.safe} is at nonce ${onChain}: nonce ${safe.nonce} of proposal ${proposal.id} was used by another transaction.`
        : `Safe ${safe.safe} is at nonce ${onChain}; proposals for nonces ${onChain} to ${BigInt(safe.nonce) - 1n} execute before this one (nonce ${safe.nonce}).`,
      { field: 'id', details: { onChain: onChain.toString(), proposalNonce: safe.nonce } },
    );
  const signatures = encodeSafeSignatures(
    readiness.counted.map((signature) => ({
      owner: getAddress(signature.owner),
      kind: kindOf(signature),
      data: signature.signature as Hex,
    })),
  );
  const transaction = safeTransactionOf(safe);
  const data = encodeFunctionData({
    abi: EXEC_TRANSACTION_ABI,
    functionName: 'execTransaction',
    args: [
      transaction.to,
      transaction.value,
      transaction.data,
      transaction.operation,
      transaction.safeTxGas,
      transaction.baseGas,
      transaction.gasPrice,
      transaction.gasToken,
      transaction.refundReceiver,
      signatures,
    ],
  });
  const execution = await propose(
    queue,
    { chainId: proposal.chainId, from: input.executor, to: safe.safe, data },
    `execution of Safe proposal ${proposal.id}`,
    actor,
    { executesSafeProposal: proposal.id },
  );
  queue.save(
    { ...queue.requireTx(proposal.id), safe: { ...safe, executionTxId: execution.id } },
    {
      status: 'execution-proposed',
      note: `execTransaction proposed as transaction ${execution.id} from ${execution.from}`,
      audit: auditActions.safeExecutionProposed,
      actor,
      details: {
        safe: safe.safe,
        safeTxHash: safe.safeTxHash,
        safeNonce: safe.nonce,
        executor: execution.from,
        executionTxId: execution.id,
        signers: readiness.counted.map((signature) => signature.owner),
      },
    },
  );
  return execution;
}

/**
 * Follows execution transactions: confirmed with a successful receipt settles their proposal as
 * executed (execTransaction with safeTxGas 0 reverts when the Safe's call fails, so success of the
 * one is success of the other); anything else leaves the proposal to be executed again.
 */
export function followSafeExecutions(queue: QueueContext): () => void {
  const settle = (tx: Transaction): void => {
    if (tx.executesSafeProposal === undefined) return;
    if (tx.status !== 'confirmed' || !tx.receipt?.success) return;
    const proposal = queue.store.findTransaction(tx.executesSafeProposal);
    if (!proposal?.safe || proposal.safe.settledBy) return;
    settleSafeProposal(queue, proposal.id, 'executed', { txHash: tx.hash as Hex | null });
  };
  // Confirmed before a restart, with the proposal not yet settled: settled now.
  for (const tx of queue.store.listTransactions({
    statuses: ['confirmed'],
    limit: 1000,
    withoutTimeline: true,
  }))
    settle(tx);
  return queue.service.events.on('tx', settle);
}
