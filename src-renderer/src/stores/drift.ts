// Sync drift per chain (head, indexed- and confirmed-through, lag history, providers,
// disagreements, reconciliations), replaced wholesale by each drift.changed push, and the reorg
// log, fetched with reorgs.list at start and again whenever a chain's reorg count moves.
import { create } from 'zustand';
import type { ChainDrift, Reconciliation, ReorgRecord } from '@contract';
import { callOrThrow } from '../client/index.ts';

/** Enough for the view; older reorgs stay in the store and can be asked for with reorgs.list. */
const REORGS_SHOWN = 200;

interface DriftStore {
  chains: ChainDrift[];
  loaded: boolean;
  error: string | null;
  /** All chains, newest first. */
  reorgs: ReorgRecord[];
  reorgsLoaded: boolean;
  reorgsError: string | null;
  load: () => Promise<void>;
  loadReorgs: () => Promise<void>;
  apply: (chains: ChainDrift[]) => void;
  /** A reconciliation's outcome, shown at once rather than at the next push. */
  showReconciliation: (result: Reconciliation) => void;
}

function reorgTotal(chains: ChainDrift[]): number {
  return chains.reduce((sum, chain) => sum + chain.reorgCount, 0);
}

function sortByChainId(chains: ChainDrift[]): ChainDrift[] {
  return [...chains].sort((a, b) => a.chainId - b.chainId);
}

export const useDrift = create<DriftStore>((set, get) => ({
  chains: [],
  loaded: false,
  error: null,
  reorgs: [],
  reorgsLoaded: false,
  reorgsError: null,
  load: async () => {
    set({ error: null });
    try {
      const { chains } = await callOrThrow('drift.get', {});
      set({ chains: sortByChainId(chains), loaded: true });
    } catch (error) {
      set({ error: (error as Error).message });
    }
    await get().loadReorgs();
  },
  loadReorgs: async () => {
    try {
      const { reorgs } = await callOrThrow('reorgs.list', { limit: REORGS_SHOWN });
      set({ reorgs, reorgsLoaded: true, reorgsError: null });
    } catch (error) {
      set({ reorgsError: (error as Error).message });
    }
  },
  apply: (chains) => {
    const countBefore = reorgTotal(get().chains);
    set({ chains: sortByChainId(chains), loaded: true, error: null });
    if (reorgTotal(chains) !== countBefore) void get().loadReorgs();
  },
  showReconciliation: (result) => {
    set({
      chains: get().chains.map((chain) =>
        chain.chainId !== result.chainId
          ? chain
          : {
              ...chain,
              reconciliations: [
                result,
                ...chain.reconciliations.filter((earlier) => earlier.id !== result.id),
              ],
            },
      ),
    });
  },
}));

export function useChainDrift(chainId: number): ChainDrift | undefined {
  return useDrift((state) => state.chains.find((chain) => chain.chainId === chainId));
}
