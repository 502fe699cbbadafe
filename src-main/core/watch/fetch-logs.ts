// eth_getLogs over a block range in as many requests as the provider needs: ranges shrink when
// refused or when they fail on the way, and the sizer remembers what worked. Used by backfill
// repair and reconciliation; the watcher's own backfill shrinks through shrinkRangeAfter too.
import {
  causeChain,
  errorText,
  isFailedInTransit,
  isRangeTooLargeError,
  type RpcPool,
} from '../chains/index.ts';
import { logRangeFilter, type RawLog } from './log-rows.ts';
import { hintedRangeSize, responseSizeRatio, type RangeSizer } from './range-sizer.ts';

/**
 * A range of fromBlock..toBlock failed with `error`. If a smaller range could succeed (the
 * provider said too many results, or the request timed out, dropped, got a 5xx or a cut-off
 * body), the sizer shrinks and this returns a line saying why, for the chain's status; a single
 * block, or any other error, returns undefined and the caller retries it with back-off.
 */
export function shrinkRangeAfter(
  sizer: RangeSizer,
  error: unknown,
  fromBlock: number,
  toBlock: number,
): string | undefined {
  const attempted = toBlock - fromBlock + 1;
  if (attempted <= 1) return undefined;
  let why: string;
  if (isRangeTooLargeError(error)) {
    sizer.refused(
      hintedRangeSize(errorText(error)),
      responseSizeRatio(errorText(error)),
      attempted,
    );
    why = 'was refused as too large';
  } else if (isFailedInTransit(error)) {
    sizer.failed(attempted);
    why = causeChain(error).some((link) => link instanceof Error && link.name === 'TimeoutError')
      ? 'timed out'
      : 'failed on the way (dropped connection, 5xx or cut-off answer)';
  } else {
    return undefined;
  }
  return `eth_getLogs over ${attempted} blocks (${fromBlock}–${toBlock}) ${why}; ranges are now ${sizer.size} block(s).`;
}

/**
 * About the bytes of an eth_getLogs answer holding these logs: three of them (first, middle,
 * last) as JSON, scaled to all; a contract's logs differ little in size. For the range sizer,
 * which keeps ranges under the largest answer read.
 */
export function approximateAnswerBytes(logs: readonly RawLog[]): number {
  if (logs.length === 0) return 0;
  const samples = [logs[0]!, logs[logs.length >> 1]!, logs[logs.length - 1]!];
  let bytes = 0;
  for (const log of samples) bytes += JSON.stringify(log).length + 1;
  return Math.ceil((bytes / samples.length) * logs.length);
}

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
        logRangeFilter(addresses, from, to),
      ]);
      sizer.succeeded(
        page.length,
        performance.now() - started,
        to - from + 1,
        approximateAnswerBytes(page),
      );
      for (const log of page) logs.push(log);
      from = to + 1;
    } catch (error) {
      if (shrinkRangeAfter(sizer, error, from, to) === undefined) throw error;
    }
  }
  return logs;
}
