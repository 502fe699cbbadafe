// Owners acting on a test Safe as other wallets would, outside Vigil: signing with eth_sign or
// plain ECDSA, and approving a hash on chain.
import {
  concat,
  createWalletClient,
  hexToNumber,
  http,
  numberToHex,
  slice,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { rawRpc } from './chain-control.ts';
import { chainClients } from './contracts.ts';
import { SAFE_ABI, type SafeOwner } from './safe-contracts.ts';

/** An owner's eth_sign signature of the Safe transaction hash, v raised by 4 as the Safe expects. */
export async function ethSignSafeHash(owner: SafeOwner, safeTxHash: Hex): Promise<Hex> {
  const signed = await privateKeyToAccount(owner.privateKey).signMessage({
    message: { raw: safeTxHash },
  });
  return concat([slice(signed, 0, 64), numberToHex(hexToNumber(slice(signed, 64, 65)) + 4)]);
}

/** The owner's plain ECDSA signature of the Safe transaction hash (v 27/28). */
export function signSafeHash(owner: SafeOwner, safeTxHash: Hex): Promise<Hex> {
  return privateKeyToAccount(owner.privateKey).sign({ hash: safeTxHash });
}

/** The owner (given some ether first) calls approveHash on the Safe from its own key. */
export async function approveHashOnChain(
  rpcUrl: string,
  safe: Address,
  owner: SafeOwner,
  safeTxHash: Hex,
): Promise<TransactionReceipt> {
  await rawRpc(rpcUrl, 'anvil_setBalance', [owner.address, numberToHex(10n ** 18n)]);
  const wallet = createWalletClient({
    account: privateKeyToAccount(owner.privateKey),
    transport: http(rpcUrl),
  });
  const hash = await wallet.writeContract({
    address: safe,
    abi: SAFE_ABI,
    functionName: 'approveHash',
    args: [safeTxHash],
    chain: null,
  });
  const { reader } = chainClients(rpcUrl, 0);
  return reader.waitForTransactionReceipt({ hash });
}
