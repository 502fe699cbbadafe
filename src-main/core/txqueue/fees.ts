// Fee caps: what the chain asks now, and the raise a replacement needs. EIP-1559 where the latest
// block has a base fee, a legacy gas price otherwise.
import type { FeePlan } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';

/** Nodes refuse a same-nonce replacement unless both caps rise by at least this (geth: 10%). */
export const REPLACEMENT_BUMP_PERCENT = 10n;

export async function currentFees(rpc: RpcPool, baseFeePerGas: bigint | null): Promise<FeePlan> {
  if (baseFeePerGas === null) {
    const gasPrice = BigInt(await rpc.request<string>('eth_gasPrice'));
    return { type: 'legacy', gasPrice: gasPrice.toString() };
  }
  let priority: bigint;
  try {
    priority = BigInt(await rpc.request<string>('eth_maxPriorityFeePerGas'));
  } catch {
    priority = 1_000_000_000n; // 1 gwei, for nodes without the method
  }
  // Twice the base fee leaves room for six full blocks of base-fee rises before the cap binds.
  return {
    type: 'eip1559',
    maxFeePerGas: (baseFeePerGas * 2n + priority).toString(),
    maxPriorityFeePerGas: priority.toString(),
  };
}

/** The highest price per gas a plan can pay. */
export function feeCap(plan: FeePlan): bigint {
  return BigInt(plan.type === 'eip1559' ? plan.maxFeePerGas : plan.gasPrice);
}

function raised(previous: bigint, market: bigint): bigint {
  const minimum = (previous * (100n + REPLACEMENT_BUMP_PERCENT) + 99n) / 100n + 1n;
  return market > minimum ? market : minimum;
}

/** Fees for a replacement: at least the required raise over the original, and at least the market. */
export function replacementFees(original: FeePlan, market: FeePlan): FeePlan {
  if (original.type === 'legacy') {
    return {
      type: 'legacy',
      gasPrice: raised(BigInt(original.gasPrice), feeCap(market)).toString(),
    };
  }
  const marketPriority = market.type === 'eip1559' ? BigInt(market.maxPriorityFeePerGas) : 0n;
  const priority = raised(BigInt(original.maxPriorityFeePerGas), marketPriority);
  const maxFee = raised(BigInt(original.maxFeePerGas), feeCap(market));
  return {
    type: 'eip1559',
    maxFeePerGas: (maxFee > priority ? maxFee : priority).toString(),
    maxPriorityFeePerGas: priority.toString(),
  };
}
