// What the watcher's next passes will need, asked for while this one is decoded and stored: the
// next backfill ranges, or, following blocks behind the head, the next batch of blocks' headers
// and their logs (one batch). The node works while the engine does. A range or batch that is
// forgotten (a refused range before it, a reorg, a contract added) has its log requests aborted:
// their answers, of up to a few MB, are not read or parsed for nothing.
import {
  fetchFollowedBlocks,
  type FetchedBlocksLogs,
  type FollowedBlocksDependencies,
  type RawBlock,
} from './followed-blocks.ts';
import { logRangeFilter } from './log-rows.ts';

export interface FetchedAhead {
  fromBlock: number;
  /** The last block asked for; followed blocks may come back fewer (see followed-blocks.ts). */
  toBlock: number;
  /** Following: the blocks' headers (undefined if the node did not have the first yet). */
  blocks?: Promise<RawBlock[] | undefined>;
  result: Promise<FetchedBlocksLogs>;
  /** Followed blocks: the last block their logs were asked for (FollowedBlocks.logsThrough). */
  logsThrough?: number;
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

/**
 * The most backfill ranges asked for ahead of the one being stored, after a dense answer. Ranges
 * are kept small for the engine's sake (RANGE_ANSWER_BYTES in range-sizer.ts), so a distant node's
 * round trips would pace them one at a time: through a node 100 ms away, a 300k-event backfill ran
 * at 47k events/s with three ahead against 40k with one range of the client's largest answer.
 */
export const MAX_RANGES_AHEAD = 3;

/**
 * An answer counts as slower than the passes when the fastest of the last few took this many
 * passes. One range ahead is read at the latest when the pass after it waits for it, so a near
 * node's answers seem to take about one pass; but reading and parsing it count too, and on a 1M
 * backfill from a local node they crossed this on about two passes in five (two or three ranges
 * were then asked for; bench/results/tail-and-ahead-2026-12-07.md).
 */
const SLOWER_THAN_PASSES = 1.5;

/**
 * How many backfill ranges to ask for ahead after a dense answer: one, unless even the fastest of
 * the last few dense answers (the node's round trip and work, and reading it) took clearly longer
 * than a typical pass (the median) storing such a range; then as many as cover it, at most
 * MAX_RANGES_AHEAD. A near node needs one: its answer is there before the pass before it ends.
 * More would only be parsed early and wait, alive through the young generation's collections. On
 * a 1M-event backfill from a local node, the serve process used 15.2 s of CPU against 15.8 with
 * three ahead (three runs each), and 15.4 against 16.4 with the count fixed at one (four each);
 * the backfill rates moved inside the machine's drift. Before a dense answer and a pass have both
 * been timed (a backfill's first pass), one.
 */
export function rangesAheadFor(answerMs: readonly number[], storeMs: readonly number[]): number {
  if (answerMs.length === 0 || storeMs.length === 0) return 1;
  const fastestAnswer = Math.min(...answerMs);
  const typicalPass = [...storeMs].sort((a, b) => a - b)[storeMs.length >> 1]!;
  const passes = fastestAnswer / Math.max(typicalPass, 1);
  if (passes <= SLOWER_THAN_PASSES) return 1;
  return Math.min(MAX_RANGES_AHEAD, Math.ceil(passes));
}

/** How many passes' times rangesAheadFor is given: a few, so a change of node shows soon. */
const TIMES_KEPT = 8;

/** The times rangesAheadFor judges by, kept over a backfill's last dense passes. */
export interface AheadTimes {
  /** A dense range's answer took this long (asked for until parsed). */
  answered(milliseconds: number): void;
  /** Its pass took this long from its answer to its range stored. */
  stored(milliseconds: number): void;
  /**
   * A backfill starts after following or idling: times of another contract's, or of a node
   * since left, go (a failed pass keeps them; a node changed in the settings gets a new watcher).
   */
  forget(): void;
  rangesAhead(): number;
}

export function createAheadTimes(): AheadTimes {
  const answers: number[] = [];
  const passes: number[] = [];
  const keep = (times: number[], milliseconds: number): void => {
    times.push(milliseconds);
    if (times.length > TIMES_KEPT) times.shift();
  };
  return {
    answered: (milliseconds) => keep(answers, milliseconds),
    stored: (milliseconds) => keep(passes, milliseconds),
    forget() {
      answers.length = 0;
      passes.length = 0;
    },
    rangesAhead: () => rangesAheadFor(answers, passes),
  };
}

/** What to ask for ahead next, in order: backfill ranges, or one batch of followed blocks. */
export type AheadRequest = { kind: 'range' | 'blocks'; fromBlock: number; toBlock: number };

export interface AheadPlan {
  /** What is asked for and not taken yet, oldest first (FetchAhead.queued). */
  queued: readonly Pick<FetchedAhead, 'toBlock' | 'blocks'>[];
  /** The last block of the range just answered. */
  through: number;
  following: boolean;
  head: number;
  /** Blocks behind the head that are followed with headers rather than backfilled. */
  followDistance: number;
  /** The next cursor above this group's (another contract's), where its range must stop. */
  nextHigher: number;
  /** The last block a backfill range may reach. */
  rangeLimit: number;
  /** The range just answered held about DENSE_ANSWER_BYTES or more. */
  dense: boolean;
  /** Ranges to keep asked for ahead after a dense answer (rangesAheadFor). */
  rangesAhead: number;
  /** Blocks in a backfill range now (the sizer's). */
  rangeSize: number;
  /** The last block of a batch of followed blocks from `from` (the watcher's). */
  followedBatchEnd: (from: number) => number;
}

/**
 * While a range is decoded and stored, the node works on what comes after it: the next backfill
 * ranges, or the blocks followed next (also after a backfill's last range). More than one range
 * only after a dense answer, whose blocks tell how dense the next ones are: ranges sized by a
 * quiet stretch can land on dense blocks and be refused after the node built each answer (a 1M
 * backfill after a stretch of one-event blocks: three refused answers of tens of MB, 5 s of the
 * node's CPU). After a quiet answer, one is asked for ahead.
 */
export function planAhead(plan: AheadPlan): AheadRequest[] {
  const wanted = plan.dense ? Math.max(1, plan.rangesAhead) : 1;
  const last = plan.queued[plan.queued.length - 1];
  // Followed blocks are the last thing asked for ahead: nothing goes after them.
  if (last?.blocks !== undefined) return [];
  const requests: AheadRequest[] = [];
  let lastEnd = last?.toBlock ?? plan.through;
  for (let count = plan.queued.length; count < wanted; count++) {
    const fromBlock = lastEnd + 1;
    if (plan.following || lastEnd === plan.head - plan.followDistance) {
      if (fromBlock <= Math.min(plan.head, plan.nextHigher))
        requests.push({ kind: 'blocks', fromBlock, toBlock: plan.followedBatchEnd(fromBlock) });
      return requests;
    }
    const toBlock = Math.min(lastEnd + plan.rangeSize, plan.rangeLimit);
    if (fromBlock > toBlock) return requests;
    requests.push({ kind: 'range', fromBlock, toBlock });
    lastEnd = toBlock;
  }
  return requests;
}

export function createFetchAhead(deps: FollowedBlocksDependencies): FetchAhead {
  let queue: (FetchedAhead & { addresses: string; asking?: AbortController })[] = [];
  function forget(): void {
    for (const item of queue) item.asking?.abort();
    queue = [];
  }
  return {
    get queued() {
      return queue;
    },
    range(addresses, fromBlock, toBlock) {
      const asking = new AbortController();
      queue.push({
        addresses: addresses.join(','),
        fromBlock,
        toBlock,
        asking,
        result: deps.fetchRange(logRangeFilter(addresses, fromBlock, toBlock), asking.signal),
      });
    },
    blocks(addresses, fromBlock, toBlock) {
      const asking = new AbortController();
      const followed = fetchFollowedBlocks(deps, addresses, fromBlock, toBlock, asking.signal);
      queue.push({
        addresses: addresses.join(','),
        fromBlock,
        toBlock,
        asking,
        blocks: followed.blocks.catch(() => undefined),
        result: followed.result,
        logsThrough: followed.logsThrough,
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
      taken?.asking?.abort();
      forget();
      return undefined;
    },
    drop: forget,
  };
}
