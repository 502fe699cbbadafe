// A watched contract with a few functions, and a context that knows it, for policy unit tests.
import { parseAbi } from 'viem';
import type { PolicyInput } from '../../../src-main/ipc/contract.ts';
import type { PolicyCheckContext } from '../../../src-main/core/automation/index.ts';
import type { ChainRecord, ContractRecord } from '../../../src-main/core/store/index.ts';

export const CHAIN_ID = 31337;
export const SIGNER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
export const TARGET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const OTHER = '0x000000000000000000000000000000000000dEaD';

export const VAULT_ABI = parseAbi([
  'function pause()',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function mint(address to, uint256 amount)',
  'function mint(uint256 amount)',
  'event Paused(address by)',
]);

export const vault: ContractRecord = {
  id: `${CHAIN_ID}:${TARGET.toLowerCase()}`,
  chainId: CHAIN_ID,
  address: TARGET,
  name: 'Vault',
  abi: [...VAULT_ABI],
  startBlock: 0,
  indexedThrough: null,
};

export function policyContext(overrides: Partial<PolicyCheckContext> = {}): PolicyCheckContext {
  return {
    findChain: (chainId) =>
      chainId === CHAIN_ID ? ({ chainId, name: 'Anvil' } as ChainRecord) : undefined,
    findContract: (id) => (id === vault.id ? vault : undefined),
    findSigner: (address) =>
      address.toLowerCase() === SIGNER.toLowerCase()
        ? { address: SIGNER, label: 'keeper', origin: 'generated', addedAt: 0 }
        : undefined,
    now: 1_000,
    ...overrides,
  };
}

export function policyInput(overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    id: 'keeper',
    name: 'Keeper',
    chainId: CHAIN_ID,
    signer: SIGNER,
    targets: [
      {
        address: TARGET,
        functions: [{ function: 'pause' }, { function: 'transfer', condition: 'amount <= 1000' }],
      },
    ],
    maxValuePerTx: '100',
    maxFeePerGas: '50',
    dailyBudget: '1000000',
    maxPerHour: 2,
    enabled: true,
    ...overrides,
  };
}
