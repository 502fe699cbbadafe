// Adaptive eth_getLogs block ranges: shrink when a provider refuses a range (too many
// results, response too large) or it fails on the way (timeout, dropped connection, 5xx), grow
// again while requests come back fast and small.
import { MAX_ANSWER_BYTES } from '../chains/index.ts';

export interface RangeSizerOptions {
  initial?: number;
  min?: number;
  max?: number;
  /** A request slower than this shrinks the next range. */
  slowMs?: number;
  /** A request faster than this, with fewer logs than growBelowLogs, grows the next range. */
  fastMs?: number;
  growBelowLogs?: number;
  /** Successful requests after which a refused size may be tried again (the chain's density changes). */
  forgetRefusalAfter?: number;
  /**
   * The largest answer the client reads (viem's limit on a response body, which the RPC pool
   * keeps): ranges are kept under most of it, by the bytes a block's logs took in the last answer.
   */
  maxAnswerBytes?: number;
  /** The answer a range aims under for the engine's sake (see RANGE_ANSWER_BYTES). */
  rangeAnswerBytes?: number;
}

export interface RangeSizer {
  /** Blocks in the next range. */
  readonly size: number;
  /**
   * The largest range the provider and the client take, before ranges are kept small for the
   * engine's sake: for batches of followed blocks, which are asked for one at a time and so pay
   * a round trip each.
   */
  readonly largestSize: number;
  /**
   * A range of `blocks` blocks (the size when not given) came back with logCount logs, in an
   * answer of about answerBytes (when known).
   */
  succeeded(logCount: number, milliseconds: number, blocks?: number, answerBytes?: number): void;
  /**
   * The provider refused the range. hintedSize is a range the provider suggested; sizeRatio is
   * how much smaller the answer must be (allowed bytes / received bytes), when known.
   */
  refused(hintedSize?: number, sizeRatio?: number, attemptedBlocks?: number): void;
  /**
   * The range failed on the way (timed out, connection dropped, 5xx, body cut off): the next is
   * half of it, and growth stops short of it for a while, as after a refusal.
   */
  failed(attemptedBlocks: number): void;
}

/** The share of the largest answer read that a range aims under (answers differ in size). */
const ANSWER_SHARE = 0.8;

/**
 * The answer a backfill range aims under, whatever the client would read: about one block of
 * 4,000 logs. A range's answer, parsed, and the rows made of it are in use until the range is
 * stored, so V8 copies them out of its young generation and again into the old one; the more of
 * them, the more is copied. On a 1M-event backfill from a local node, ranges of 8 MB answers
 * (3 blocks) ran at 77k events/s and ranges of 3 MB (1 block) at 89–92k, with the engine's
 * thread using 7.0 s of CPU instead of 8.0 and the node 3.1 s instead of 4.0. More of them are
 * asked for ahead from a distant node (rangesAheadFor in fetch-ahead.ts), so its round trips
 * overlap.
 */
export const RANGE_ANSWER_BYTES = 3 * 1024 * 1024;

/**
 * An answer at least this large comes from blocks dense enough that the next range's answer can
 * be told from it (the watcher asks further ahead after one).
 */
export const DENSE_ANSWER_BYTES = RANGE_ANSWER_BYTES / 4;

export function createRangeSizer(options: RangeSizerOptions = {}): RangeSizer {
  const min = options.min ?? 1;
  const max = options.max ?? 50_000;
  const slowMs = options.slowMs ?? 4_000;
  const fastMs = options.fastMs ?? 1_000;
  const growBelowLogs = options.growBelowLogs ?? 20_000;
  const forgetRefusalAfter = options.forgetRefusalAfter ?? 50;
  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const rangeAnswerBytes = options.rangeAnswerBytes ?? RANGE_ANSWER_BYTES;
  let bytesPerBlock: number | undefined;
  let size = Math.min(max, Math.max(min, options.initial ?? 2_000));
  const clamp = (value: number): number => Math.min(max, Math.max(min, Math.floor(value)));
  // The smallest range refused lately: growing back to it would only be refused again, and a
  // refusal costs nearly what a full answer does (the body is read up to the limit).
  let refusedAt = Infinity;
  let successesSinceRefusal = 0;
  // The same in logs: how many fitted of a refused range, at its blocks' density. Growth stops
  // short of that many at whatever density the blocks have now, so this stays true where a
  // refused size in blocks does not, and is forgotten ten times less often: forgotten every 50
  // answers, a 12 MB refusal came back every 50 ranges of a dense backfill.
  let logsPerBlock: number | undefined;
  let refusedLogs = Infinity;
  let successesSinceLogRefusal = 0;
  // A refusal's size in blocks, counted in logs at the density of the next answer: that answer
  // covers the start of the refused range, where the density that got it refused is (a quiet
  // stretch's density would have made a busy range's refusal a cap of a few logs).
  let refusedBlocksToCount: number | undefined;
  return {
    get size() {
      return bytesPerBlock ? Math.min(size, clamp(rangeAnswerBytes / bytesPerBlock)) : size;
    },
    get largestSize() {
      return size;
    },
    succeeded(logCount, milliseconds, blocks = size, answerBytes) {
      if (++successesSinceRefusal >= forgetRefusalAfter) refusedAt = Infinity;
      if (++successesSinceLogRefusal >= forgetRefusalAfter * 10) refusedLogs = Infinity;
      if (blocks > 0) logsPerBlock = logCount / blocks;
      if (blocks > 0 && answerBytes !== undefined) bytesPerBlock = answerBytes / blocks;
      if (refusedBlocksToCount !== undefined && logsPerBlock) {
        // Never under what this answer held: that many logs came back.
        refusedLogs = Math.min(
          refusedLogs,
          Math.max(refusedBlocksToCount * logsPerBlock, logCount),
        );
        refusedBlocksToCount = undefined;
        successesSinceLogRefusal = 0;
      }
      if (milliseconds > slowMs) size = clamp(size / 2);
      else if (milliseconds < fastMs && logCount < growBelowLogs) {
        // Doubled, but not past the range whose logs would pass the cap at this density: a
        // range of dense blocks doubled past it came back refused as too large, and the node
        // had built the whole answer first (at 4,000 logs a block, 16 blocks were 40 MB).
        const logCap = Math.min(growBelowLogs, refusedLogs * 0.8);
        const withinLogCap = logsPerBlock ? Math.floor(logCap / logsPerBlock) : Infinity;
        size = Math.max(
          size,
          clamp(Math.min(size * 2, withinLogCap, Math.ceil(refusedAt * 0.8) - 1)),
        );
      }
      // Never past the answer the client would refuse to read, at this density: over 4,000-log
      // blocks the third range (5 blocks, 12.6 MB) was refused at the start of every backfill,
      // after the node had built it. Ranges of 4 blocks (10 MB, just allowed) made a 1M backfill
      // slower than ranges of 3 or 2 (60–69k against 72–75k events/s).
      if (bytesPerBlock)
        size = Math.min(size, clamp((maxAnswerBytes * ANSWER_SHARE) / bytesPerBlock));
    },
    refused(hintedSize, sizeRatio, attemptedBlocks) {
      // What was asked for: the last range of a backfill can be far shorter than the size.
      const attempted = Math.min(size, attemptedBlocks ?? size);
      const knownRatio = sizeRatio !== undefined && sizeRatio > 0 && sizeRatio < 1;
      // With the ratio known, the largest range that fits is about attempted × ratio: growth
      // stops short of that, not of the refused range (a range 0.8× a refused one can be twice
      // over the limit, and each refusal costs the node the whole answer).
      const fits = knownRatio ? attempted * sizeRatio : attempted;
      refusedAt = Math.min(refusedAt, fits);
      successesSinceRefusal = 0;
      refusedBlocksToCount = Math.min(refusedBlocksToCount ?? Infinity, fits);
      if (hintedSize !== undefined && hintedSize >= min && hintedSize < size)
        size = clamp(hintedSize);
      // Aim a little under the limit in one step rather than halving through megabytes of refusals.
      else if (knownRatio) size = clamp(attempted * sizeRatio * 0.7);
      else size = clamp(attempted / 4);
    },
    failed(attemptedBlocks) {
      refusedAt = Math.min(refusedAt, attemptedBlocks);
      successesSinceRefusal = 0;
      size = clamp(Math.min(size, attemptedBlocks) / 2);
    },
  };
}

/**
 * viem's response body too large, as allowed / received: "Max 10485760, Received 151139395" in
 * older releases, "Max: 10485760 bytes" and "Received: 151139395 bytes" on two lines in newer
 * ones (which the old pattern missed, so every refusal fell back to a blind quarter).
 */
export function responseSizeRatio(errorMessage: string): number | undefined {
  const match = /Max:?\s*(\d+)(?:\s*bytes)?,?\s*Received:?\s*(\d+)/i.exec(errorMessage);
  if (!match) return undefined;
  const ratio = Number(match[1]) / Number(match[2]);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

/** Some providers name the range they would accept, e.g. "try with this block range [0x1, 0x3e8]". */
export function hintedRangeSize(errorMessage: string): number | undefined {
  const match = /\[(0x[0-9a-f]+),\s*(0x[0-9a-f]+)\]/i.exec(errorMessage);
  if (!match) return undefined;
  const size = Number.parseInt(match[2]!, 16) - Number.parseInt(match[1]!, 16) + 1;
  return size > 0 ? size : undefined;
}
