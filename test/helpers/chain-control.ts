// Direct control of a test anvil: mining, reorganisations, raw JSON-RPC.
import { encodeFunctionData, type Address, type Hex } from 'viem';
import { nonceManager } from 'viem/accounts';
import { anvilAccount, chainClients, contractAbis } from './contracts.ts';

/** How long a test waits for a node's answer before failing with the method's name. */
export const NODE_CALL_TIMEOUT_MS = 30_000;

export async function rawRpc<T = unknown>(
  rpcUrl: string,
  method: string,
  params: unknown[] = [],
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(NODE_CALL_TIMEOUT_MS),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError')
      throw new Error(`${method} to ${rpcUrl} got no answer in ${NODE_CALL_TIMEOUT_MS} ms`);
    throw new Error(`${method} to ${rpcUrl} failed: ${(error as Error).message}`);
  }
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export async function headBlock(rpcUrl: string): Promise<number> {
  return Number.parseInt(await rawRpc<string>(rpcUrl, 'eth_blockNumber'), 16);
}

export async function mineBlocks(rpcUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await rawRpc(rpcUrl, 'evm_mine');
}

/**
 * A call that reverts (Emitter and DemoToken have no function with this selector and no fallback),
 * sent from an unlocked anvil account with a gas limit so the node mines it instead of refusing
 * it. Returns its hash once mined, after checking it failed.
 */
export async function sendFailingCall(rpcUrl: string, to: Address, accountIndex = 1): Promise<Hex> {
  const hash = await rawRpc<Hex>(rpcUrl, 'eth_sendTransaction', [
    { from: anvilAccount(accountIndex).address, to, data: '0xdeadbeef', gas: '0x30000' },
  ]);
  const receipt = await chainClients(rpcUrl, accountIndex).reader.waitForTransactionReceipt({
    hash,
  });
  if (receipt.status !== 'reverted') throw new Error(`The call to ${to} in ${hash} did not fail.`);
  return hash;
}

/** A transaction for anvil_reorg: Emitter.emitMany(count) from anvil's first account. */
export function emitManyTx(emitter: Address, count: number): Record<string, string> {
  return {
    from: anvilAccount(0).address,
    to: emitter,
    data: encodeFunctionData({
      abi: contractAbis.Emitter,
      functionName: 'emitMany',
      args: [BigInt(count)],
    }),
  };
}

/**
 * Replaces the newest `depth` blocks with new ones at the same height; the old blocks'
 * transactions are dropped and `transactions` are mined at their block offsets (0-based) instead.
 */
export async function reorg(
  rpcUrl: string,
  depth: number,
  transactions: { tx: Record<string, string>; offset: number }[] = [],
): Promise<void> {
  await rawRpc(rpcUrl, 'anvil_reorg', [depth, transactions.map(({ tx, offset }) => [tx, offset])]);
  // The dropped transactions took nonces the test wallets still count as used.
  const chainId = Number.parseInt(await rawRpc<string>(rpcUrl, 'eth_chainId'), 16);
  for (let index = 0; index < 10; index++)
    nonceManager.reset({ address: anvilAccount(index).address, chainId });
}
