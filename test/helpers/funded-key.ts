// Fresh private keys with native balance on a test anvil, for signers that no test wallet
// helper shares (anvil's own accounts are used by the helpers and keep their nonces cached).
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Address, Hex } from 'viem';
import { rawRpc } from './chain-control.ts';

export async function fundedKey(
  rpcUrl: string,
  wei: bigint = 100n * 10n ** 18n,
): Promise<{ privateKey: Hex; address: Address }> {
  const privateKey = generatePrivateKey();
  const address = privateKeyToAccount(privateKey).address;
  await rawRpc(rpcUrl, 'anvil_setBalance', [address, `0x${wei.toString(16)}`]);
  return { privateKey, address };
}

export async function fund(rpcUrl: string, address: string, wei: bigint): Promise<void> {
  await rawRpc(rpcUrl, 'anvil_setBalance', [address, `0x${wei.toString(16)}`]);
}
