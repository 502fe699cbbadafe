import { describe, expect, it } from 'vitest';
import {
  RANGE_ANSWER_BYTES,
  createRangeSizer,
  hintedRangeSize,
  responseSizeRatio,
} from '../../../src-main/core/watch/range-sizer.ts';
import { ResponseBodyTooLargeError } from 'viem';
import { errorText, isRangeTooLargeError } from '../../../src-main/core/chains/rpc-errors.ts';

describe('adaptive range sizing', () => {
  it('grows while fast and small, shrinks when slow, and stays within bounds', () => {
    const sizer = createRangeSizer({ initial: 100, min: 1, max: 1000 });
    sizer.succeeded(10, 50);
    expect(sizer.size).toBe(200);
    for (let i = 0; i < 10; i++) sizer.succeeded(10, 50);
    expect(sizer.size).toBe(1000);
    sizer.succeeded(10, 10_000);
    expect(sizer.size).toBe(500);
    sizer.succeeded(50_000, 50); // many logs: no growth
    expect(sizer.size).toBe(500);
  });

  it('shrinks hard on refusal, honours a smaller hinted range, and never goes below min', () => {
    const sizer = createRangeSizer({ initial: 1000, min: 1 });
    sizer.refused();
    expect(sizer.size).toBe(250);
    sizer.refused(100);
    expect(sizer.size).toBe(100);
    sizer.refused(5000); // a hint larger than now is ignored
    expect(sizer.size).toBe(25);
    for (let i = 0; i < 20; i++) sizer.refused();
    expect(sizer.size).toBe(1);
  });

  it('jumps straight under a response-size limit instead of halving through refusals', () => {
    const ratio = responseSizeRatio('Response body too large. Max 10485760, Received 151139395');
    expect(ratio).toBeCloseTo(10485760 / 151139395, 6);
    const sizer = createRangeSizer({ initial: 2000 });
    sizer.refused(undefined, ratio);
    expect(sizer.size).toBe(Math.floor(2000 * ratio! * 0.7));
    expect(responseSizeRatio('query returned more than 10000 results')).toBeUndefined();
    // The ratio applies to the range actually asked for, which can be shorter than the size.
    const short = createRangeSizer({ initial: 2000 });
    short.refused(undefined, 0.1, 120);
    expect(short.size).toBe(8);
  });

  it("reads the limit from viem's own error, and is refused once, not at every size on the way down", () => {
    // A node whose blocks answer 2.5 MB each (4,000 logs), behind viem's 10 MiB body limit.
    const maxSize = 10_485_760;
    const bytesPerBlock = 2_515_731;
    const error = new ResponseBodyTooLargeError({ maxSize, size: 10 * bytesPerBlock });
    expect(isRangeTooLargeError(error)).toBe(true);
    const ratio = responseSizeRatio(errorText(error));
    expect(ratio).toBeCloseTo(maxSize / (10 * bytesPerBlock), 6);
    // A backfill of 25 blocks: its first range (10 blocks) is far shorter than the sizer's size.
    const sizer = createRangeSizer({ initial: 2000 });
    let refusals = 0;
    for (let from = 1; from <= 25;) {
      const blocks = Math.min(sizer.size, 10, 25 - from + 1);
      const bytes = blocks * bytesPerBlock;
      if (bytes > maxSize) {
        refusals++;
        const refusal = new ResponseBodyTooLargeError({ maxSize, size: bytes });
        sizer.refused(undefined, responseSizeRatio(errorText(refusal)), blocks);
        continue;
      }
      sizer.succeeded(blocks * 4_000, 100);
      from += blocks;
    }
    expect(refusals).toBe(1);
  });

  it('a refusal with nothing to go by shrinks what was asked for, not the size', () => {
    const sizer = createRangeSizer({ initial: 2000 });
    sizer.refused(undefined, undefined, 10);
    expect(sizer.size).toBe(2);
  });

  it('keeps growing on dense but fast ranges, up to the range whose logs would reach the cap', () => {
    const sizer = createRangeSizer({ initial: 10 });
    sizer.succeeded(14_000, 100);
    expect(sizer.size).toBe(14); // 14 blocks of 1,400 logs: 19,600, under the 20,000 cap
    sizer.succeeded(19_600, 100);
    expect(sizer.size).toBe(14);
    sizer.succeeded(1_400, 100); // the chain went quiet: doubling again
    expect(sizer.size).toBe(28);
  });

  it('over dense blocks, is refused once in 1,000 blocks, a little over the limit', () => {
    // anvil's answers for 4,000-log blocks: 2.5 MB a block, behind viem's 10 MiB body limit.
    const maxSize = 10_485_760;
    const bytesPerBlock = 2_515_731;
    const sizer = createRangeSizer({ initial: 2 });
    const refused: number[] = [];
    for (let from = 1, requests = 0; from <= 1_000 && requests < 1_000; requests++) {
      const blocks = sizer.size;
      const bytes = blocks * bytesPerBlock;
      if (bytes > maxSize) {
        refused.push(bytes);
        const refusal = new ResponseBodyTooLargeError({ maxSize, size: bytes });
        sizer.refused(undefined, responseSizeRatio(errorText(refusal)), blocks);
        continue;
      }
      sizer.succeeded(blocks * 4_000, 100, blocks);
      from += blocks;
    }
    // 5 blocks (12.6 MB), once in 1,000 blocks. Doubling asked for 8 blocks (20 MB), then for 6
    // (15 MB) each time the refused size was forgotten, every 50 ranges.
    expect(refused).toEqual([5 * bytesPerBlock]);
  });

  it('over dense blocks whose answers it knows the size of, grows no further than the largest answer read: never refused', () => {
    const maxSize = 10_485_760;
    const bytesPerBlock = 2_515_731;
    const sizer = createRangeSizer({ initial: 2, maxAnswerBytes: maxSize });
    const asked: number[] = [];
    for (let from = 1; from <= 1_000;) {
      const blocks = sizer.largestSize;
      asked.push(blocks);
      expect(blocks * bytesPerBlock).toBeLessThanOrEqual(maxSize);
      sizer.succeeded(blocks * 4_000, 100, blocks, blocks * bytesPerBlock);
      from += blocks;
    }
    // 2 blocks, then 3 (7.5 MB, within 80 % of the limit) from then on.
    expect(asked.slice(0, 3)).toEqual([2, 3, 3]);
    expect(new Set(asked.slice(1))).toEqual(new Set([3]));
    // A backfill range is kept to one such block (2.5 MB), under RANGE_ANSWER_BYTES.
    expect(sizer.size).toBe(1);
  });

  it("keeps a backfill range's answer under RANGE_ANSWER_BYTES, whatever more the client takes", () => {
    expect(RANGE_ANSWER_BYTES).toBe(3 * 1024 * 1024);
    const sizer = createRangeSizer({ initial: 8, maxAnswerBytes: 100_000_000 });
    // 0.5 MB a block: the client takes 160 blocks' worth, a range is kept to 6 blocks (3 MB).
    sizer.succeeded(8_000, 100, 8, 4_000_000);
    expect(sizer.largestSize).toBe(16);
    expect(sizer.size).toBe(6);
    // Blocks as large as the target or larger: one block a range, never none.
    sizer.succeeded(40_000, 100, 6, 6 * 5_000_000);
    expect(sizer.size).toBe(1);
    // Quiet blocks: the range grows as before (16 doubled four times), the target does not hold
    // it back.
    for (let i = 0; i < 4; i++) sizer.succeeded(0, 10, sizer.size, 0);
    expect(sizer.largestSize).toBe(256);
    expect(sizer.size).toBe(256);
  });

  it('shrinks a range to the largest answer read once its blocks turn out denser, unrefused', () => {
    const sizer = createRangeSizer({ initial: 2, maxAnswerBytes: 10_000_000 });
    // The first range held a quiet block and a dense one: 1 MB a block on average.
    sizer.succeeded(4_000, 100, 2, 2_000_000);
    expect(sizer.largestSize).toBe(4);
    // Then 2.5 MB a block: four blocks would be 10 MB, more than 80 % of the limit.
    sizer.succeeded(16_000, 100, 4, 10_000_000);
    expect(sizer.largestSize).toBe(3);
  });

  it("keeps growing past a quiet stretch's tiny answers", () => {
    const sizer = createRangeSizer({ initial: 10, maxAnswerBytes: 1_000_000 });
    for (let i = 0; i < 5; i++) sizer.succeeded(0, 10, sizer.size, 0);
    expect(sizer.size).toBe(320);
  });

  it('stops growth short of the logs a refused range held, whatever the blocks hold now', () => {
    const sizer = createRangeSizer({ initial: 10 });
    sizer.succeeded(10_000, 100, 10); // 1,000 logs a block
    expect(sizer.size).toBe(20);
    sizer.refused(undefined, 0.5, 20); // 10 blocks, 10,000 logs, would have fitted
    expect(sizer.size).toBe(7);
    sizer.succeeded(7_000, 100, 7); // the refused range's first blocks: 1,000 logs each
    expect(sizer.size).toBe(7);
    // The blocks thin out to 500 logs: the refused size in blocks is forgotten after 50 answers,
    // and the range grows to 16 blocks, 8,000 logs (80 % of what fitted), and no further.
    for (let i = 0; i < 60; i++) sizer.succeeded(sizer.size * 500, 100, sizer.size);
    expect(sizer.size).toBe(16);
  });

  it('counts a refusal in logs at the density of the blocks refused, not of the quiet ones before', () => {
    const sizer = createRangeSizer({ initial: 2_048 });
    sizer.succeeded(100, 100, 2_048); // a quiet stretch: about 0.05 logs a block
    expect(sizer.size).toBe(4_096);
    sizer.refused(undefined, 0.1, 4_096); // busy blocks: 410 of them would have fitted
    expect(sizer.size).toBe(286);
    sizer.succeeded(5_720, 100, 286); // 20 logs a block: 410 blocks are 8,200 logs
    expect(sizer.size).toBe(327); // 80 % of 8,200 logs; counted at the quiet density, 16 logs
    for (let i = 0; i < 60; i++) sizer.succeeded(sizer.size * 20, 100, sizer.size);
    expect(sizer.size).toBe(327);
  });

  it('reads a provider-suggested range', () => {
    expect(
      hintedRangeSize(
        'query returned more than 10000 results. Try with this block range [0x10, 0x1f].',
      ),
    ).toBe(16);
    expect(hintedRangeSize('nothing here')).toBeUndefined();
  });

  it('tells range errors from provider faults', () => {
    expect(isRangeTooLargeError(new Error('query returned more than 10000 results'))).toBe(true);
    expect(
      isRangeTooLargeError(Object.assign(new Error('x'), { name: 'ResponseBodyTooLargeError' })),
    ).toBe(true);
    expect(isRangeTooLargeError(new Error('fetch failed: ECONNREFUSED'))).toBe(false);
    expect(isRangeTooLargeError(new Error('HTTP 429 Too Many Requests'))).toBe(false);
    expect(
      isRangeTooLargeError(
        new Error(
          'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
        ),
      ),
    ).toBe(true);
  });

  it('does not grow back into a size that was just refused, and tries again later', () => {
    const sizer = createRangeSizer({ initial: 12, forgetRefusalAfter: 5 });
    sizer.refused(undefined, 0.8, 12);
    const afterRefusal = sizer.size;
    expect(afterRefusal).toBeLessThan(12);
    for (let i = 0; i < 4; i++) sizer.succeeded(1_000, 10);
    // Fast and small answers grow the range, but it stays under 80% of the refused 12 blocks.
    expect(sizer.size).toBeLessThanOrEqual(9);
    expect(sizer.size).toBeGreaterThan(afterRefusal);
    sizer.succeeded(1_000, 10);
    sizer.succeeded(1_000, 10);
    expect(sizer.size).toBeGreaterThan(9);
  });

  it('halves a range that failed on the way, down to one block, and grows back short of it', () => {
    const sizer = createRangeSizer({ initial: 2000 });
    sizer.failed(2000);
    expect(sizer.size).toBe(1000);
    // The range asked for can be shorter than the size (cut at the head): half of what failed.
    sizer.failed(300);
    expect(sizer.size).toBe(150);
    for (let i = 0; i < 20; i++) sizer.failed(sizer.size);
    expect(sizer.size).toBe(1);
    const grown = createRangeSizer({ initial: 200 });
    grown.failed(200);
    grown.failed(100);
    for (let i = 0; i < 10; i++) grown.succeeded(10, 10);
    expect(grown.size).toBe(79); // under 80% of the 100 blocks that failed
  });
});
