// Several RPC URLs for one chain behind one request function: each URL keeps a health record,
// a failing URL is backed off and another is tried, and a recovered one comes back into use.
// Errors that mean "ask for less" (too many results, body too large) are not the provider's
// fault: they go straight back to the caller, which shrinks its range.
import { http, webSocket, type EIP1193RequestFn } from 'viem';
import type { RpcHealth } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';

export interface RpcPool {
  request<T>(method: string, params?: unknown[]): Promise<T>;
  /** Subscribes to new heads on the first WebSocket URL that offers it; returns unsubscribe. */
  subscribeNewHeads(onHead: (blockNumber: number) => void): Promise<(() => void) | undefined>;
  health(): RpcHealth[];
  close(): void;
}

export interface RpcPoolOptions {
  timeoutMs?: number;
  now?: () => number;
}

interface Endpoint {
  url: string;
  isWebSocket: boolean;
  request: EIP1193RequestFn;
  transport: ReturnType<ReturnType<typeof webSocket>> | undefined;
  latencyMs: number | null;
  errorCount: number;
  consecutiveFailures: number;
  lastError: string | null;
  retryAt: number;
}

/** True for errors that a smaller block range would avoid. */
export function isRangeTooLargeError(error: unknown): boolean {
  const text = errorText(error);
  // "429 Too Many Requests" is rate limiting: the provider's problem, handled by failover.
  if (/too many requests|\b429\b|rate limit/i.test(text)) return false;
  return /too many|more than \d+ results|limit exceeded|exceeds? (the )?(max|limit)|response (body )?(is )?too large|body size|query returned more|range too (large|wide)|block range|log response size|ResponseBodyTooLarge|10000 results/i.test(
    text,
  );
}

/**
 * True for an error the node answered about the request itself — a revert, a nonce too low, an
 * underpriced replacement: the provider is healthy, and the answer belongs to the caller.
 */
export function isExecutionError(error: unknown): boolean {
  if ((error as { code?: unknown }).code === 3) return true;
  const nodeMessage = (error as { details?: unknown }).details;
  return (
    typeof nodeMessage === 'string' &&
    /revert|insufficient funds|nonce too (low|high)|already known|known transaction|underpriced|intrinsic gas too low|gas required exceeds|exceeds block gas limit|fee per gas less than|priority fee per gas higher|invalid sender|out of gas/i.test(
      nodeMessage,
    )
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const details = (error as { details?: unknown; shortMessage?: unknown }).details;
    return `${error.name}: ${error.message}${typeof details === 'string' ? ` ${details}` : ''}`;
  }
  return String(error);
}

function shortError(error: unknown): string {
  const shortMessage = (error as { shortMessage?: unknown }).shortMessage;
  const text = typeof shortMessage === 'string' ? shortMessage : errorText(error);
  return text.split('\n')[0]!.slice(0, 300);
}

let poolSerial = 0;

function createEndpoint(url: string, timeoutMs: number, poolId: number): Endpoint {
  const isWebSocket = /^wss?:/i.test(url);
  // viem shares one socket per (url, reconnect, keepAlive) across all clients; a pool closing its
  // socket would cut every other pool's. The pool id in the reconnect options (ignored by viem,
  // but part of its cache key) gives each pool a socket of its own.
  const reconnect = { attempts: 1_000_000, delay: 2_000, poolId };
  const transport = isWebSocket
    ? webSocket(url, { timeout: timeoutMs, retryCount: 0, reconnect })({ retryCount: 0 })
    : http(url, { timeout: timeoutMs, retryCount: 0 })({ retryCount: 0 });
  return {
    url,
    isWebSocket,
    request: transport.request,
    transport: isWebSocket ? (transport as ReturnType<ReturnType<typeof webSocket>>) : undefined,
    latencyMs: null,
    errorCount: 0,
    consecutiveFailures: 0,
    lastError: null,
    retryAt: 0,
  };
}

export function createRpcPool(urls: readonly string[], options: RpcPoolOptions = {}): RpcPool {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  const poolId = ++poolSerial;
  const endpoints = urls.map((url) => createEndpoint(url, timeoutMs, poolId));
  const unsubscribers: (() => void)[] = [];

  function inRotationOrder(): Endpoint[] {
    const time = now();
    const ready = endpoints.filter((endpoint) => endpoint.retryAt <= time);
    // When every URL is backing off, try the one whose back-off ends first rather than none.
    if (ready.length === 0) return [...endpoints].sort((a, b) => a.retryAt - b.retryAt).slice(0, 1);
    return ready;
  }

  async function request<T>(method: string, params: unknown[] = []): Promise<T> {
    let lastError: unknown;
    for (const endpoint of inRotationOrder()) {
      const started = now();
      try {
        const result = (await endpoint.request({ method, params } as never)) as T;
        const latency = now() - started;
        endpoint.latencyMs =
          endpoint.latencyMs === null
            ? latency
            : Math.round(endpoint.latencyMs * 0.8 + latency * 0.2);
        endpoint.consecutiveFailures = 0;
        endpoint.retryAt = 0;
        return result;
      } catch (error) {
        if (isRangeTooLargeError(error) || isExecutionError(error)) throw error;
        lastError = error;
        endpoint.errorCount++;
        endpoint.consecutiveFailures++;
        endpoint.lastError = shortError(error);
        const backoff = Math.min(30_000, 500 * 2 ** Math.min(endpoint.consecutiveFailures, 6));
        endpoint.retryAt = now() + backoff * (0.75 + Math.random() * 0.5);
      }
    }
    throw new VigilError(
      'RPC_UNREACHABLE',
      `No RPC URL answered ${method}: ${shortError(lastError)}`,
      {
        details: { method, urls: endpoints.map((endpoint) => endpoint.url) },
        cause: lastError,
      },
    );
  }

  return {
    request,
    async subscribeNewHeads(onHead) {
      for (const endpoint of endpoints) {
        if (!endpoint.transport) continue;
        try {
          const subscription = await endpoint.transport.value!.subscribe({
            params: ['newHeads'],
            onData: (message: { result?: { number?: string } }) => {
              const number = message.result?.number;
              if (typeof number === 'string') onHead(Number.parseInt(number, 16));
            },
            onError: () => undefined,
          });
          const unsubscribe = () => void subscription.unsubscribe().catch(() => undefined);
          unsubscribers.push(unsubscribe);
          return unsubscribe;
        } catch {
          // This URL offers no subscriptions; try the next, or the caller keeps polling.
        }
      }
      return undefined;
    },
    health() {
      const time = now();
      return endpoints.map((endpoint) => ({
        url: endpoint.url,
        healthy: endpoint.retryAt <= time && endpoint.consecutiveFailures === 0,
        latencyMs: endpoint.latencyMs,
        errorCount: endpoint.errorCount,
        lastError: endpoint.lastError,
      }));
    },
    close() {
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      for (const endpoint of endpoints) {
        if (endpoint.transport)
          void endpoint.transport.value
            ?.getRpcClient()
            .then((client) => client.close())
            .catch(() => undefined);
      }
    },
  };
}
