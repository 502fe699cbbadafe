// The transaction queue as the renderer sees it: every transaction by id, merged from the
// txs.changed push so approvals, state changes and confirmations show up live.
import { create } from 'zustand';
import type { Transaction, TxStatus } from '@contract';
import { callOrThrow } from '../client/index.ts';

interface TransactionsStore {
  byId: Map<number, Transaction>;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  merge: (txs: Transaction[]) => void;
}

export const useTransactions = create<TransactionsStore>((set, get) => ({
  byId: new Map(),
  loaded: false,
  error: null,
  load: async () => {
    try {
      const { txs } = await callOrThrow('txs.list', { limit: 1000 });
      set({ byId: new Map(txs.map((tx) => [tx.id, tx])), loaded: true, error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  merge: (txs) => {
    const byId = new Map(get().byId);
    for (const tx of txs) {
      const known = byId.get(tx.id);
      // Pushes can arrive out of order with a load's answer: keep the newest record.
      if (!known || known.updatedAt <= tx.updatedAt) byId.set(tx.id, tx);
    }
    set({ byId, loaded: true });
  },
}));

export const AWAITING: readonly TxStatus[] = ['proposed'];
export const IN_FLIGHT: readonly TxStatus[] = ['approved', 'signed', 'sent', 'mined'];
