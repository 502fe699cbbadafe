// Block-to-view latency in live follow, through headless mode as a browser would see it: one
// transaction at a time is mined on an automining anvil, and the clock runs from the moment
// eth_sendTransaction returns (the block is mined by then) until the events.batch
// notification carrying that transaction hash reaches the WebSocket client.
import type { Address, Hex } from 'viem';
import type { RpcClient } from '../../test/helpers/serve.ts';
import { sendEmitMany } from './dense-chain.ts';
import type { EmitterArtifact } from './emitter.ts';
import { percentile, sleep } from './stats.ts';

export interface LiveLatencyResult {
  samples: number;
  missed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface BatchClock {
  /** Resolves with the arrival time (performance.now) of the first batch carrying txHash. */
  arrival(txHash: Hex, timeoutMs: number): Promise<number | undefined>;
}

/**
 * connectRpc keeps notifications in a plain array; wrapping that array's push stamps each
 * events.batch the moment the socket delivers it, with no polling in between.
 */
export function clockEventBatches(client: RpcClient): BatchClock {
  const arrivedAt = new Map<string, number>();
  const waiters = new Map<string, (time: number) => void>();
  const notifications = client.notifications;
  const push = notifications.push.bind(notifications);
  notifications.push = (...items) => {
    const now = performance.now();
    for (const item of items) {
      if (item.method !== 'events.batch') continue;
      for (const row of (item.params as { rows: { transactionHash: string }[] }).rows) {
        const hash = row.transactionHash.toLowerCase();
        if (arrivedAt.has(hash)) continue;
        arrivedAt.set(hash, now);
        waiters.get(hash)?.(now);
      }
    }
    // Keep memory flat over a long follow; the bench reads arrival times, not the payloads.
    const length = push(...items);
    notifications.length = 0;
    return length;
  };
  return {
    arrival(txHash, timeoutMs) {
      const hash = txHash.toLowerCase();
      const known = arrivedAt.get(hash);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(hash);
          resolve(undefined);
        }, timeoutMs);
        waiters.set(hash, (time) => {
          clearTimeout(timer);
          waiters.delete(hash);
          resolve(time);
        });
      });
    },
  };
}

export async function measureLiveLatency(options: {
  clock: BatchClock;
  chainRpcUrl: string;
  emitter: EmitterArtifact;
  address: Address;
  samples: number;
  /** Random wait before each transaction, so sends fall at every phase of the poll cycle. */
  maxJitterMs?: number;
}): Promise<LiveLatencyResult> {
  const latencies: number[] = [];
  let missed = 0;
  for (let index = 0; index < options.samples; index++) {
    await sleep(Math.random() * (options.maxJitterMs ?? 1_000));
    const hash = await sendEmitMany(options.chainRpcUrl, options.emitter, options.address, 1);
    const minedAt = performance.now();
    const arrivedAt = await options.clock.arrival(hash, 15_000);
    if (arrivedAt === undefined) missed++;
    else latencies.push(arrivedAt - minedAt);
  }
  return {
    samples: latencies.length,
    missed,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.length ? Math.max(...latencies) : Number.NaN,
  };
}
