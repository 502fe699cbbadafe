// Watches one chain: backfills each watched contract from its cursor with eth_getLogs over
// adaptive ranges, then follows the head with headers, checking every new block's parent hash
// against the stored one (a batch of blocks at a time while behind, see followed-blocks.ts).
// Each fetched range is committed to the store together with the cursors it advances, so a
// restart resumes exactly where the last snapshot left off.
import type { Logger } from '../ports/index.ts';
import type { ChainStatus, ReorgRecord } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';
import { errorText, headerBloomCoversLogs } from '../chains/index.ts';
import type { ChainRecord, EventRow, Store, StoredEvent } from './types.ts';
import { createRangeSizer, DENSE_ANSWER_BYTES, type RangeSizer } from './range-sizer.ts';
import { approximateAnswerBytes, fetchLogsInRanges, shrinkRangeAfter } from './fetch-logs.ts';
import {
  logBlockFilter,
  logRangeFilter,
  toStoredEvents,
  type ContractDecoders,
  type RawLog,
} from './log-rows.ts';
import { createAheadTimes, createFetchAhead, planAhead, type FetchedAhead } from './fetch-ahead.ts';
import {
  fetchFollowedBlocks,
  type FetchedBlocksLogs,
  type FetchedRange,
  type FollowedBlocksDependencies,
  type RawBlock,
} from './followed-blocks.ts';

export interface ChainWatcherDependencies {
  chain: ChainRecord;
  store: Store;
  rpc: RpcPool;
  decoders: ContractDecoders;
  /** Called with rows newly stored or changed (confirmed, removed), in chain order. */
  onRows: (rows: EventRow[]) => void;
  /** Called after a reorganisation was detected and the store made equal to the new branch. */
  onReorg?: (reorg: ReorgRecord) => void;
  /** Called when the chain's head block moves. */
  onHead?: (headBlock: number) => void;
  /**
   * Compares the chain's RPC providers now (at a block, if given), taking a lying or lagging one
   * out of rotation: before a suspected reorg is believed, and when passes keep failing.
   */
  crossCheck?: (blockNumber?: number) => Promise<void>;
  log: Logger;
  sleep?: (milliseconds: number) => Promise<void>;
  /** The time lag is measured in (Date.now unless a test drives it). */
  now?: () => number;
  pollIntervalMs?: number;
  /** Fault injection for kill -9 tests: called at each step of a reorg's repair with its name. */
  crashPoint?: (point: ReorgCrashPoint) => void;
}

/**
 * The steps of a reorg's repair where crash tests stop the process: the fork point is known and
 * nothing is fetched yet; the new branch is being fetched (headers in, logs not yet); the first
 * group of contracts was rolled back and replaced in the store.
 */
export type ReorgCrashPoint = 'reorg.detected' | 'reorg.refetching' | 'reorg.rolled-back';

export interface ChainWatcher {
  start(): void;
  stop(): Promise<void>;
  /** Wakes the loop now, e.g. after a contract was added. */
  wake(): void;
  status(): Omit<ChainStatus, 'name' | 'eventsPerMinute' | 'totalEvents'>;
  /** Seconds since the watcher last saw the head and had indexed it; null before that. */
  lagSeconds(): number | null;
  /** The range sizer this chain's provider has taught, for other fetches on the same chain. */
  readonly sizer: RangeSizer;
}

/**
 * A backfill's first eth_getLogs range. Ranges grow from it while answers come back fast and
 * small (2 → 2,048 blocks in ten requests over a quiet contract). A wide first guess costs as
 * much as the history: a node builds its whole answer before a size limit refuses it, so a first
 * range of 2,000 blocks over a busy contract had anvil gather every event of a 5M-event chain
 * (tens of seconds, gigabytes) for nothing; starting at 16 made the 5M backfill 1.8× as fast,
 * and 16 blocks of 4,000 logs were still a 40 MB answer refused at the start of every backfill.
 */
const FIRST_RANGE_BLOCKS = 2;

/** How far back a reorganisation is looked for before giving up on finding the fork. */
const MAX_REORG_WALK = 10_000;
/** How long a backfill pass reuses the head the last one asked for (see headForPass). */
const BACKFILL_HEAD_REUSE_MS = 1_000;
/** Ranges repaired with headers (for later parent checks); longer ones are repaired by logs only. */
const HEADER_REPAIR_LIMIT = 256;

export function createChainWatcher(deps: ChainWatcherDependencies): ChainWatcher {
  const { chain, store, rpc, decoders, onRows, log } = deps;
  const pollIntervalMs = deps.pollIntervalMs ?? 1_000;
  const now = deps.now ?? Date.now;
  const crashPoint = deps.crashPoint ?? (() => undefined);
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let unsubscribeHeads: (() => void) | undefined;
  const sizer = createRangeSizer({ initial: FIRST_RANGE_BLOCKS });
  // Blocks this close to the head are fetched with their headers, so every block that can still
  // be reorganised away has a stored hash to check the next parent against.
  const followDistance = Math.max(16, chain.confirmations + 1);

  let headBlock: number | null = null;
  let phase: ChainStatus['phase'] = 'idle';
  let lastError: string | null = null;
  let consecutiveFailures = 0;
  /** Why the backfill's ranges were last made smaller, for the chain's status. */
  let lastRangeShrink: string | null = null;
  /** When the watcher last saw the head and had indexed it: the basis of lag in seconds. */
  let lastCaughtUpAt: number | null = null;
  /**
   * Set when a batch of followed blocks came back with logs of another branch (the chain moved
   * between its requests, or a provider's nodes disagree): the watcher follows one block a pass,
   * by its hash, until it has caught up with the head.
   */
  let followOneBlock = false;
  /** How long dense backfill ranges took to answer and to store: how many to ask for ahead. */
  const aheadTimes = createAheadTimes();
  /** Whether the last pass to choose its blocks was a backfill's (one failing before leaves it). */
  let lastPassBackfilled = false;

  const sleep =
    deps.sleep ??
    ((milliseconds: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wakeUp = undefined;
          resolve();
        }, milliseconds);
        wakeUp = () => {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        };
      }));

  /**
   * The head a pass works from. While backfilling, it is asked for at most once a second: the
   * answer waited behind the range being fetched ahead (the node answers in turn), a tenth of
   * each pass at 1M events, and a head a second old only stops a range a block or two sooner.
   * Real time, not the injected `now`: that clock is the lag's, which a test may drive.
   */
  let headAskedAt = -Infinity;
  async function headForPass(): Promise<number> {
    if (
      phase === 'backfilling' &&
      headBlock !== null &&
      performance.now() - headAskedAt < BACKFILL_HEAD_REUSE_MS
    )
      return headBlock;
    const head = await fetchHead();
    headAskedAt = performance.now();
    return head;
  }

  async function fetchHead(): Promise<number> {
    const head = Number.parseInt(await rpc.request<string>('eth_blockNumber'), 16);
    const moved = head !== headBlock;
    headBlock = head;
    if (moved) deps.onHead?.(head);
    return head;
  }

  async function fetchBlock(number: number): Promise<RawBlock> {
    const block = await rpc.request<RawBlock | null>('eth_getBlockByNumber', [
      `0x${number.toString(16)}`,
      false,
    ]);
    if (!block) throw new Error(`block ${number} is not available yet`);
    return block;
  }

  /**
   * A block disagrees with the store. One provider's word is not enough to rewrite the store:
   * the providers are compared at `suspect` first (a liar leaves rotation), then block `number`
   * is asked for again from those still in rotation.
   */
  async function refetchAfterCrossCheck(
    suspect: number,
    number: number,
    fetched: RawBlock,
  ): Promise<RawBlock> {
    if (!deps.crossCheck) return fetched;
    await deps.crossCheck(suspect);
    return fetchBlock(number);
  }

  /** The next lower height for which the store holds a hash (a header, or events' block hash). */
  function nextStoredHeightBelow(height: number): number | undefined {
    if (store.blockHeaderAt(chain.chainId, height - 1)) return height - 1;
    return store.eventBlocksAtOrBelow(chain.chainId, height - 1, 1)[0]?.number;
  }

  /**
   * The stored block at `firstSuspect` is no longer on the chain. Walk back over stored hashes
   * to the last block both branches share, then make everything above it, up to `oldTip`, equal
   * to the new branch in one transaction, and log the reorg. Cursors stay where they were.
   */
  async function handleReorg(firstSuspect: number, oldTip: number, head: number): Promise<void> {
    fetchAhead.drop();
    const oldBlocks: { number: number; hash: string }[] = [];
    const newBlocks: { number: number; hash: string }[] = [];
    let forkPoint: number | undefined;
    let beyondWindow = false;
    let height: number | undefined = firstSuspect;
    for (let steps = 0; height !== undefined && height >= 0 && steps < MAX_REORG_WALK; steps++) {
      const storedHash = store.storedBlockHash(chain.chainId, height);
      if (storedHash === undefined) break;
      const canonical = await fetchBlock(height);
      if (canonical.hash === storedHash) {
        forkPoint = height;
        break;
      }
      // An orphaned block with no stored header lies below the unfinalized window.
      if (!store.blockHeaderAt(chain.chainId, height)) beyondWindow = true;
      oldBlocks.push({ number: height, hash: storedHash });
      newBlocks.push({ number: height, hash: canonical.hash });
      height = nextStoredHeightBelow(height);
    }
    const cursors = store.contractCursors(chain.chainId);
    const lowestStart = Math.min(...cursors.map((cursor) => cursor.startBlock));
    if (forkPoint === undefined) forkPoint = Math.max(lowestStart - 1, (height ?? lowestStart) - 1);
    const fromBlock = forkPoint + 1;
    crashPoint('reorg.detected');

    // Headers for the repaired range keep later parent checks possible; the logs must come
    // from exactly those blocks, or the chain moved again and the repair is retried.
    const blocks: RawBlock[] = [];
    if (oldTip - fromBlock < HEADER_REPAIR_LIMIT) {
      for (let number = fromBlock; number <= oldTip; number++)
        blocks.push(await fetchBlock(number));
    }
    const hashAt = new Map(blocks.map((block) => [Number.parseInt(block.number, 16), block.hash]));
    const confirmedThrough = head - chain.confirmations;
    const affected = cursors.filter((cursor) => cursor.cursor >= fromBlock);
    const byTip = new Map<number, typeof affected>();
    for (const cursor of affected) {
      const tip = Math.min(cursor.cursor, oldTip);
      byTip.set(tip, [...(byTip.get(tip) ?? []), cursor]);
    }
    let recorded: ReorgRecord | undefined;
    let removedConfirmed = 0;
    crashPoint('reorg.refetching');
    for (const [tip, group] of byTip) {
      const logs = await fetchLogsInRanges(
        rpc,
        sizer,
        group.map((cursor) => cursor.address),
        fromBlock,
        tip,
      );
      for (const log of logs) {
        const expected = hashAt.get(Number.parseInt(log.blockNumber, 16));
        if (expected !== undefined && expected !== log.blockHash) {
          throw new Error(
            `the chain reorganised again while block ${Number.parseInt(log.blockNumber, 16)} was repaired`,
          );
        }
      }
      const isFirst = recorded === undefined;
      const result = store.applyCanonicalRange(
        {
          chainId: chain.chainId,
          contractIds: group.map((cursor) => cursor.id),
          fromBlock,
          toBlock: tip,
          events: toStoredEvents(chain.chainId, logs, decoders, confirmedThrough, blocks),
          blocks: isFirst
            ? blocks.map((block) => ({
                number: Number.parseInt(block.number, 16),
                hash: block.hash,
                parentHash: block.parentHash,
                timestamp: Number.parseInt(block.timestamp, 16),
              }))
            : [],
        },
        isFirst
          ? {
              chainId: chain.chainId,
              detectedAt: Date.now(),
              forkBlock: forkPoint,
              depth: oldTip - forkPoint,
              oldBlocks: oldBlocks.reverse(),
              newBlocks: newBlocks.reverse(),
              beyondWindow,
            }
          : undefined,
      );
      if (isFirst) crashPoint('reorg.rolled-back');
      recorded ??= result.reorg;
      removedConfirmed += result.removed.filter(
        (row) => row.blockNumber <= confirmedThrough,
      ).length;
      const changed = [...result.removed, ...result.added];
      if (changed.length > 0) onRows(changed);
    }
    const summary = `Chain ${chain.chainId}: reorganisation of depth ${oldTip - forkPoint} above block ${forkPoint}${beyondWindow ? ' (deeper than the stored header window: repaired by refetching the range)' : ''}.`;
    if (beyondWindow || removedConfirmed > 0) {
      log.error(
        `${summary}${removedConfirmed > 0 ? ` It removed ${removedConfirmed} event(s) that were already confirmed: the confirmation depth (${chain.confirmations}) is too low for this chain.` : ''}`,
      );
    } else {
      log.warn(summary);
    }
    if (recorded) deps.onReorg?.(recorded);
  }

  /** eth_getLogs that never rejects: its outcome and how long the node took. */
  function fetchRange(
    filter: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<FetchedRange> {
    const started = performance.now();
    return rpc.request<RawLog[]>('eth_getLogs', [filter], signal ? { signal } : {}).then(
      (logs) => ({ logs, milliseconds: performance.now() - started }),
      (error: unknown) => ({ error }),
    );
  }

  const followedDeps: FollowedBlocksDependencies = {
    fetchRange,
    fetchBlock,
    trustHeaderBloom: headerBloomCoversLogs(chain.chainId),
  };
  const fetchAhead = createFetchAhead(followedDeps);

  /** Whether the contracts a pass fetched for are still watched from where it started. */
  function stillDue(group: readonly { id: string; cursor: number }[]): boolean {
    const cursorNow = new Map(
      store.contractCursors(chain.chainId).map((cursor) => [cursor.id, cursor.cursor]),
    );
    return group.every((cursor) => cursorNow.get(cursor.id) === cursor.cursor);
  }

  /**
   * The last block of a batch of followed blocks from `from`: as many as the largest range the
   * client takes (fetchFollowedBlocks asks for at most MAX_FOLLOWED_BATCH of them; batches go one
   * at a time, so each pays its round trips), and not across the confirmation depth, so final
   * blocks go to a segment of their own and only the others wait in the head (followed-blocks.ts
   * says why a watcher behind the head follows in batches).
   */
  function followedBatchEnd(from: number, head: number, nextHigher: number): number {
    const blocks = followOneBlock ? 1 : sizer.largestSize;
    const confirmedThrough = head - chain.confirmations;
    let end = Math.min(from + blocks - 1, head, nextHigher);
    if (from <= confirmedThrough) end = Math.min(end, confirmedThrough);
    return Math.max(from, end);
  }

  async function pass(): Promise<'idle' | 'progress'> {
    const head = await headForPass();
    const cursors = store.contractCursors(chain.chainId);
    if (cursors.length === 0) {
      phase = 'idle';
      lastPassBackfilled = false;
      return 'idle';
    }
    const lowest = Math.min(...cursors.map((cursor) => cursor.cursor));
    if (lowest >= head) {
      // Nothing is due: what was fetched ahead would be old by the next block (a head that went
      // back, a lagging URL), and a sibling block with the same parent would pass its check.
      fetchAhead.drop();
      phase = 'following';
      lastPassBackfilled = false;
      followOneBlock = false;
      // A reorg can replace the tip without the head moving (same height, another hash).
      const storedTip = store.storedBlockHash(chain.chainId, lowest);
      if (storedTip !== undefined && lowest >= 0) {
        let canonical = await fetchBlock(lowest);
        if (canonical.hash !== storedTip)
          canonical = await refetchAfterCrossCheck(lowest, lowest, canonical);
        if (canonical.hash !== storedTip) {
          await handleReorg(lowest, lowest, head);
          return 'progress';
        }
      }
      lastCaughtUpAt = now();
      return 'idle';
    }
    const group = cursors.filter((cursor) => cursor.cursor === lowest);
    const nextHigher = Math.min(
      ...cursors.map((cursor) => (cursor.cursor > lowest ? cursor.cursor : Infinity)),
    );
    const fromBlock = lowest + 1;
    const following = head - lowest <= followDistance;
    // A backfill (again) after following: the times of the last one may be another node's. A
    // failed pass in between says nothing about how far the node is: with the times forgotten
    // after one, the range after the first was asked for only once the first was answered (a
    // round trip lost to each error of a distant node).
    if (!following && !lastPassBackfilled) aheadTimes.forget();
    lastPassBackfilled = !following;
    phase = following ? 'following' : 'backfilling';
    // Backfill stops short of the unfinalized tail, which is followed with headers.
    const toBlock = following
      ? followedBatchEnd(fromBlock, head, nextHigher)
      : Math.min(lowest + sizer.size, head - followDistance, head, nextHigher);

    const addresses = group.map((cursor) => cursor.address);
    const rangeLimit = following ? toBlock : Math.min(head - followDistance, head, nextHigher);
    // The range fetched ahead while the last one was stored, when it is the one due now.
    const ahead = fetchAhead.take(addresses, fromBlock, rangeLimit, { following });

    let blocks: RawBlock[] = [];
    let toBlockFetched = toBlock;
    /** The last block whose logs were asked for (past the linked headers, for a followed batch). */
    let logsThrough = toBlock;
    let fetched: FetchedBlocksLogs;
    if (following) {
      // Followed blocks fetched ahead, or asked for now; their logs are of exactly these blocks.
      let followed: Pick<FetchedAhead, 'result' | 'logsThrough'> | undefined = ahead;
      let linked = await ahead?.blocks;
      if (linked === undefined) {
        const askedNow = fetchFollowedBlocks(followedDeps, addresses, fromBlock, toBlock);
        followed = askedNow;
        linked = await askedNow.blocks;
      }
      const parent = store.blockHeaderAt(chain.chainId, fromBlock - 1);
      if (parent && parent.hash !== linked[0]!.parentHash) {
        const block = await refetchAfterCrossCheck(fromBlock - 1, fromBlock, linked[0]!);
        if (parent.hash !== block.parentHash) {
          await handleReorg(fromBlock - 1, lowest, head);
          return 'progress';
        }
        // Asked for again after the providers were compared: its logs are asked for by its hash.
        linked = [block];
        followed = undefined;
      }
      blocks = linked;
      toBlockFetched = fromBlock + blocks.length - 1;
      logsThrough = followed?.logsThrough ?? toBlockFetched;
      fetched = followed
        ? await followed.result
        : await fetchRange(logBlockFilter(addresses, blocks[0]!.hash));
    } else if (ahead) {
      toBlockFetched = logsThrough = ahead.toBlock;
      fetched = await ahead.result;
    } else {
      fetched = await fetchRange(logRangeFilter(addresses, fromBlock, toBlock));
    }
    if ('moved' in fetched) {
      log.info(
        `Chain ${chain.chainId}: blocks ${fromBlock}–${toBlockFetched} changed while they were fetched (${fetched.moved}); following them one by one.`,
      );
      followOneBlock = true;
      return 'progress';
    }
    if ('error' in fetched) {
      // A range refused or broken off is asked for again in smaller pieces at once; only a
      // single block that fails is an error, retried after a back-off. The ranges asked for
      // after it are of its size: forgotten, and aborted.
      fetchAhead.drop();
      const shrunk = shrinkRangeAfter(sizer, fetched.error, fromBlock, logsThrough);
      if (shrunk === undefined) throw fetched.error;
      if (lastRangeShrink !== shrunk) log.warn(`Chain ${chain.chainId}: ${shrunk}`);
      lastRangeShrink = shrunk;
      return 'progress';
    }
    const logs = fetched.logs;
    const answeredAt = performance.now();
    const answerBytes = approximateAnswerBytes(logs);
    sizer.succeeded(logs.length, fetched.milliseconds, toBlockFetched - fromBlock + 1, answerBytes);
    const dense = answerBytes >= DENSE_ANSWER_BYTES;
    // Only dense ranges: the count is for them, and a quiet range's pass takes no time at all.
    const timingPass = dense && !following;
    if (timingPass) aheadTimes.answered(fetched.milliseconds);
    // The node works on what comes next while this range is decoded and stored.
    const askedAhead = planAhead({
      queued: fetchAhead.queued,
      through: toBlockFetched,
      following,
      head,
      followDistance,
      nextHigher,
      rangeLimit,
      dense,
      rangesAhead: aheadTimes.rangesAhead(),
      rangeSize: sizer.size,
      followedBatchEnd: (from) => followedBatchEnd(from, head, nextHigher),
    });
    for (const request of askedAhead) {
      if (request.kind === 'range') fetchAhead.range(addresses, request.fromBlock, request.toBlock);
      else fetchAhead.blocks(addresses, request.fromBlock, request.toBlock);
    }

    const confirmedThrough = head - chain.confirmations;
    const events: StoredEvent[] = toStoredEvents(
      chain.chainId,
      logs,
      decoders,
      confirmedThrough,
      blocks,
    );
    // The range fetched ahead arrives while this one is stored, and fetch reads an answer only
    // when this thread's event loop turns: one turn here lets it take what has come. On a 1M
    // backfill the engine waited for answers 5.6 s instead of 9.2 s without it.
    if (!following) await new Promise<void>((resolve) => setImmediate(resolve));
    // A contract removed or moved while this pass awaited the node or that turn: the range is not
    // its to store; the next pass asks again.
    if (!stillDue(group)) {
      fetchAhead.drop();
      return 'progress';
    }
    const result = store.commitChainData({
      chainId: chain.chainId,
      events,
      blocks: blocks.map((block) => ({
        number: Number.parseInt(block.number, 16),
        hash: block.hash,
        parentHash: block.parentHash,
        timestamp: Number.parseInt(block.timestamp, 16),
      })),
      cursors: group.map((cursor) => ({ contractId: cursor.id, indexedThrough: toBlockFetched })),
      confirmedThrough,
    });
    const changed: EventRow[] = [...result.confirmed, ...result.inserted];
    if (changed.length > 0) onRows(changed);
    if (timingPass) aheadTimes.stored(performance.now() - answeredAt);
    return 'progress';
  }

  async function run(): Promise<void> {
    unsubscribeHeads = await rpc.subscribeNewHeads(() => wakeUp?.()).catch(() => undefined);
    while (running) {
      try {
        const outcome = await pass();
        consecutiveFailures = 0;
        lastError = null;
        if (outcome === 'idle' && running) await sleep(pollIntervalMs);
      } catch (error) {
        // Nothing is skipped: the same range is tried again after a back-off.
        fetchAhead.drop();
        consecutiveFailures++;
        lastError = errorText(error).split('\n')[0]!.slice(0, 300);
        phase = 'error';
        const backoff =
          Math.min(30_000, 250 * 2 ** Math.min(consecutiveFailures, 7)) *
          (0.75 + Math.random() * 0.5);
        if (consecutiveFailures === 1 || consecutiveFailures % 10 === 0) {
          log.warn(`Chain ${chain.chainId}: ${lastError}; retrying in ${Math.round(backoff)} ms.`);
        }
        // A provider answering blocks the others cannot serve logs for stalls every pass; compare
        // the providers now rather than at their next scheduled round.
        if (consecutiveFailures % 3 === 0) void deps.crossCheck?.();
        if (running) await sleep(backoff);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      fetchAhead.drop();
      loop = run();
    },
    async stop() {
      running = false;
      wakeUp?.();
      unsubscribeHeads?.();
      await loop;
      // What was asked for ahead has no pass left to take it.
      fetchAhead.drop();
    },
    wake() {
      wakeUp?.();
    },
    sizer,
    lagSeconds() {
      if (lastCaughtUpAt === null) return null;
      return Math.max(0, (now() - lastCaughtUpAt) / 1000);
    },
    status() {
      const cursors = store.contractCursors(chain.chainId);
      const indexedThrough = cursors.length
        ? Math.min(...cursors.map((cursor) => cursor.cursor))
        : null;
      const target = headBlock ?? indexedThrough ?? 0;
      // Progress covers everything the watched contracts ask for, from their start blocks.
      const from = cursors.length ? Math.min(...cursors.map((cursor) => cursor.startBlock)) : 0;
      const totalBlocks = Math.max(0, target - from + 1);
      const doneBlocks =
        indexedThrough === null ? 0 : Math.max(0, Math.min(totalBlocks, indexedThrough - from + 1));
      return {
        chainId: chain.chainId,
        headBlock,
        indexedThrough: indexedThrough !== null && indexedThrough >= 0 ? indexedThrough : null,
        lag:
          headBlock !== null && indexedThrough !== null
            ? Math.max(0, headBlock - indexedThrough)
            : null,
        backfill: {
          fromBlock: from,
          targetBlock: target,
          doneBlocks,
          totalBlocks,
          progress: totalBlocks === 0 ? 1 : doneBlocks / totalBlocks,
          rangeBlocks: sizer.size,
          rangeShrunk: lastRangeShrink,
        },
        phase,
        rpc: rpc.health(),
        lastError,
      };
    },
  };
}
