// What happens inside the engine that other capabilities react to: event rows stored or changed
// by the watcher, reorganisations, new heads. A plain synchronous emitter: listeners run in the
// order they subscribed, right after the store committed what they are told about.
import type { EventRow, ReorgRecord, Transaction } from '../../ipc/contract.ts';

export interface EngineEventMap {
  /** Rows newly stored, confirmed or marked removed, in chain order, after they are committed. */
  rows: (rows: readonly EventRow[]) => void;
  /** A reorganisation the watcher detected, after the store was made equal to the new branch. */
  reorg: (reorg: ReorgRecord) => void;
  /** The watcher saw a new head block. */
  head: (chainId: number, headBlock: number) => void;
  /** A signer's native balance on a chain was read (in wei). */
  balance: (chainId: number, address: string, balance: bigint) => void;
  /** A transaction was proposed or changed state (after the change is durable). */
  tx: (tx: Transaction) => void;
}

export interface EngineEvents {
  on<E extends keyof EngineEventMap>(name: E, listener: EngineEventMap[E]): () => void;
  emit<E extends keyof EngineEventMap>(name: E, ...args: Parameters<EngineEventMap[E]>): void;
}

export function createEngineEvents(onListenerError: (error: unknown) => void): EngineEvents {
  const listeners = new Map<keyof EngineEventMap, Set<(...args: never[]) => void>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as (...args: never[]) => void);
      return () => set.delete(listener as (...args: never[]) => void);
    },
    emit(name, ...args) {
      for (const listener of listeners.get(name) ?? []) {
        // One capability's failure must not stop the watcher or the others.
        try {
          (listener as (...args: unknown[]) => void)(...args);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
