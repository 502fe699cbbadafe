// Headless mode as a child process (test/helpers/serve.ts) with a WebSocket client, plus the
// few contract calls the live-follow measurement needs.
import type { Abi, Address } from 'viem';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../test/helpers/serve.ts';
import type { ChainStatus, WatchedContract } from '../../src-main/ipc/contract.ts';

export interface Headless {
  serve: ServeProcess;
  client: RpcClient;
  /** From spawning `serve` until its WebSocket accepted us. */
  startupSeconds: number;
  /** SIGTERM, and SIGKILL if it has not saved and stopped within timeoutMs. */
  close(timeoutMs?: number): Promise<HeadlessStop>;
  /** SIGKILL at once, as a crash or a power cut would: the next start has only the disk. */
  crash(): Promise<void>;
}

export interface HeadlessStop {
  seconds: number;
  /** false when it had to be killed; output then holds its last lines. */
  stoppedCleanly: boolean;
  output: string;
}

export async function startHeadless(dataDir: string): Promise<Headless> {
  const started = performance.now();
  const serve = await startServe({ dataDir });
  try {
    const client = await connectRpc(serve.wsUrl);
    return {
      serve,
      client,
      startupSeconds: (performance.now() - started) / 1000,
      async close(timeoutMs = 30_000) {
        client.close();
        const started = performance.now();
        const stopped = await Promise.race([
          serve.kill('SIGTERM').then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        if (!stopped) await serve.kill('SIGKILL');
        return {
          seconds: (performance.now() - started) / 1000,
          stoppedCleanly: stopped,
          output: serve.output().split('\n').slice(-12).join('\n'),
        };
      },
      async crash() {
        client.close();
        await serve.kill('SIGKILL');
      },
    };
  } catch (error) {
    await serve.kill('SIGKILL');
    throw error;
  }
}

export async function watchOverHeadless(
  client: RpcClient,
  chain: { chainId: number; name: string; rpcUrl: string },
  contract: { address: Address; abi: Abi; startBlock: number },
): Promise<WatchedContract> {
  await client.call('chains.add', {
    name: chain.name,
    chainId: chain.chainId,
    rpcUrls: [chain.rpcUrl],
  });
  return client.call<WatchedContract>('contracts.add', {
    chainId: chain.chainId,
    address: contract.address,
    abi: contract.abi,
    startBlock: contract.startBlock,
  });
}

/** Waits until the chain's watcher follows the head, within a block. */
export async function waitUntilFollowing(
  client: RpcClient,
  chainId: number,
  timeoutMs = 90_000,
): Promise<ChainStatus> {
  return waitFor(
    async () => {
      const { chains } = await client.call<{ chains: ChainStatus[] }>('status.get');
      const status = chains.find((chain) => chain.chainId === chainId);
      return status && status.phase === 'following' && status.lag !== null && status.lag <= 1
        ? status
        : undefined;
    },
    timeoutMs,
    250,
  );
}

/**
 * Drops every push as it arrives (connectRpc keeps them in an array): a backfill of millions of
 * rows would otherwise fill the bench's own memory with payloads no measurement reads.
 */
export function discardNotifications(client: RpcClient): void {
  client.notifications.push = () => 0;
}
