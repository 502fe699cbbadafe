// Shared steps of the alert tests: speak the contract (in process or over headless mode's
// JSON-RPC), watch contracts on a test chain, and wait for a rule's firings.
import { expect } from 'vitest';
import type { Address } from 'viem';
import type { AlertFiring, AlertRule, RequestInput } from '../../src-main/ipc/contract.ts';
import { loadArtifact, type ContractName } from './contracts.ts';
import { waitFor } from './serve.ts';

/** A contract request; RpcClient.call has the same shape. */
export type Call = <T = unknown>(name: string, input?: unknown) => Promise<T>;

/** Adds a chain and watches contracts on it from block 0, each named after its artifact. */
export async function watchContracts(
  call: Call,
  chain: { name: string; chainId: number; rpcUrl: string; confirmations: number },
  contracts: { address: Address; artifact: ContractName }[],
): Promise<void> {
  await call('chains.add', {
    name: chain.name,
    chainId: chain.chainId,
    rpcUrls: [chain.rpcUrl],
    confirmations: chain.confirmations,
  });
  for (const contract of contracts) {
    await call('contracts.add', {
      chainId: chain.chainId,
      address: contract.address,
      abi: loadArtifact(contract.artifact).abi,
      startBlock: 0,
      name: contract.artifact,
    });
  }
}

export const contractIdOf = (chainId: number, address: Address): string =>
  `${chainId}:${address.toLowerCase()}`;

export async function saveRule(
  call: Call,
  rule: RequestInput<'alerts.rules.save'>,
): Promise<AlertRule> {
  return (await call<{ rule: AlertRule }>('alerts.rules.save', rule)).rule;
}

/** A rule's firings, newest first. */
export async function firingsOf(call: Call, ruleId: string): Promise<AlertFiring[]> {
  return (await call<{ firings: AlertFiring[] }>('alerts.firings.list', { ruleId })).firings;
}

/**
 * Waits until exactly `count` of the rule's firings are in one of `states`, and returns them
 * oldest first. On a timeout, the assertion shows the firings there were.
 */
export async function waitForFirings(
  call: Call,
  ruleId: string,
  count: number,
  states: AlertFiring['state'][],
): Promise<AlertFiring[]> {
  let last: AlertFiring[] = [];
  try {
    await waitFor(async () => {
      last = (await firingsOf(call, ruleId)).filter((firing) => states.includes(firing.state));
      return last.length >= count;
    }, 30_000);
  } catch (error) {
    expect(await firingsOf(call, ruleId)).toEqual(`${count} firings in ${states.join('/')}`);
    throw error;
  }
  expect(last).toHaveLength(count);
  return last.reverse();
}

/** Tentative or fired: the firing stands. */
export const STANDING: AlertFiring['state'][] = ['tentative', 'fired'];

/**
 * The condition of the sentinel for rules whose condition names `tx.*`. Such a rule decides on an
 * event only once the event's transaction (from, to, value) has been fetched, after the row
 * reached it; a sentinel without `tx.*` fires on its own row at once, possibly before that fetch
 * came back. A sentinel with this condition (true of every transaction) takes the same path: it
 * fires only after its own fetch, started after theirs, through the same fetcher and node.
 */
export const TX_SENTINEL_CONDITION = 'tx.value >= 0';

/**
 * The barrier "never twice" is asserted after, in place of a quiet window: `emit` sends a
 * transaction whose event only the catch-all sentinel rules match, and this waits until each of
 * them fired on it. Rows reach the rules in chain order, so once they have, every rule has seen
 * every earlier event, and every confirmation the new block made. When rules under test name
 * `tx.*`, pass a sentinel with TX_SENTINEL_CONDITION among `sentinelRuleIds`.
 */
export async function afterSentinelFired(
  call: Call,
  sentinelRuleIds: string | string[],
  emit: () => Promise<{ transactionHash: string }>,
): Promise<void> {
  const { transactionHash } = await emit();
  for (const sentinelRuleId of [sentinelRuleIds].flat()) {
    try {
      await waitFor(
        async () =>
          (await firingsOf(call, sentinelRuleId)).some(
            (firing) => firing.event?.transactionHash === transactionHash,
          ),
        30_000,
      );
    } catch (error) {
      throw new Error(
        `The sentinel rule ${sentinelRuleId} never fired on transaction ${transactionHash}: the rules did not catch up. ${(error as Error).message}`,
      );
    }
  }
}
