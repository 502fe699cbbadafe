// The usual first two requests of a test: watch a test anvil, and a contract deployed on it.
import type { AnvilInstance } from './anvil.ts';
import { loadArtifact, type ContractName } from './contracts.ts';

type Call = (name: string, input?: unknown) => Promise<unknown>;

export async function watchOnAnvil(
  call: Call,
  anvil: AnvilInstance,
  contract: { address: string; artifact: ContractName; name?: string; startBlock?: number },
  confirmations = 2,
): Promise<void> {
  await call('chains.add', {
    name: 'anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations,
  });
  await call('contracts.add', {
    chainId: anvil.chainId,
    address: contract.address,
    abi: loadArtifact(contract.artifact).abi,
    startBlock: contract.startBlock ?? 0,
    name: contract.name ?? contract.artifact,
  });
}
