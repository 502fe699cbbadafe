// Simulation at the latest block: does the call succeed (or why does it revert), how much gas,
// which nonce and fee caps approving now would sign, and the most it can cost. Approval compares
// a fresh simulation with the one the operator looked at (simulationChanges).
import { createHash } from 'node:crypto';
import type { Abi, Hex } from 'viem';
import type { FeePlan, Simulation } from '../../ipc/contract.ts';
import { canonicalJson } from '../audit/index.ts';
import { isExecutionError, type RpcPool } from '../chains/index.ts';
import { currentFees, feeCap } from './fees.ts';
import { describeRevert, nodeMessageOf, revertDataOf } from './revert-reason.ts';

export interface SimulationRequest {
  from: string;
  to: string;
  value: bigint;
  data: Hex;
  /** The nonce approving now would use. */
  nonce: number;
  /** Fixed fees (a replacement's raised caps) instead of the market's. */
  fees?: FeePlan;
  /** Fixed gas limit (a cancel is a plain transfer). */
  gasLimit?: bigint;
  /** The target's ABI when watched, for custom errors. */
  abi?: Abi;
  /**
   * Code to run at some addresses for this call only (eth_call's state override): how a Safe's
   * DELEGATECALL to MultiSendCallOnly is simulated (see safe-simulate.ts).
   */
  codeOverride?: Record<string, Hex>;
  /** Someone else pays the gas (a Safe transaction's executor): the most it costs is its value. */
  gasPaidElsewhere?: boolean;
}

/** Gas limit for a call that reverts in simulation and is approved anyway. */
const REVERTING_CALL_GAS_LIMIT = 1_000_000n;

const toHex = (value: bigint): Hex => `0x${value.toString(16)}`;

export async function simulateTransaction(
  rpc: RpcPool,
  request: SimulationRequest,
  now: () => number = Date.now,
): Promise<Simulation> {
  const block = await rpc.request<{
    number: string;
    baseFeePerGas?: string | null;
    gasLimit: string;
  }>('eth_getBlockByNumber', ['latest', false]);
  const blockTag = block.number;
  const baseFee = block.baseFeePerGas ? BigInt(block.baseFeePerGas) : null;
  const call = {
    from: request.from,
    to: request.to,
    value: toHex(request.value),
    data: request.data,
  };
  const balance = BigInt(await rpc.request<string>('eth_getBalance', [request.from, blockTag]));
  const override = request.codeOverride
    ? [
        Object.fromEntries(
          Object.entries(request.codeOverride).map(([address, code]) => [address, { code }]),
        ),
      ]
    : [];

  let success = true;
  let returnData: Hex | null = null;
  let revertData: Hex | null = null;
  let revertReason: string | null = null;
  try {
    returnData = await rpc.request<Hex>('eth_call', [call, blockTag, ...override]);
  } catch (error) {
    if (!isExecutionError(error)) throw error;
    success = false;
    revertData = revertDataOf(error) ?? null;
    revertReason = revertData
      ? describeRevert(revertData, request.abi)
      : nodeMessageOf(error).replace(/^execution reverted:?\s*/i, '') ||
        'reverted without a reason';
  }

  let gasEstimate: bigint | null = null;
  if (success) {
    try {
      gasEstimate = BigInt(
        await rpc.request<string>('eth_estimateGas', [call, blockTag, ...override]),
      );
    } catch (error) {
      if (!isExecutionError(error)) throw error;
      // The call succeeds but no gas amount does: it runs out of gas at any limit.
      success = false;
      revertData = revertDataOf(error) ?? null;
      revertReason = `gas estimation failed: ${nodeMessageOf(error)}`;
    }
  }
  const blockGasLimit = BigInt(block.gasLimit);
  let gasLimit =
    request.gasLimit ??
    (gasEstimate === null
      ? REVERTING_CALL_GAS_LIMIT
      : // A 20% margin: state can move between simulation and inclusion.
        (gasEstimate * 120n) / 100n);
  if (gasLimit < 21_000n) gasLimit = 21_000n;
  if (gasLimit > blockGasLimit) gasLimit = blockGasLimit;
  const fees = request.fees ?? (await currentFees(rpc, baseFee));
  const result: Omit<Simulation, 'id'> = {
    at: now(),
    blockNumber: Number.parseInt(block.number, 16),
    success,
    revertReason,
    revertData,
    returnData,
    gasEstimate: gasEstimate?.toString() ?? null,
    baseFeePerGas: baseFee?.toString() ?? null,
    nonce: request.nonce,
    gasLimit: gasLimit.toString(),
    fees,
    maxTotalCost: (request.gasPaidElsewhere
      ? request.value
      : request.value + gasLimit * feeCap(fees)
    ).toString(),
    balance: balance.toString(),
  };
  const id = createHash('sha256').update(canonicalJson(result)).digest('hex').slice(0, 20);
  return { id, ...result };
}

/**
 * What differs, in a fresh simulation, from the one the operator approved on sight: anything
 * that changes the outcome or would make the transaction as shown fail to go through. A base
 * fee that moved within the shown caps is not a change: the shown caps are what gets signed.
 */
export function simulationChanges(
  shown: Simulation,
  fresh: Simulation,
  /** A Safe transaction: its owners sign no gas limit or fees, so those are not changes. */
  { feesSigned = true }: { feesSigned?: boolean } = {},
): string[] {
  const changes: string[] = [];
  if (shown.success && !fresh.success) changes.push(`it now reverts: ${fresh.revertReason}`);
  else if (!shown.success && fresh.success) changes.push('it no longer reverts');
  else if (!shown.success && shown.revertReason !== fresh.revertReason)
    changes.push(`the revert reason changed: ${shown.revertReason} → ${fresh.revertReason}`);
  else if (shown.success && shown.returnData !== fresh.returnData)
    changes.push(`its return data changed: ${shown.returnData} → ${fresh.returnData}`);
  if (shown.nonce !== fresh.nonce)
    changes.push(`the nonce it would use changed: ${shown.nonce} → ${fresh.nonce}`);
  if (
    feesSigned &&
    fresh.gasEstimate !== null &&
    BigInt(fresh.gasEstimate) > BigInt(shown.gasLimit)
  )
    changes.push(
      `it now needs ${fresh.gasEstimate} gas, more than the gas limit shown (${shown.gasLimit})`,
    );
  if (
    feesSigned &&
    fresh.baseFeePerGas !== null &&
    BigInt(fresh.baseFeePerGas) > feeCap(shown.fees)
  )
    changes.push(
      `the base fee (${fresh.baseFeePerGas} wei) rose above the fee cap shown (${feeCap(shown.fees)} wei)`,
    );
  if (BigInt(fresh.balance) < BigInt(shown.maxTotalCost))
    changes.push(
      `${feesSigned ? "the signer's" : "the Safe's"} balance (${fresh.balance} wei) no longer covers the most it can cost (${shown.maxTotalCost} wei)`,
    );
  return changes;
}
