// What the watcher's next passes will need, asked for while this one is decoded and stored: the
// next backfill ranges, or, following blocks behind the head, the next batch of blocks' headers
// and then their logs (one batch). The node works while the engine does.
import {
  fetchFollowedBlocks,
  type FetchedBlocksLogs,
  type FollowedBlocksDependencies,
  type RawBlock,
} from './followed-blocks.ts';

export interface FetchedAhead {
  fromBlock: number;
  /** The last block asked for; followed blocks may come back fewer (see followed-blocks.ts). */
  toBlock: number;
  /** Following: the blocks' headers (undefined if the node did not have the first yet). */
  blocks?: Promise<RawBlock[] | undefined>;
  result: Promise<FetchedBlocksLogs>;
}

export interface FetchAhead {
  /** What is asked for and not taken yet, oldest first. */
  readonly queued: readonly Pick<FetchedAhead, 'fromBlock' | 'toBlock' | 'blocks'>[];
  /** A backfill range after those asked for. */
  range(addresses: readonly string[], fromBlock: number, toBlock: number): void;
  /**
   * The next followed blocks (a backfill's last blocks, a catch-up after a pause). The first's
   * parent is checked against the stored header when its pass comes, as a block fetched then
   * would be.
   */
  blocks(addresses: readonly string[], fromBlock: number, toBlock: number): void;
  /**
   * The oldest thing fetched ahead if it is exactly what is due (same contracts, same start, in
   * bounds; followed blocks only when following). Otherwise everything asked for is forgotten.
   */
  take(
    addresses: readonly string[],
    fromBlock: number,
    limit: number,
    options: { following: boolean },
  ): FetchedAhead | undefined;
  /** Forgets everything asked for: a reorg, a failed pass, nothing due, a start. */
  drop(): void;
}

export function createFetchAhead(deps: FollowedBlocksDependencies): FetchAhead {
  let queue: (FetchedAhead & { addresses: string })[] = [];
  return {
    get queued() {
      return queue;
    },
    range(addresses, fromBlock, toBlock) {
      queue.push({
        addresses: addresses.join(','),
        fromBlock,
        toBlock,
        result: deps.fetchRange({
          address: addresses,
          fromBlock: `0x${fromBlock.toString(16)}`,
          toBlock: `0x${toBlock.toString(16)}`,
        }),
      });
    },
    blocks(addresses, fromBlock, toBlock) {
      const followed = fetchFollowedBlocks(deps, addresses, fromBlock, toBlock);
      queue.push({
        addresses: addresses.join(','),
        fromBlock,
        toBlock,
        blocks: followed.blocks.catch(() => undefined),
        result: followed.result,
      });
    },
    take(addresses, fromBlock, limit, { following }) {
      const taken = queue.shift();
      if (
        taken &&
        taken.addresses === addresses.join(',') &&
        taken.fromBlock === fromBlock &&
        (taken.blocks !== undefined) === following &&
        taken.toBlock <= limit
      )
        return taken;
      queue = [];
      return undefined;
    },
    drop() {
      queue = [];
    },
  };
}
