// Signers (address, label, balances per chain) and their nonce lanes. The list is replaced by
// the signers.changed push; lanes are read on demand, since they cost RPC calls.
import { create } from 'zustand';
import type { NonceLane, Signer } from '@contract';
import { callOrThrow } from '../client/index.ts';

interface SignersStore {
  signers: Signer[];
  lanes: NonceLane[];
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  loadLanes: () => Promise<void>;
  apply: (signers: Signer[]) => void;
}

export const useSigners = create<SignersStore>((set) => ({
  signers: [],
  lanes: [],
  loaded: false,
  error: null,
  load: async () => {
    try {
      set({ signers: await callOrThrow('signers.list', {}), loaded: true, error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  loadLanes: async () => {
    try {
      set({ lanes: (await callOrThrow('signers.lanes', {})).lanes });
    } catch {
      // Lanes are a convenience on top of the list; the list's own error state covers outages.
    }
  },
  apply: (signers) => set({ signers, loaded: true, error: null }),
}));

export function signerLabel(signers: Signer[], address: string): string | undefined {
  return signers.find((signer) => signer.address.toLowerCase() === address.toLowerCase())?.label;
}
