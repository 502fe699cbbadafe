// The automation tests' contract: a vault stand-in whose large withdrawal is an event (tagged, so
// each rule fires on its own), with a pause() that works once, and a policy and an executing rule
// over it as the tests save them.
import type { Abi, Address } from 'viem';
import type { AnvilInstance } from './anvil.ts';
import { contractIdOf, type Call } from './alerts.ts';
import { chainClients } from './contracts.ts';
import { compileSolidity, deployCompiled, sendCall } from './solidity.ts';

const GUARD_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Guard {
    bool public paused;
    uint256 public pauses;
    uint256 public flagged;
    event LargeWithdrawal(address indexed account, uint256 amount, uint256 tag);
    event Paused(address by);
    event Flagged(address account, uint256 amount, bytes32 origin);
    error AlreadyPaused();
    function withdraw(uint256 amount, uint256 tag) external { emit LargeWithdrawal(msg.sender, amount, tag); }
    function pause() external { if (paused) revert AlreadyPaused(); paused = true; pauses += 1; emit Paused(msg.sender); }
    function unpause() external { paused = false; }
    function flag(address account, uint256 amount, bytes32 origin) external { flagged += 1; emit Flagged(account, amount, origin); }
    function fund() external payable {}
}`;

export const guardContract = compileSolidity({ 'Guard.sol': GUARD_SOURCE }).get('Guard')!;

export const GWEI = 10n ** 9n;
export const ETHER = 10n ** 18n;

export async function deployGuard(rpcUrl: string): Promise<Address> {
  return (await deployCompiled(rpcUrl, guardContract)).address;
}

/** Watches the chain and the Guard from block 0. */
export async function watchGuard(
  call: Call,
  anvil: AnvilInstance,
  guard: Address,
  confirmations = 2,
): Promise<void> {
  await call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations,
  });
  await call('contracts.add', {
    chainId: anvil.chainId,
    address: guard,
    abi: guardContract.abi,
    startBlock: 0,
    name: 'Guard',
  });
}

/** A policy over the Guard: pause, flag with a small amount, fund with at most 10 wei. */
export function guardPolicy(
  id: string,
  chain: { chainId: number; signer: string; guard: Address },
  overrides: Record<string, unknown> = {},
) {
  return {
    id,
    name: id,
    chainId: chain.chainId,
    signer: chain.signer,
    targets: [
      {
        address: chain.guard,
        functions: [
          { function: 'pause' },
          { function: 'flag', condition: 'amount <= 100' },
          { function: 'fund' },
        ],
      },
    ],
    maxValuePerTx: '10',
    maxFeePerGas: (100n * GWEI).toString(),
    dailyBudget: ETHER.toString(),
    maxPerHour: 100,
    enabled: true,
    ...overrides,
  };
}

/** An enabled event rule firing on the Guard's withdrawals tagged `tag`, proposing under a policy. */
export function guardRule(
  tag: number,
  chain: { chainId: number; signer: string; guard: Address },
  propose: Record<string, unknown>,
  policyId: string,
) {
  return {
    id: `rule-${tag}`,
    name: `Rule ${tag}`,
    kind: 'event',
    contractId: contractIdOf(chain.chainId, chain.guard),
    eventName: 'LargeWithdrawal',
    condition: `tag == ${tag}`,
    enabled: true,
    propose: {
      chainId: chain.chainId,
      from: chain.signer,
      to: chain.guard,
      ...propose,
      execute: { policy: policyId },
    },
  };
}

/** A large withdrawal tagged for one rule, from anvil's account 0; its receipt. */
export function withdraw(rpcUrl: string, guard: Address, tag: number, amount = 5_000n) {
  return sendCall(rpcUrl, guard, guardContract.abi, 'withdraw', [amount, BigInt(tag)]);
}

export async function readGuard(rpcUrl: string, guard: Address, name: string): Promise<unknown> {
  return chainClients(rpcUrl).reader.readContract({
    address: guard,
    abi: guardContract.abi as Abi,
    functionName: name,
  });
}
