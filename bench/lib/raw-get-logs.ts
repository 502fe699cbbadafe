// The baseline: every log of the contract straight from the node with plain fetch, in ranges
// small enough that no response nears 10 MB, one request at a time (as the watcher does).
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
