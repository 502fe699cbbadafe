// What the watcher's next pass will need, asked for while this one is decoded and stored (at
// most one thing at a time): the next backfill range, or, following blocks behind the head, the
// next block's header and then its logs by its hash. The node works while the engine does.
import type { RawLog } from './log-rows.ts';

export interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** An eth_getLogs outcome (never a rejection) and how long the node took. */
export type FetchedRange = { logs: RawLog[]; milliseconds: number } | { error: unknown };

export interface FetchedAhead {
  fromBlock: number;
  toBlock: number;
  /** Following: the block's header (undefined if the node did not have it yet). */
  block?: Promise<RawBlock | undefined>;
  result: Promise<FetchedRange>;
}

export interface FetchAhead {
  /** The next backfill range. */
  range(addresses: readonly string[], fromBlock: number, toBlock: number): void;
  /**
   * The next followed block (a backfill's last blocks, a catch-up after a pause). Its parent is
   * checked against the stored header when its pass comes, as a block fetched then would be.
   */
  block(addresses: readonly string[], number: number): void;
  /**
   * What was fetched ahead if it is exactly what is due (same contracts, same start, in bounds;
   * a followed block's only when following). Forgotten either way.
   */
  take(
    addresses: readonly string[],
    fromBlock: number,
    limit: number,
    options: { following: boolean },
  ): FetchedAhead | undefined;
  /** Forgets it: a reorg, a failed pass, nothing due, a start. */
  drop(): void;
}

export function createFetchAhead(deps: {
  fetchRange: (filter: Record<string, unknown>) => Promise<FetchedRange>;
  fetchBlock: (number: number) => Promise<RawBlock>;
}): FetchAhead {
  let ahead: (FetchedAhead & { addresses: string }) | undefined;
  return {
    range(addresses, fromBlock, toBlock) {
      ahead = {
        addresses: addresses.join(','),
        fromBlock,
        toBlock,
        result: deps.fetchRange({
          address: addresses,
          fromBlock: `0x${fromBlock.toString(16)}`,
          toBlock: `0x${toBlock.toString(16)}`,
        }),
      };
    },
    block(addresses, number) {
      const block = deps.fetchBlock(number).catch(() => undefined);
      ahead = {
        addresses: addresses.join(','),
        fromBlock: number,
        toBlock: number,
        block,
        result: block.then((found) =>
          found
            ? deps.fetchRange({ address: addresses, blockHash: found.hash })
            : { error: new Error(`block ${number} is not available yet`) },
        ),
      };
    },
    take(addresses, fromBlock, limit, { following }) {
      const taken = ahead;
      ahead = undefined;
      if (
        taken &&
        taken.addresses === addresses.join(',') &&
        taken.fromBlock === fromBlock &&
        (taken.block !== undefined) === following &&
        taken.toBlock <= limit
      )
        return taken;
      return undefined;
    },
    drop() {
      ahead = undefined;
    },
  };
}
