// The store's health (size on disk, memory, segments, write rate, damaged files), replaced by each
// store.healthChanged push, and a bounded history of the write rate for the sparkline.
import { create } from 'zustand';
import type { StoreHealth } from '@contract';
import { callOrThrow } from '../client/index.ts';

/** Ten minutes of pushes five seconds apart. */
export const WRITE_RATE_HISTORY_LIMIT = 120;

export interface WriteRateSample {
  at: number;
  bytesPerMinute: number;
}

interface StoreHealthStore {
  health: StoreHealth | null;
  /** Oldest first; one sample per distinct measurement, at most WRITE_RATE_HISTORY_LIMIT. */
  writeRates: WriteRateSample[];
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  apply: (health: StoreHealth) => void;
}

export const useStoreHealth = create<StoreHealthStore>((set, get) => ({
  health: null,
  writeRates: [],
  loaded: false,
  error: null,
  load: async () => {
    try {
      get().apply(await callOrThrow('store.health', {}));
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  apply: (health) => {
    const rates = get().writeRates;
    // An answer to store.health can arrive after a newer push; the chart keeps time order.
    const newest = rates[rates.length - 1];
    const writeRates =
      newest && health.at <= newest.at
        ? rates
        : [...rates, { at: health.at, bytesPerMinute: health.writeBytesPerMinute }].slice(
            -WRITE_RATE_HISTORY_LIMIT,
          );
    const current = get().health;
    set({
      health: current && current.at > health.at ? current : health,
      writeRates,
      loaded: true,
      error: null,
    });
  },
}));
