// The baseline: every log of the contract straight from the node with plain fetch, in ranges
// small enough that no response nears 10 MB, one request at a time, at the request size of
// those tried that the node serves fastest.
import type { Address } from 'viem';
import { toHex } from './json-rpc.ts';

export interface RawGetLogsResult {
  logs: number;
  requests: number;
  blocksPerRequest: number;
  megabytes: number;
  seconds: number;
  eventsPerSecond: number;
}

/** Blocks per request so an answer holds about logsPerRequest logs (at most 2,000 blocks). */
export const blocksPerRawRequest = (logsPerRequest: number, eventsPerBlock: number): number =>
  Math.min(2_000, Math.max(1, Math.floor(logsPerRequest / eventsPerBlock)));

export async function measureRawGetLogs(options: {
  rpcUrl: string;
  address: Address;
  fromBlock: number;
  toBlock: number;
  blocksPerRequest: number;
  /** The node must return exactly this many logs, or the figure is of something else. */
  expectedLogs: number;
}): Promise<RawGetLogsResult> {
  const { rpcUrl, address, fromBlock, toBlock, blocksPerRequest } = options;
  let logs = 0;
  let bytes = 0;
  let requests = 0;
  const started = performance.now();
  for (let from = fromBlock; from <= toBlock; from += blocksPerRequest) {
    const to = Math.min(toBlock, from + blocksPerRequest - 1);
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: requests,
        method: 'eth_getLogs',
        params: [{ address, fromBlock: toHex(from), toBlock: toHex(to) }],
      }),
    });
    const text = await response.text();
    const reply = JSON.parse(text) as { result?: unknown[]; error?: { message: string } };
    if (!reply.result)
      throw new Error(
        `eth_getLogs ${from}..${to} failed: ${reply.error?.message ?? text.slice(0, 200)}`,
      );
    logs += reply.result.length;
    bytes += text.length;
    requests++;
  }
  const seconds = (performance.now() - started) / 1000;
  if (logs !== options.expectedLogs)
    throw new Error(`The node returned ${logs} logs, expected ${options.expectedLogs}.`);
  return {
    logs,
    requests,
    blocksPerRequest,
    megabytes: bytes / 1e6,
    seconds,
    eventsPerSecond: logs / seconds,
  };
}

/**
 * The fastest of plain fetches at each of these request sizes (blocks a request), with the
 * others' figures: a node serves some sizes faster per log than others (anvil, 4,000-log blocks
 * one a request about 15 % faster than two), and the baseline is the best a plain client gets.
 */
export async function measureFastestRawGetLogs(
  options: Omit<Parameters<typeof measureRawGetLogs>[0], 'blocksPerRequest'>,
  blockSizes: readonly number[],
): Promise<RawGetLogsResult & { others: RawGetLogsResult[] }> {
  const results: RawGetLogsResult[] = [];
  for (const blocksPerRequest of [...new Set(blockSizes)])
    results.push(await measureRawGetLogs({ ...options, blocksPerRequest }));
  results.sort((a, b) => b.eventsPerSecond - a.eventsPerSecond);
  return { ...results[0]!, others: results.slice(1) };
}

/** "N requests × B blocks, M MB JSON, S s", and the other sizes' rates. */
export function describeRawGetLogs(
  raw: RawGetLogsResult & { others: RawGetLogsResult[] },
  seconds: (value: number) => string,
  formatInt: (value: number) => string,
): string {
  const others = raw.others.map(
    (other) =>
      `; ${other.blocksPerRequest} block(s) a request: ${formatInt(other.eventsPerSecond)} ev/s`,
  );
  return `${raw.requests} requests × ${raw.blocksPerRequest} block(s), ${raw.megabytes.toFixed(0)} MB JSON, ${seconds(raw.seconds)}${others.join('')}`;
}
