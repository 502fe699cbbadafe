// The transaction behind an event (from, to, value), for the few rules whose condition names
// tx.*: fetched once per transaction through the chain's RPC pool and kept in a bounded cache.
import type { ChainAccess } from '../engine/service.ts';
import type { TransactionFields } from './compile-condition.ts';
import { createPromiseCache } from './promise-cache.ts';

export interface TransactionFetcher {
  get(chainId: number, transactionHash: string): Promise<TransactionFields>;
}

export function createTransactionFetcher(
  chains: Pick<ChainAccess, 'rpc'>,
  capacity = 10_000,
): TransactionFetcher {
  const cache = createPromiseCache<TransactionFields>(capacity);
  return {
    get: (chainId, transactionHash) =>
      cache.get(`${chainId}:${transactionHash.toLowerCase()}`, () =>
        chains
          .rpc(chainId)
          .request<{ from: string; to: string | null; value: string } | null>(
            'eth_getTransactionByHash',
            [transactionHash],
          )
          .then((transaction) => {
            if (!transaction)
              throw new Error(`chain ${chainId} does not know transaction ${transactionHash}`);
            return {
              from: transaction.from,
              to: transaction.to,
              value: BigInt(transaction.value).toString(),
            };
          }),
      ),
  };
}
