// The simulating stage: a proposal is simulated at the nonce approving now would take, and the
// result is recorded on it (and audited), since approval compares against what the person saw.
import type { Hex } from 'viem';
import type { FeePlan, Simulation, Transaction } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import type { QueueContext } from './queue-context.ts';
import { simulateSafe } from './safe-simulate.ts';
import { simulateTransaction } from './simulate.ts';

/** Simulates `tx` as it would be sent at `nonce`, with `fees` fixed or the market's; records nothing. */
export function simulateAt(
  queue: QueueContext,
  tx: Transaction,
  nonce: number,
  fees: FeePlan | null,
): Promise<Simulation> {
  const target = queue.watchedAbi(tx.chainId, tx.to);
  return simulateTransaction(queue.rpc(tx.chainId), {
    from: tx.from,
    to: tx.to,
    value: BigInt(tx.value),
    data: tx.data as Hex,
    nonce,
    ...(fees ? { fees } : {}),
    ...(tx.kind === 'cancel' ? { gasLimit: 21_000n } : {}),
    ...(target ? { abi: target.abi } : {}),
  });
}

/** Simulates a proposal at its lane's next nonce (a replacement at its original's) and records it. */
export async function simulate(
  queue: QueueContext,
  tx: Transaction,
  actor: string,
): Promise<Transaction> {
  if (tx.safe) return recordSimulation(queue, tx, await simulateSafe(queue, tx), actor);
  const original = tx.replacesId === null ? undefined : queue.store.findTransaction(tx.replacesId);
  const nonce = original?.nonce ?? (await queue.nonces.nextNonce(tx.chainId, tx.from));
  const simulation = await simulateAt(
    queue,
    tx,
    nonce,
    tx.fees && tx.replacesId !== null ? tx.fees : null,
  );
  return recordSimulation(queue, tx, simulation, actor);
}

function recordSimulation(
  queue: QueueContext,
  tx: Transaction,
  simulation: Simulation,
  actor: string,
): Transaction {
  return queue.save(
    { ...tx, simulation },
    {
      status: 'simulated',
      note: simulation.success
        ? `succeeds at block ${simulation.blockNumber}; gas ${simulation.gasEstimate}`
        : `reverts at block ${simulation.blockNumber}: ${simulation.revertReason}`,
      audit: auditActions.txSimulated,
      actor,
      details: {
        simulationId: simulation.id,
        blockNumber: simulation.blockNumber,
        success: simulation.success,
        revertReason: simulation.revertReason,
        gasEstimate: simulation.gasEstimate,
        plannedNonce: simulation.nonce,
      },
    },
  );
}

/** The operator asks for a proposal to be simulated again (only a proposal is). */
export async function simulateAgain(
  queue: QueueContext,
  id: number,
  actor: string,
): Promise<Transaction> {
  const tx = queue.requireTx(id);
  if (tx.status !== 'proposed')
    throw new VigilError(
      'INVALID_STATE',
      `Transaction ${tx.id} is ${tx.status}; only a proposal is simulated again.`,
      {
        field: 'id',
      },
    );
  return simulate(queue, tx, actor);
}

/** Simulates a new proposal; when that cannot run, the proposal stays and says why. */
export async function simulateOrNote(
  queue: QueueContext,
  tx: Transaction,
  actor: string,
): Promise<Transaction> {
  try {
    return await simulate(queue, tx, actor);
  } catch (error) {
    // Kept as proposed: it cannot be approved until a simulation runs.
    return queue.save(tx, {
      status: 'simulation-failed',
      note: `could not simulate: ${(error as Error).message.split('\n')[0]}`,
    });
  }
}
