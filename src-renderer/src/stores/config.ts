// Configured chains and watched contracts. Loaded on connect; replaced wholesale by the
// config.changed push, which carries both lists.
import { create } from 'zustand';
import type { Chain, PushPayload, WatchedContract } from '@contract';
import { callOrThrow } from '../client/index.ts';

interface ConfigStore {
  chains: Chain[];
  contracts: WatchedContract[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  load: () => Promise<void>;
  applyChange: (payload: PushPayload<'config.changed'>) => void;
}

export const useConfig = create<ConfigStore>((set) => ({
  chains: [],
  contracts: [],
  loaded: false,
  loading: false,
  error: null,
  load: async () => {
    set({ loading: true, error: null });
    try {
      const [chains, contracts] = await Promise.all([
        callOrThrow('chains.list', {}),
        callOrThrow('contracts.list', {}),
      ]);
      set({ chains, contracts, loaded: true, loading: false });
    } catch (error) {
      set({ loading: false, error: (error as Error).message });
    }
  },
  applyChange: ({ chains, contracts }) => set({ chains, contracts, loaded: true, error: null }),
}));

/** The configured chain (for its currency, its explorer), or undefined once removed. */
export function findChain(chains: Chain[], chainId: number): Chain | undefined {
  return chains.find((chain) => chain.chainId === chainId);
}

/** The same as a hook: re-renders when the chain's configuration changes. */
export function useChain(chainId: number): Chain | undefined {
  return useConfig((state) => findChain(state.chains, chainId));
}

export function chainName(chains: Chain[], chainId: number): string {
  return chains.find((chain) => chain.chainId === chainId)?.name ?? `Chain ${chainId}`;
}

/** The watched contract's name, or its id when it is no longer watched. */
export function contractName(contracts: WatchedContract[], id: string): string {
  return contracts.find((contract) => contract.id === id)?.name ?? id;
}

/** The watched contract at an address on a chain, if it is watched. */
export function findWatched(
  contracts: WatchedContract[],
  chainId: number,
  address: string,
): WatchedContract | undefined {
  return contracts.find(
    (contract) =>
      contract.chainId === chainId && contract.address.toLowerCase() === address.toLowerCase(),
  );
}

export function useWatchedContract(chainId: number, address: string): WatchedContract | undefined {
  return useConfig((state) => findWatched(state.contracts, chainId, address));
}
