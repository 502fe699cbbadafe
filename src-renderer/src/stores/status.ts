// Per-chain sync status: head, indexed-through, backfill progress, RPC health, event rate.
// status.changed may carry only the chains that changed, so rows are merged by chain id.
import { create } from 'zustand';
import type { ChainStatus, SafeMode } from '@contract';
import { callOrThrow } from '../client/index.ts';

interface StatusStore {
  chains: ChainStatus[];
  /** Safe mode (signing nothing until a person acknowledges); null until loaded. */
  safeMode: SafeMode | null;
  setSafeMode: (safeMode: SafeMode) => void;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  merge: (chains: ChainStatus[]) => void;
  /** Drops chains that are no longer configured. */
  keepOnly: (chainIds: number[]) => void;
}

export const useStatus = create<StatusStore>((set, get) => ({
  chains: [],
  safeMode: null,
  setSafeMode: (safeMode) => set({ safeMode }),
  loaded: false,
  error: null,
  load: async () => {
    try {
      const { chains, safeMode } = await callOrThrow('status.get', {});
      set({ chains: sortByChainId(chains), safeMode, loaded: true, error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  merge: (changed) => {
    const byId = new Map(get().chains.map((chain) => [chain.chainId, chain]));
    for (const chain of changed) byId.set(chain.chainId, chain);
    set({ chains: sortByChainId([...byId.values()]), loaded: true });
  },
  keepOnly: (chainIds) => {
    const keep = new Set(chainIds);
    set({ chains: get().chains.filter((chain) => keep.has(chain.chainId)) });
  },
}));

function sortByChainId(chains: ChainStatus[]): ChainStatus[] {
  return [...chains].sort((a, b) => a.chainId - b.chainId);
}
