// Blocks with their transactions, and transaction receipts, for failed-call rules: fetched
// through the chain's RPC pool only while such a rule runs, each once however many rules of the
// chain ask (the last few blocks and receipts are kept; a request in flight is shared).
import type { ChainAccess } from '../engine/service.ts';
import { createPromiseCache } from './promise-cache.ts';

export interface FetchedBlock {
  number: number;
  hash: string;
  timestamp: number;
  transactions: readonly { hash: string; from: string; to: string | null; value: string }[];
}

export interface BlockFetcher {
  /** The block at this height as the chain has it now, with its transactions; null past the head. */
  block(chainId: number, blockNumber: number): Promise<FetchedBlock | null>;
  /** Whether a mined transaction succeeded (receipt status 1). */
  succeeded(chainId: number, transactionHash: string): Promise<boolean>;
  /** The hash of the block at this height now, uncached (to see whether a reorg replaced it). */
  hashAt(chainId: number, blockNumber: number): Promise<string | null>;
  /** Drops what is kept of the chain's blocks from this height up, and its receipts: a reorg. */
  forget(chainId: number, fromBlock: number): void;
}

interface RpcBlock {
  number: string;
  hash: string;
  timestamp: string;
  transactions: { hash: string; from: string; to: string | null; value: string }[];
}

export function createBlockFetcher(chains: Pick<ChainAccess, 'rpc'>, capacity = 64): BlockFetcher {
  const blocks = createPromiseCache<FetchedBlock | null>(capacity);
  const receipts = createPromiseCache<boolean>(capacity);
  return {
    block: (chainId, blockNumber) =>
      blocks.get(`${chainId}:${blockNumber}`, async () => {
        const block = await chains
          .rpc(chainId)
          .request<RpcBlock | null>('eth_getBlockByNumber', [
            `0x${blockNumber.toString(16)}`,
            true,
          ]);
        // A block the node does not have yet is asked for again next time.
        if (!block) {
          queueMicrotask(() => blocks.delete(`${chainId}:${blockNumber}`));
          return null;
        }
        return {
          number: Number(block.number),
          hash: block.hash,
          timestamp: Number(block.timestamp),
          transactions: block.transactions.map(({ hash, from, to, value }) => ({
            hash,
            from,
            to,
            value,
          })),
        };
      }),
    succeeded: (chainId, transactionHash) =>
      receipts.get(`${chainId}:${transactionHash.toLowerCase()}`, async () => {
        const receipt = await chains
          .rpc(chainId)
          .request<{ status: string } | null>('eth_getTransactionReceipt', [transactionHash]);
        if (!receipt)
          throw new Error(`chain ${chainId} has no receipt for transaction ${transactionHash}`);
        return Number(receipt.status) === 1;
      }),
    forget(chainId, fromBlock) {
      blocks.deleteWhere((key) => {
        const [chain, number] = key.split(':').map(Number);
        return chain === chainId && number! >= fromBlock;
      });
      // A transaction the reorg put in another block may have another outcome there.
      receipts.deleteWhere((key) => key.startsWith(`${chainId}:`));
    },
    async hashAt(chainId, blockNumber) {
      const block = await chains
        .rpc(chainId)
        .request<{ hash: string } | null>('eth_getBlockByNumber', [
          `0x${blockNumber.toString(16)}`,
          false,
        ]);
      return block?.hash ?? null;
    },
  };
}
