// Following live Safe proposals on the chain, for what happens outside Vigil: an owner's
// approveHash counts as that owner's signature (it is one, to the Safe), and a Safe nonce that
// moved past a proposal settles it — executed elsewhere (or failed) when the Safe's
// ExecutionSuccess/ExecutionFailure carries its safeTxHash, superseded otherwise, each with the
// transaction that used the nonce when the chain shows it.
import { decodeFunctionData, getAddress, parseAbi, type Address, type Hex } from 'viem';
import type { Transaction } from '../../ipc/contract.ts';
import {
  approvedHashSignature,
  readApprovedHashOwners,
  readSafeExecutions,
  safeTransactionHash,
  type SafeExecution,
} from '../safes/index.ts';
import type { SafeRecord } from '../store/index.ts';
import type { QueueContext } from './queue-context.ts';
import { recordSafeSignature } from './safe-signature-record.ts';
import { createSafeServiceSync, type SafeServiceSync } from './safe-service-sync.ts';
import { settleSafeProposal } from './safe-settle.ts';

/** How far back executions are looked for when a nonce moved past a proposal. */
const EXECUTION_LOOKBACK_BLOCKS = 50_000;

const EXEC_TRANSACTION_ABI = parseAbi([
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
]);

function liveProposals(queue: QueueContext): Transaction[] {
  return queue.store
    .listTransactions({ statuses: ['proposed'], limit: 1000, withoutTimeline: true })
    .filter((tx) => tx.safe !== undefined && tx.safe.settledBy === null);
}

/**
 * Which execution used Safe nonce `nonce`: the one whose execTransaction call (sent straight to
 * the Safe) hashes, at that nonce, to the hash its event carries. Executions through another
 * contract cannot be told apart this way and are left unknown.
 */
async function executionAtNonce(
  queue: QueueContext,
  chainId: number,
  safe: Address,
  nonce: bigint,
  executions: readonly SafeExecution[],
): Promise<SafeExecution | undefined> {
  for (const execution of executions) {
    const sent = await queue
      .rpc(chainId)
      .request<{ to: string | null; input: Hex } | null>('eth_getTransactionByHash', [
        execution.transactionHash,
      ]);
    if (!sent?.to || getAddress(sent.to) !== safe) continue;
    let args: readonly unknown[];
    try {
      args = decodeFunctionData({ abi: EXEC_TRANSACTION_ABI, data: sent.input }).args;
    } catch {
      continue;
    }
    const [to, value, data, operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver] =
      args as [Address, bigint, Hex, number, bigint, bigint, bigint, Address, Address];
    const hash = safeTransactionHash({
      chainId,
      safe,
      transaction: {
        to,
        value,
        data,
        operation: operation === 1 ? 1 : 0,
        safeTxGas,
        baseGas,
        gasPrice,
        gasToken,
        refundReceiver,
        nonce,
      },
    });
    if (hash === execution.safeTxHash.toLowerCase()) return execution;
  }
  return undefined;
}

/** Whether the execution is Vigil's own execTransaction for this proposal (settled by the queue). */
function isOwnExecution(queue: QueueContext, proposal: Transaction, txHash: Hex): boolean {
  // Every execTransaction Vigil sent for it (a few: speed-ups), however old.
  return queue.store
    .listTransactions({
      chainId: proposal.chainId,
      executesSafeProposal: proposal.id,
      withoutTimeline: true,
    })
    .some((tx) => tx.hash?.toLowerCase() === txHash.toLowerCase());
}

async function settleMovedPast(
  queue: QueueContext,
  safe: SafeRecord,
  stale: Transaction[],
): Promise<void> {
  const { chainId } = safe;
  const address = getAddress(safe.address);
  const rpc = queue.rpc(chainId);
  const head = Number(BigInt(await rpc.request<Hex>('eth_blockNumber', [])));
  const executions = await readSafeExecutions(
    (method, params) => rpc.request(method, params),
    address,
    Math.max(0, head - EXECUTION_LOOKBACK_BLOCKS),
    head,
  );
  const byHash = new Map(
    executions.map((execution) => [execution.safeTxHash.toLowerCase(), execution]),
  );
  // Executed ones first: settling one supersedes the others at its nonce, with its transaction.
  const ordered = [...stale].sort(
    (a, b) =>
      Number(byHash.has(b.safe!.safeTxHash.toLowerCase())) -
      Number(byHash.has(a.safe!.safeTxHash.toLowerCase())),
  );
  for (const proposal of ordered) {
    const current = queue.requireTx(proposal.id);
    if (current.status !== 'proposed' || current.safe!.settledBy) continue;
    const own = byHash.get(current.safe!.safeTxHash.toLowerCase());
    if (own) {
      if (isOwnExecution(queue, current, own.transactionHash)) continue;
      settleSafeProposal(
        queue,
        current.id,
        own.success ? 'executed-elsewhere' : 'execution-failed',
        {
          txHash: own.transactionHash,
        },
      );
      continue;
    }
    const unknown = executions.filter(
      (execution) =>
        !stale.some(
          (tx) => tx.safe!.safeTxHash.toLowerCase() === execution.safeTxHash.toLowerCase(),
        ),
    );
    const user = await executionAtNonce(
      queue,
      chainId,
      address,
      BigInt(current.safe!.nonce),
      unknown,
    );
    settleSafeProposal(queue, current.id, 'superseded', { txHash: user?.transactionHash ?? null });
  }
}

async function recordApprovedHashes(
  queue: QueueContext,
  safe: SafeRecord,
  proposals: Transaction[],
): Promise<void> {
  const rpc = queue.rpc(safe.chainId);
  for (const proposal of proposals) {
    const signed = new Set(proposal.safe!.signatures.map((signature) => signature.owner));
    const unsigned = safe.state.owners
      .filter((owner) => !signed.has(owner.toLowerCase()))
      .map((owner) => getAddress(owner));
    if (unsigned.length === 0) continue;
    const approvers = await readApprovedHashOwners(
      (method, params) => rpc.request(method, params),
      getAddress(safe.address),
      unsigned,
      proposal.safe!.safeTxHash as Hex,
    );
    for (const owner of approvers)
      recordSafeSignature(
        queue,
        proposal.id,
        { owner, signature: approvedHashSignature(owner).data, source: 'approveHash' },
        'system',
        { importedFrom: owner.toLowerCase(), kind: 'approved-hash' },
      );
  }
}

/** One pass over every Safe with live proposals. */
export async function checkSafeProposals(
  queue: QueueContext,
  service: SafeServiceSync = createSafeServiceSync(queue),
): Promise<void> {
  const bySafe = new Map<string, Transaction[]>();
  for (const tx of liveProposals(queue)) {
    const id = `${tx.chainId}:${tx.safe!.safe.toLowerCase()}`;
    bySafe.set(id, [...(bySafe.get(id) ?? []), tx]);
  }
  for (const [id, proposals] of bySafe) {
    try {
      const stored = queue.store.findSafe(id);
      if (!stored) continue;
      const safe = queue.options.refreshSafe ? await queue.options.refreshSafe(id) : stored;
      const nonce = BigInt(safe.state.nonce);
      const stale = proposals.filter((tx) => BigInt(tx.safe!.nonce) < nonce);
      if (stale.length > 0) await settleMovedPast(queue, safe, stale);
      const open = proposals.filter((tx) => BigInt(tx.safe!.nonce) >= nonce);
      await recordApprovedHashes(
        queue,
        safe,
        open.map((tx) => queue.requireTx(tx.id)),
      );
      for (const proposal of open) {
        await service.post(queue.requireTx(proposal.id));
        await service.read(queue.requireTx(proposal.id), safe);
      }
    } catch (error) {
      queue.log.warn(
        `Checking the Safe proposals of ${id} failed; trying again later: ${(error as Error).message}`,
      );
    }
  }
}

/** Checks now and then; returns the stop function, which waits for a check under way. */
export function followSafeProposals(queue: QueueContext): () => Promise<void> {
  const intervalMs = queue.options.safeFollowMs ?? 15_000;
  if (intervalMs <= 0) return async () => {};
  let running: Promise<void> | null = null;
  const service = createSafeServiceSync(queue);
  const timer = setInterval(() => {
    if (running) return;
    running = checkSafeProposals(queue, service).finally(() => (running = null));
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
