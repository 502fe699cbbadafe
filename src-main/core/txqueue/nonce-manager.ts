// One nonce lane per (chain, signer), covering every path that sends: approvals take their nonce
// here, under the lane's lock, and the approved transaction (nonce included) is journaled before
// the lock is released — so two approvals can never get the same nonce, across restarts too.
import { txInFlightStatuses, type NonceLane } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';
import type { Store } from '../store/index.ts';

export interface NonceManagerDependencies {
  store: Store;
  rpc: (chainId: number) => RpcPool;
}

export interface NonceManager {
  /** Runs `critical` with the lane locked; lanes are independent of each other. */
  withLane<T>(chainId: number, address: string, critical: () => Promise<T>): Promise<T>;
  /** The nonce the next approved transaction gets: after the chain's pending count and after every nonce Vigil holds. */
  nextNonce(chainId: number, address: string): Promise<number>;
  lane(chainId: number, address: string): Promise<NonceLane>;
}

export function createNonceManager(deps: NonceManagerDependencies): NonceManager {
  const locks = new Map<string, Promise<unknown>>();

  function heldNonces(chainId: number, address: string): number[] {
    return deps.store
      .listTransactions({
        chainId,
        from: address,
        statuses: txInFlightStatuses,
        limit: 1000,
        withoutTimeline: true,
      })
      .map((tx) => tx.nonce)
      .filter((nonce): nonce is number => nonce !== null);
  }

  async function chainNonce(
    chainId: number,
    address: string,
    tag: 'latest' | 'pending',
  ): Promise<number> {
    return Number(
      BigInt(await deps.rpc(chainId).request<string>('eth_getTransactionCount', [address, tag])),
    );
  }

  async function nextNonce(chainId: number, address: string): Promise<number> {
    const pending = await chainNonce(chainId, address, 'pending');
    const held = heldNonces(chainId, address);
    return Math.max(pending, held.length ? Math.max(...held) + 1 : 0);
  }

  return {
    withLane(chainId, address, critical) {
      const key = `${chainId}:${address.toLowerCase()}`;
      const previous = locks.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(critical);
      const settled = run.catch(() => undefined);
      locks.set(key, settled);
      void settled.then(() => {
        if (locks.get(key) === settled) locks.delete(key);
      });
      return run;
    },
    nextNonce,
    async lane(chainId, address) {
      const held = heldNonces(chainId, address);
      try {
        const [latest, pending] = await Promise.all([
          chainNonce(chainId, address, 'latest'),
          chainNonce(chainId, address, 'pending'),
        ]);
        const next = Math.max(pending, held.length ? Math.max(...held) + 1 : 0);
        const holding = new Set(held);
        const gaps: number[] = [];
        for (let nonce = latest; nonce < next && gaps.length < 100; nonce++) {
          if (!holding.has(nonce) && nonce >= pending) gaps.push(nonce);
        }
        return {
          chainId,
          address,
          nextNonce: next,
          latestNonce: latest,
          pendingNonce: pending,
          gaps,
          inFlight: held.length,
          error: null,
        };
      } catch (error) {
        return {
          chainId,
          address,
          nextNonce: null,
          latestNonce: null,
          pendingNonce: null,
          gaps: [],
          inFlight: held.length,
          error: (error as Error).message.split('\n')[0]!,
        };
      }
    },
  };
}
