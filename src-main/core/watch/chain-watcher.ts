// Watches one chain: backfills each watched contract from its cursor with eth_getLogs over
// adaptive ranges, then follows the head block by block, checking every new block's parent
// hash against the stored one. Each fetched range is committed to the store together with the
// cursors it advances, so a restart resumes exactly where the last snapshot left off.
import type { Logger } from '../app.ts';
import type { ChainStatus } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';
import { errorText, isRangeTooLargeError } from '../chains/index.ts';
import type { ChainRecord, EventRow, Store, StoredEvent } from './types.ts';
import { createRangeSizer, hintedRangeSize } from './range-sizer.ts';
import { toStoredEvents, type ContractDecoders, type RawLog } from './log-rows.ts';

export interface ChainWatcherDependencies {
  chain: ChainRecord;
  store: Store;
  rpc: RpcPool;
  decoders: ContractDecoders;
  /** Called with rows newly stored or changed (confirmed, removed), in chain order. */
  onRows: (rows: EventRow[]) => void;
  log: Logger;
  sleep?: (milliseconds: number) => Promise<void>;
  pollIntervalMs?: number;
}

export interface ChainWatcher {
  start(): void;
  stop(): Promise<void>;
  /** Wakes the loop now, e.g. after a contract was added. */
  wake(): void;
  status(): Omit<ChainStatus, 'name' | 'eventsPerMinute' | 'totalEvents'>;
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** Ranges this close to the head are fetched block by block with headers, for the hash check. */
const FOLLOW_DISTANCE = 16;

export function createChainWatcher(deps: ChainWatcherDependencies): ChainWatcher {
  const { chain, store, rpc, decoders, onRows, log } = deps;
  const pollIntervalMs = deps.pollIntervalMs ?? 1_000;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let unsubscribeHeads: (() => void) | undefined;
  const sizer = createRangeSizer();

  let headBlock: number | null = null;
  let phase: ChainStatus['phase'] = 'idle';
  let lastError: string | null = null;
  let consecutiveFailures = 0;

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

  async function fetchHead(): Promise<number> {
    const head = Number.parseInt(await rpc.request<string>('eth_blockNumber'), 16);
    headBlock = head;
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
   * A new block whose parent hash differs from the stored hash of the block before it means the
   * chain reorganised. Walk back to the last block both agree on, mark everything above it
   * removed and move cursors back there; the next pass fetches the new branch.
   */
  async function rollBackReorg(mismatchAt: number): Promise<void> {
    let forkPoint = mismatchAt - 1;
    while (forkPoint >= 0) {
      const stored = store.blockHeaderAt(chain.chainId, forkPoint);
      if (!stored) break;
      const canonical = await fetchBlock(forkPoint);
      if (canonical.hash === stored.hash) break;
      forkPoint--;
    }
    log.warn(
      `Chain ${chain.chainId}: reorganisation below block ${mismatchAt}; rolling back to ${forkPoint}.`,
    );
    const removed = store.rollBackTo(chain.chainId, forkPoint);
    if (removed.length > 0) onRows(removed);
  }

  async function pass(): Promise<'idle' | 'progress'> {
    const head = await fetchHead();
    const cursors = store.contractCursors(chain.chainId);
    if (cursors.length === 0) {
      phase = 'idle';
      return 'idle';
    }
    const lowest = Math.min(...cursors.map((cursor) => cursor.cursor));
    if (lowest >= head) {
      phase = 'following';
      return 'idle';
    }
    const group = cursors.filter((cursor) => cursor.cursor === lowest);
    const nextHigher = Math.min(
      ...cursors.map((cursor) => (cursor.cursor > lowest ? cursor.cursor : Infinity)),
    );
    const fromBlock = lowest + 1;
    const following = head - lowest <= FOLLOW_DISTANCE;
    phase = following ? 'following' : 'backfilling';
    const toBlock = Math.min(following ? fromBlock : lowest + sizer.size, head, nextHigher);

    let blocks: RawBlock[] = [];
    if (following) {
      const block = await fetchBlock(fromBlock);
      const parent = store.blockHeaderAt(chain.chainId, fromBlock - 1);
      if (parent && parent.hash !== block.parentHash) {
        await rollBackReorg(fromBlock);
        return 'progress';
      }
      blocks = [block];
    }

    const started = performance.now();
    let logs: RawLog[];
    try {
      logs = await rpc.request<RawLog[]>('eth_getLogs', [
        following
          ? { address: group.map((cursor) => cursor.address), blockHash: blocks[0]!.hash }
          : {
              address: group.map((cursor) => cursor.address),
              fromBlock: `0x${fromBlock.toString(16)}`,
              toBlock: `0x${toBlock.toString(16)}`,
            },
      ]);
    } catch (error) {
      if (isRangeTooLargeError(error) && toBlock > fromBlock) {
        sizer.refused(hintedRangeSize(errorText(error)));
        return 'progress';
      }
      throw error;
    }
    sizer.succeeded(logs.length, performance.now() - started);

    const confirmedThrough = head - chain.confirmations;
    const events: StoredEvent[] = toStoredEvents(
      chain.chainId,
      logs,
      decoders,
      confirmedThrough,
      blocks[0],
    );
    const result = store.commitChainData({
      chainId: chain.chainId,
      events,
      blocks: blocks.map((block) => ({
        number: Number.parseInt(block.number, 16),
        hash: block.hash,
        parentHash: block.parentHash,
        timestamp: Number.parseInt(block.timestamp, 16),
      })),
      cursors: group.map((cursor) => ({ contractId: cursor.id, indexedThrough: toBlock })),
      confirmedThrough,
    });
    const changed: EventRow[] = [...result.confirmed, ...result.inserted];
    if (changed.length > 0) onRows(changed);
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
        consecutiveFailures++;
        lastError = errorText(error).split('\n')[0]!.slice(0, 300);
        phase = 'error';
        const backoff =
          Math.min(30_000, 250 * 2 ** Math.min(consecutiveFailures, 7)) *
          (0.75 + Math.random() * 0.5);
        if (consecutiveFailures === 1 || consecutiveFailures % 10 === 0) {
          log.warn(`Chain ${chain.chainId}: ${lastError}; retrying in ${Math.round(backoff)} ms.`);
        }
        if (running) await sleep(backoff);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakeUp?.();
      unsubscribeHeads?.();
      await loop;
    },
    wake() {
      wakeUp?.();
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
        },
        phase,
        rpc: rpc.health(),
        lastError,
      };
    },
  };
}
