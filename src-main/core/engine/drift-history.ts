// A bounded, in-memory series of drift samples per chain for the lag chart. Not persisted: after
// a restart the chart starts again, while the reorg log and reconciliations are in the store.
import type { ChainDrift } from '../../ipc/contract.ts';

export type DriftSample = ChainDrift['history'][number];

export interface DriftHistory {
  record(chainId: number, sample: DriftSample): void;
  samples(chainId: number): DriftSample[];
  forget(chainId: number): void;
}

export function createDriftHistory(limit = 300): DriftHistory {
  const byChain = new Map<number, DriftSample[]>();
  return {
    record(chainId, sample) {
      const samples = byChain.get(chainId) ?? [];
      samples.push(sample);
      if (samples.length > limit) samples.splice(0, samples.length - limit);
      byChain.set(chainId, samples);
    },
    samples: (chainId) => [...(byChain.get(chainId) ?? [])],
    forget: (chainId) => void byChain.delete(chainId),
  };
}
