// Simulating a Safe proposal as the Safe would run it, at the latest block.
//
// A CALL (operation 0) is an eth_call and gas estimate of the inner call from the Safe's address:
// what execTransaction does once the signatures check out (safeTxGas 0, no refund). A DELEGATECALL
// to MultiSendCallOnly runs MultiSend's code in the Safe's context, so it is simulated as a call
// from the Safe to the Safe with the Safe's code replaced, for that call only, by
// MultiSendCallOnly's (eth_call state override): each batched call then leaves from the Safe with
// the Safe's balance and storage, as it will on chain. Not covered by this choice: a batched call
// back into the Safe itself (addOwner …) would meet MultiSend's code in the simulation; such a
// batch shows a revert it may not have. Safe's simulateAndRevert (StorageAccessible) would run
// it faithfully but gives no gas figure; the override gives both for the batches operators send.
// The signature checks are not simulated: they are checked when the signatures are collected.
import { decodeFunctionResult, encodeFunctionData, type Address, type Hex } from 'viem';
import type { Simulation, Transaction } from '../../ipc/contract.ts';
import type { QueueContext } from './queue-context.ts';
import { SAFE_READ_ABI } from '../safes/index.ts';
import { simulateTransaction } from './simulate.ts';

/** The Safe's nonce on chain now. */
export async function chainSafeNonce(
  queue: QueueContext,
  chainId: number,
  safe: Address,
): Promise<bigint> {
  const answer = await queue
    .rpc(chainId)
    .request<Hex>('eth_call', [
      { to: safe, data: encodeFunctionData({ abi: SAFE_READ_ABI, functionName: 'nonce' }) },
      'latest',
    ]);
  return decodeFunctionResult({ abi: SAFE_READ_ABI, functionName: 'nonce', data: answer });
}

export async function simulateSafe(queue: QueueContext, tx: Transaction): Promise<Simulation> {
  const safe = tx.safe!;
  const rpc = queue.rpc(tx.chainId);
  const proposalNonce = BigInt(safe.nonce);
  const onChain = await chainSafeNonce(queue, tx.chainId, tx.from as Address);
  const target = queue.watchedAbi(tx.chainId, safe.to);
  const delegate = safe.operation === 1;
  const code = delegate ? await rpc.request<Hex>('eth_getCode', [safe.to, 'latest']) : undefined;
  const simulation = await simulateTransaction(rpc, {
    from: safe.safe,
    to: delegate ? safe.safe : safe.to,
    value: BigInt(safe.value),
    data: safe.data as Hex,
    nonce: Number(proposalNonce),
    gasPaidElsewhere: true,
    ...(delegate ? { codeOverride: { [safe.safe]: code ?? '0x' } } : {}),
    ...(target && !delegate ? { abi: target.abi } : {}),
  });
  // The Safe has moved past this proposal's nonce: it can never execute, whatever the call does.
  if (onChain > proposalNonce)
    return {
      ...simulation,
      success: false,
      revertReason: `the Safe is at nonce ${onChain}; nonce ${proposalNonce} is used`,
      gasEstimate: null,
    };
  return simulation;
}
