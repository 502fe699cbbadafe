// The watched contracts an import plan adds. Several monitors (or workflows, or contract
// resources) may name one address on one chain: it is watched once, with the union of the ABIs
// they give, so each one's events decode.
import type { ImportPlan } from '../import-plan.ts';
import { truncate } from './text.ts';

/** The longest contract name contracts.add accepts. */
const contractNameLength = 80;

export interface PlanContract {
  chainId: number;
  address: string;
  name: string;
  abi: readonly unknown[];
}

/** The contract the plan already watches at this chain and address (in any case). */
export function planContract(
  plan: ImportPlan,
  chainId: number,
  address: string,
): ImportPlan['workspace']['contracts'][number] | undefined {
  return plan.workspace.contracts.find(
    (candidate) =>
      candidate.chainId === chainId && candidate.address.toLowerCase() === address.toLowerCase(),
  );
}

/**
 * Adds a contract to the plan's workspace, or merges its ABI into the one already there for the
 * same chain and address (in any case); the first name given stays. No start block: Vigil finds
 * the contract's creation block when the import is applied.
 */
export function addPlanContract(plan: ImportPlan, contract: PlanContract): void {
  const existing = planContract(plan, contract.chainId, contract.address);
  if (!existing) {
    plan.workspace.contracts.push({
      chainId: contract.chainId,
      address: contract.address,
      name: truncate(contract.name, contractNameLength),
      // A copy: merging a later ABI in must not change the array the caller still reads.
      abi: [...contract.abi],
    });
    return;
  }
  const known = new Set(existing.abi!.map((item) => JSON.stringify(item)));
  for (const item of contract.abi) {
    const key = JSON.stringify(item);
    if (known.has(key)) continue;
    known.add(key);
    existing.abi!.push(item);
  }
}
