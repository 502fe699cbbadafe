// Blocks near the head are stored with their headers, so the next block's parent hash can be
// checked against them. One block at a time is how the watcher follows a chain; a watcher some
// blocks behind (a backfill's last, unfinalized blocks; a catch-up after a pause) asks for a
// batch of them at once: the headers together and, beside them, the logs of the whole range in
// one request, checked against those headers. One block a pass waited for its header, then its
// logs, then the head's commit: two round trips a block to a distant node (a backfill's last 16
// blocks took 16 passes; now 6, and one round trip each). On a local node storing the rows is
// most of it: the last 16 blocks of 4,000 logs of a 1M-event backfill took 1.3–1.4 s in an
// instrumented run, 300 ms a batch of 3, of which SQLite's inserts into the head 125–163 ms
// (bench/results/tail-and-ahead-2026-12-07.md).
//
// A log range is not tied to block hashes as a query by hash is, so what comes back is checked:
// every log must be of a block the headers name, by its hash (otherwise the chain moved between
// the requests, and the catch-up goes on block by block), and a block with no log whose
// header's Bloom filter may hold a watched address is asked for again by its hash (a provider,
// or a node behind a provider's URL, a block behind the others can answer a range with nothing
// for a block it does not have yet). Where a header's filter cannot be read, is empty, or is
// known not to cover every log (Polygon's state-sync logs), every block without logs is asked
// for again by its hash.
import { hexToBytes, keccak256, type Hex } from 'viem';
import { logBlockFilter, logRangeFilter, type RawLog } from './log-rows.ts';

export interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  /** The header's 2,048-bit Bloom filter over its logs' addresses and topics. */
  logsBloom?: string;
  /** Its transactions' hashes (eth_getBlockByNumber without full transactions). */
  transactions?: unknown[];
}

/** An eth_getLogs outcome (never a rejection) and how long the node took. */
export type FetchedRange = { logs: RawLog[]; milliseconds: number } | { error: unknown };

/** A batch's logs, or why they cannot be trusted as a batch (the chain moved meanwhile). */
export type FetchedBlocksLogs = FetchedRange | { moved: string };

export interface FollowedBlocks {
  /**
   * The headers from the first block on, as far as each names the one before as its parent and
   * the node had them. Rejects if the node does not have the first block.
   */
  blocks: Promise<RawBlock[]>;
  /** The logs of exactly those blocks. */
  result: Promise<FetchedBlocksLogs>;
  /**
   * The last block the logs were asked for: the batch's last, whatever the headers turn out to
   * be, so a refused answer is one of that many blocks.
   */
  logsThrough: number;
}

/**
 * The most blocks a batch holds: its headers are asked for at once, and a provider's rate limit
 * counts each (a chain's unfinalized tail can be 200 blocks deep).
 */
export const MAX_FOLLOWED_BATCH = 16;

export interface FollowedBlocksDependencies {
  /** eth_getLogs; an aborted one settles as an error (its answer is not wanted). */
  fetchRange: (filter: Record<string, unknown>, signal?: AbortSignal) => Promise<FetchedRange>;
  fetchBlock: (number: number) => Promise<RawBlock>;
  /** False where a header's Bloom filter may leave logs out (see headerBloomCoversLogs). */
  trustHeaderBloom?: boolean;
}

export function fetchFollowedBlocks(
  deps: FollowedBlocksDependencies,
  addresses: readonly string[],
  fromBlock: number,
  toBlock: number,
  /** Aborts the batch's log requests (a batch fetched ahead and then forgotten). */
  signal?: AbortSignal,
): FollowedBlocks {
  const lastBlock = Math.min(toBlock, fromBlock + MAX_FOLLOWED_BATCH - 1);
  const blocks = linkedHeaders(deps, fromBlock, lastBlock);
  // The logs of several blocks are asked for beside their headers, not once those are back: a
  // round trip less a batch to a distant node. (On a local node the wait is this thread reading
  // and parsing the answer either way.) Whatever the headers turn out to be, the answer is checked
  // against them.
  const rangeLogs =
    lastBlock > fromBlock
      ? deps.fetchRange(logRangeFilter(addresses, fromBlock, lastBlock), signal)
      : undefined;
  // Never a rejection, as FetchedRange promises: a batch fetched ahead may never be looked at.
  const result = blocks
    .then((linked): Promise<FetchedBlocksLogs> =>
      rangeLogs === undefined
        ? deps.fetchRange(logBlockFilter(addresses, linked[0]!.hash), signal)
        : logsOfBlocks(deps, addresses, linked, rangeLogs, signal),
    )
    .catch((error: unknown) => ({ error }));
  return { blocks, result, logsThrough: lastBlock };
}

async function linkedHeaders(
  deps: FollowedBlocksDependencies,
  fromBlock: number,
  toBlock: number,
): Promise<RawBlock[]> {
  const asked: Promise<RawBlock>[] = [];
  for (let number = fromBlock; number <= toBlock; number++) asked.push(deps.fetchBlock(number));
  const settled = await Promise.allSettled(asked);
  const first = settled[0]!;
  if (first.status === 'rejected') throw first.reason;
  const linked = [first.value];
  for (const next of settled.slice(1)) {
    // A block the node lacks (its head went back) or of another branch ends the batch there;
    // the next pass starts from it and checks its parent against what is stored.
    if (next.status === 'rejected' || next.value.parentHash !== linked.at(-1)!.hash) break;
    linked.push(next.value);
  }
  return linked;
}

/**
 * The logs of the linked blocks, from an answer for the range from the first of them to the last
 * one asked for: logs of blocks after the last linked one (their headers did not link, or the
 * node did not have them) are not this batch's, and are asked for again in the next.
 */
async function logsOfBlocks(
  deps: FollowedBlocksDependencies,
  addresses: readonly string[],
  blocks: readonly RawBlock[],
  rangeLogs: Promise<FetchedRange>,
  signal: AbortSignal | undefined,
): Promise<FetchedBlocksLogs> {
  const fetched = await rangeLogs;
  if ('error' in fetched) return fetched;
  const lastLinked = Number.parseInt(blocks.at(-1)!.number, 16);
  const hashAt = new Map(blocks.map((block) => [Number.parseInt(block.number, 16), block.hash]));
  const withLogs = new Set<string>();
  const logs: RawLog[] = [];
  for (const log of fetched.logs) {
    const number = Number.parseInt(log.blockNumber, 16);
    if (number > lastLinked) continue;
    if (hashAt.get(number) !== log.blockHash)
      return {
        moved: `a log of block ${number} came with hash ${log.blockHash}, not the header's ${hashAt.get(number) ?? '(no header asked for)'}`,
      };
    withLogs.add(log.blockHash);
    logs.push(log);
  }
  const bloomKeys = deps.trustHeaderBloom === false ? undefined : addresses.map(bloomKey);
  const unvouched = blocks.filter(
    (block) =>
      !withLogs.has(block.hash) &&
      // A block without transactions has no logs, whatever its filter.
      !(Array.isArray(block.transactions) && block.transactions.length === 0) &&
      (bloomKeys === undefined || bloomKeys.some((key) => bloomMayHoldKey(block.logsBloom, key))),
  );
  if (unvouched.length === 0) return { logs, milliseconds: fetched.milliseconds };
  const again = await Promise.all(
    unvouched.map((block) => deps.fetchRange(logBlockFilter(addresses, block.hash), signal)),
  );
  // Out of block order now; toStoredEvents puts rows in chain order, as for any answer.
  for (const answer of again) {
    if ('error' in answer) return answer;
    logs.push(...answer.logs);
  }
  return { logs, milliseconds: fetched.milliseconds };
}

/** The Keccak-256 an address is entered in a Bloom filter by (hashed once a batch). */
const bloomKey = (address: string): Uint8Array => keccak256(address.toLowerCase() as Hex, 'bytes');

const emptyBloom = `0x${'0'.repeat(512)}`;

/**
 * Whether a header's logs Bloom filter may hold logs of `address` (Ethereum's filter: three bits
 * of 2,048, chosen by the first three pairs of bytes of the address's Keccak-256). No filter,
 * one not 256 bytes long, or an empty one may hold anything: an empty filter is also what a
 * chain that leaves its filters empty sends (a block without transactions is told apart by
 * them, above).
 */
export function bloomMayHold(bloom: string | undefined, address: string): boolean {
  return bloomMayHoldKey(bloom, bloomKey(address));
}

function bloomMayHoldKey(bloom: string | undefined, key: Uint8Array): boolean {
  if (bloom === undefined || !/^0x[0-9a-fA-F]{512}$/.test(bloom) || bloom === emptyBloom)
    return true;
  const filter = hexToBytes(bloom as Hex);
  for (let pair = 0; pair < 6; pair += 2) {
    const bit = ((key[pair]! << 8) | key[pair + 1]!) & 2047;
    // Bit 0 is the lowest bit of the filter's last byte.
    if ((filter[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
