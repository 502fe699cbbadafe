// Calls the contract server in-process, as the UI would, and fails loudly on an error envelope.
import type { ChainStatus } from '../../src-main/ipc/contract.ts';
import type { ContractServer } from '../../src-main/ipc/server.ts';
import { loadArtifact } from './contracts.ts';

export async function callOk<T>(server: ContractServer, name: string, input?: unknown): Promise<T> {
  const envelope = await server.handle(name, input);
  if (!envelope.ok)
    throw new Error(`${name} failed: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value as T;
}

/** status.get's entry for the first (in a watch test, the only) chain. */
export async function firstChainStatus(server: ContractServer): Promise<ChainStatus> {
  return (await callOk<{ chains: ChainStatus[] }>(server, 'status.get')).chains[0]!;
}

/** Any way of making a contract call that throws on an error: in-process, or over the WebSocket. */
export type ContractCall = (name: string, input?: unknown) => Promise<unknown>;

/** The setup most watch tests share: a chain (confirmed at 2 blocks) and its Emitter, watched from block 0. */
export async function watchEmitter(
  call: ContractCall,
  chain: { chainId: number; rpcUrls: string[]; name?: string },
  emitter: string,
): Promise<void> {
  await call('chains.add', {
    name: chain.name ?? 'anvil',
    chainId: chain.chainId,
    rpcUrls: chain.rpcUrls,
    confirmations: 2,
  });
  await call('contracts.add', {
    chainId: chain.chainId,
    address: emitter,
    abi: loadArtifact('Emitter').abi,
    startBlock: 0,
  });
}
