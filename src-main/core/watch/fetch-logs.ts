// eth_getLogs over a block range in as many requests as the provider needs: ranges shrink when
// refused and the sizer remembers what worked. Used by backfill repair and reconciliation.
import { errorText, isRangeTooLargeError, type RpcPool } from '../chains/index.ts';
import type { RawLog } from './log-rows.ts';
import { hintedRangeSize, responseSizeRatio, type RangeSizer } from './range-sizer.ts';

export async function fetchLogsInRanges(
  rpc: RpcPool,
  sizer: RangeSizer,
  addresses: readonly string[],
  fromBlock: number,
  toBlock: number,
): Promise<RawLog[]> {
  const logs: RawLog[] = [];
  let from = fromBlock;
  while (from <= toBlock) {
    const to = Math.min(toBlock, from + sizer.size - 1);
    try {
      const started = performance.now();
      const page = await rpc.request<RawLog[]>('eth_getLogs', [
        {
          address: addresses,
          fromBlock: `0x${from.toString(16)}`,
          toBlock: `0x${to.toString(16)}`,
        },
      ]);
      sizer.succeeded(page.length, performance.now() - started);
      for (const log of page) logs.push(log);
      from = to + 1;
    } catch (error) {
      if (!isRangeTooLargeError(error) || to === from) throw error;
      sizer.refused(
        hintedRangeSize(errorText(error)),
        responseSizeRatio(errorText(error)),
        to - from + 1,
      );
    }
  }
  return logs;
}
