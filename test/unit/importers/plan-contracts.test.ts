// The watched contracts every importer adds to its plan: one per chain and address, its ABI the
// union of what each source gives, its name within what contracts.add accepts.
import { describe, expect, it } from 'vitest';
import { emptyPlan } from '../../../src-main/core/importers/import-plan.ts';
import { addPlanContract } from '../../../src-main/core/importers/shared/plan-contracts.ts';
import { ContractsAddInput } from '../../../src-main/ipc/contract.ts';

const address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const transfer = {
  type: 'event',
  name: 'Transfer',
  inputs: [
    { name: 'from', type: 'address', indexed: true },
    { name: 'to', type: 'address', indexed: true },
    { name: 'value', type: 'uint256', indexed: false },
  ],
};
const approval = {
  type: 'event',
  name: 'Approval',
  inputs: [
    { name: 'owner', type: 'address', indexed: true },
    { name: 'spender', type: 'address', indexed: true },
    { name: 'value', type: 'uint256', indexed: false },
  ],
};

describe('addPlanContract', () => {
  it('watches one address once per chain, in any case, with the union of the ABIs', () => {
    const plan = emptyPlan('oz-monitor');
    const first = [transfer];
    addPlanContract(plan, { chainId: 1, address, name: 'Large transfers', abi: first });
    addPlanContract(plan, {
      chainId: 1,
      address: address.toLowerCase(),
      name: 'Approvals',
      abi: [approval, transfer, approval],
    });
    addPlanContract(plan, { chainId: 8453, address, name: 'On Base', abi: [approval] });
    expect(plan.workspace.contracts).toEqual([
      { chainId: 1, address, name: 'Large transfers', abi: [transfer, approval] },
      { chainId: 8453, address, name: 'On Base', abi: [approval] },
    ]);
    // The first caller's array is its own: merging the second ABI in did not change it.
    expect(first).toEqual([transfer]);
  });

  it('cuts a long name to what contracts.add accepts', () => {
    const plan = emptyPlan('defender');
    addPlanContract(plan, { chainId: 1, address, name: 'Treasury '.repeat(12), abi: [transfer] });
    const [contract] = plan.workspace.contracts;
    expect(contract!.name).toHaveLength(80);
    expect(contract!.name!.endsWith('…')).toBe(true);
    expect(ContractsAddInput.safeParse(contract).success).toBe(true);
  });
});
