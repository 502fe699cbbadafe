// The transaction behind an event (from, to, value), for the few rules whose condition names
// tx.*: fetched once per transaction through the chain's RPC pool and kept in a bounded cache.
import type { ChainAccess } from '../engine/service.ts';
import type { TransactionFields } from './compile-condition.ts';

export interface TransactionFetcher {
  get(chainId: number, transactionHash: string): Promise<TransactionFields>;
}

export function createTransactionFetcher(
  chains: Pick<ChainAccess, 'rpc'>,
  capacity = 10_000,
): TransactionFetcher {
  const cache = new Map<string, TransactionFields>();
  const inFlight = new Map<string, Promise<TransactionFields>>();
  return {
    get(chainId, transactionHash) {
      const key = `${chainId}:${transactionHash.toLowerCase()}`;
      const cached = cache.get(key);
      if (cached) return Promise.resolve(cached);
      const pending = inFlight.get(key);
      if (pending) return pending;
      const request = chains
        .rpc(chainId)
        .request<{ from: string; to: string | null; value: string } | null>(
          'eth_getTransactionByHash',
          [transactionHash],
        )
        .then((transaction) => {
          if (!transaction)
            throw new Error(`chain ${chainId} does not know transaction ${transactionHash}`);
          const fields = {
            from: transaction.from,
            to: transaction.to,
            value: BigInt(transaction.value).toString(),
          };
          cache.set(key, fields);
          // Oldest out first: Maps iterate in insertion order.
          if (cache.size > capacity) cache.delete(cache.keys().next().value!);
          return fields;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    },
  };
}
