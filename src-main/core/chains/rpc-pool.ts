// Several RPC URLs for one chain behind one request function. Each URL keeps a health record
// (endpoint-health.ts); requests go to the best-scoring URL in rotation and fail over to the
// next; a failing URL backs off exponentially with jitter, a rate-limited one for longer (or as
// long as its Retry-After says), and comes back when that time is up. A URL that serves another
// chain id is never used. Errors that mean "ask for less" (too many results, body too large) are
// not the provider's fault: they go straight back to the caller, which shrinks its range; a wide
// log range that times out or breaks off fails over but does not count against the URL.
import { http, webSocket, type EIP1193RequestFn } from 'viem';
import type { ProviderStatus, RpcHealth } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { createCappedFetch } from './capped-fetch.ts';
import { createEndpointHealth, type EndpointHealth, type Verdict } from './endpoint-health.ts';
import { redactUrl, redactUrlsIn } from './redact-url.ts';
import {
  classifyFailure,
  isAnswerAboutTheRequest,
  isFailedInTransit,
  isLogRangeRequest,
  shortError,
} from './rpc-errors.ts';

export interface RpcPool {
  readonly urls: readonly string[];
  request<T>(method: string, params?: unknown[], options?: RequestOptions): Promise<T>;
  /** Asks one URL, in rotation or not (the provider checks do); the outcome counts in its record. */
  requestFrom<T>(url: string, method: string, params?: unknown[]): Promise<T>;
  /** Subscribes to new heads on the first WebSocket URL that offers it; returns unsubscribe. */
  subscribeNewHeads(onHead: (blockNumber: number) => void): Promise<(() => void) | undefined>;
  /**
   * Asks every URL (except one rate-limited now) for its chain id: a wrong one leaves rotation,
   * a right one comes back. True if any URL's standing changed. No-op without options.chainId.
   */
  checkChainIds(): Promise<boolean>;
  /** Sets or clears a check's verdict on a URL; true if that changed anything. */
  judge(url: string, verdict: Verdict, reason: string | null): boolean;
  endpointHealth(url: string): EndpointHealth;
  providers(): ProviderStatus[];
  health(): RpcHealth[];
  close(): void;
}

export interface RequestOptions {
  /**
   * Aborts the request (its answer is no longer wanted): it rejects with the signal's reason at
   * once, no other URL is tried, and the URL asked is not blamed.
   */
  signal?: AbortSignal;
}

export interface RpcPoolOptions {
  /** The chain id every URL must serve: checked before a URL's first use and by checkChainIds. */
  chainId?: number;
  /** Per attempt on one URL. */
  timeoutMs?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
}

interface Endpoint {
  url: string;
  health: EndpointHealth;
  request: EIP1193RequestFn;
  transport: ReturnType<ReturnType<typeof webSocket>> | undefined;
  /** Whether eth_chainId has been asked at least once since the pool started. */
  chainIdChecked: boolean;
  chainIdCheck: Promise<boolean> | undefined;
}

/** Passes over the URLs in one request, waiting between them for a backed-off URL to be due. */
const MAX_PASSES = 3;
/** A request waits at most this long for a backed-off URL; longer, and the caller's loop retries. */
const MAX_RETRY_WAIT_MS = 2_000;
/**
 * The URL in use keeps being used while its score is within this factor (plus margin) of the
 * best: switching on every small latency difference would bounce between providers whose heads
 * differ by a block, and each bounce costs a "block not available yet" retry.
 */
const SWITCH_FACTOR = 1.5;
const SWITCH_MARGIN_MS = 20;

/**
 * The largest HTTP answer read (viem's own default, stated here so the range sizer can keep
 * eth_getLogs ranges under it): a larger one is refused from its Content-Length, unread.
 */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

let poolSerial = 0;

function createTransport(url: string, timeoutMs: number, poolId: number) {
  const isWebSocket = /^wss?:/i.test(url);
  // viem shares one socket per (url, reconnect, keepAlive) across all clients; a pool closing its
  // socket would cut every other pool's. The pool id in the reconnect options (ignored by viem,
  // but part of its cache key) gives each pool a socket of its own.
  const reconnect = { attempts: 1_000_000, delay: 2_000, poolId };
  const transport = isWebSocket
    ? webSocket(url, { timeout: timeoutMs, retryCount: 0, reconnect })({ retryCount: 0 })
    : http(url, {
        timeout: timeoutMs,
        retryCount: 0,
        // The cap is the fetch's (capped-fetch.ts says why): viem itself reads answers whole.
        fetchFn: createCappedFetch(MAX_ANSWER_BYTES),
        maxResponseBodySize: false,
      })({ retryCount: 0 });
  return {
    request: transport.request,
    transport: isWebSocket ? (transport as ReturnType<ReturnType<typeof webSocket>>) : undefined,
  };
}

export function createRpcPool(urls: readonly string[], options: RpcPoolOptions = {}): RpcPool {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep =
    options.sleep ??
    ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const expectedChainId = options.chainId;
  const poolId = ++poolSerial;
  const endpoints: Endpoint[] = urls.map((url) => ({
    url,
    health: createEndpointHealth({ url, now, random }),
    ...createTransport(url, timeoutMs, poolId),
    chainIdChecked: expectedChainId === undefined,
    chainIdCheck: undefined,
  }));
  const unsubscribers: (() => void)[] = [];
  let inUse: Endpoint | undefined;

  /** Usable URLs, best first; the one in use stays first unless another is clearly better. */
  function rotation(): Endpoint[] {
    const ranked = endpoints
      .filter((endpoint) => endpoint.health.usable())
      // Array.prototype.sort is stable: equal scores keep the operator's order of URLs.
      .sort((a, b) => a.health.score() - b.health.score());
    const best = ranked[0];
    if (
      best &&
      inUse &&
      inUse !== best &&
      ranked.includes(inUse) &&
      inUse.health.score() <= best.health.score() * SWITCH_FACTOR + SWITCH_MARGIN_MS
    ) {
      return [inUse, ...ranked.filter((endpoint) => endpoint !== inUse)];
    }
    return ranked;
  }

  function endpointFor(url: string): Endpoint {
    const endpoint = endpoints.find((candidate) => candidate.url === url);
    if (!endpoint) throw new VigilError('NOT_FOUND', `${url} is not one of this chain's RPC URLs.`);
    return endpoint;
  }

  /** One request to one URL, its outcome written into the URL's record. */
  async function callEndpoint<T>(
    endpoint: Endpoint,
    method: string,
    params: unknown[],
    signal?: AbortSignal,
  ): Promise<T> {
    const started = now();
    try {
      const result = (await endpoint.request(
        { method, params } as never,
        signal ? { signal } : undefined,
      )) as T;
      endpoint.health.recordSuccess(now() - started);
      if (method === 'eth_blockNumber' && typeof result === 'string')
        endpoint.health.recordHead(Number.parseInt(result, 16));
      return result;
    } catch (error) {
      // Abandoned by the caller: says nothing of the URL.
      if (signal?.aborted) throw error;
      if (isAnswerAboutTheRequest(error)) endpoint.health.recordSuccess(now() - started);
      // A wide log range that timed out or broke off says more about the range than the URL
      // (a node under load, a proxy's time limit): the caller halves it, and backing the URL off
      // would only make the smaller range wait. A URL that fails everything is still caught by
      // its other requests and by single-block ranges.
      else if (!(isLogRangeRequest(method, params) && isFailedInTransit(error)))
        endpoint.health.recordFailure(classifyFailure(error, now()));
      throw error;
    }
  }

  async function checkChainId(endpoint: Endpoint): Promise<boolean> {
    if (expectedChainId === undefined) return false;
    const answered = Number.parseInt(await callEndpoint<string>(endpoint, 'eth_chainId', []), 16);
    endpoint.chainIdChecked = true;
    return endpoint.health.judge(
      'wrong-chain',
      answered === expectedChainId
        ? null
        : `RPC ${endpoint.url} answered chain id ${answered}, but this chain is configured as ${expectedChainId}.`,
    );
  }

  function checkChainIdOnce(endpoint: Endpoint): Promise<boolean> {
    endpoint.chainIdCheck ??= checkChainId(endpoint).finally(() => {
      endpoint.chainIdCheck = undefined;
    });
    return endpoint.chainIdCheck;
  }

  async function attempt<T>(
    endpoint: Endpoint,
    method: string,
    params: unknown[],
    signal: AbortSignal | undefined,
  ): Promise<T> {
    // A URL is trusted with chain data only once it has said which chain it serves.
    if (!endpoint.chainIdChecked) await checkChainIdOnce(endpoint);
    if (endpoint.health.hasVerdict('wrong-chain')) {
      throw new VigilError(
        'CHAIN_ID_MISMATCH',
        endpoint.health.status(false).reason ?? 'wrong chain',
      );
    }
    const result = await callEndpoint<T>(endpoint, method, params, signal);
    inUse = endpoint;
    return result;
  }

  /** The soonest time a URL that is only backing off (not rate-limited, not judged out) is due. */
  function nextDue(): number | undefined {
    const due = endpoints
      .filter((endpoint) => !endpoint.health.hasVerdict() && !endpoint.health.rateLimited())
      .map((endpoint) => endpoint.health.retryAt())
      .filter((at) => at > 0);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  function unreachable(method: string, failures: Map<string, unknown>): VigilError {
    const standing = endpoints.map((endpoint) => {
      const failure = failures.get(endpoint.url);
      const why =
        failure === undefined
          ? (endpoint.health.status(false).reason ?? 'not tried')
          : shortError(failure);
      return `${endpoint.url}: ${why}`;
    });
    return new VigilError(
      'RPC_UNREACHABLE',
      `No RPC URL answered ${method}. ${standing.join('; ')}`,
      {
        details: { method, urls: endpoints.map((endpoint) => endpoint.url) },
        cause: [...failures.values()].at(-1),
      },
    );
  }

  async function request<T>(
    method: string,
    params: unknown[] = [],
    { signal }: RequestOptions = {},
  ): Promise<T> {
    const started = now();
    const failures = new Map<string, unknown>();
    for (let pass = 1; ; pass++) {
      for (const endpoint of rotation()) {
        signal?.throwIfAborted();
        try {
          return await attempt<T>(endpoint, method, params, signal);
        } catch (error) {
          if (signal?.aborted || isAnswerAboutTheRequest(error)) throw error;
          failures.set(endpoint.url, error);
        }
      }
      const due = nextDue();
      if (
        pass >= MAX_PASSES ||
        due === undefined ||
        due - now() > MAX_RETRY_WAIT_MS ||
        now() - started > timeoutMs
      ) {
        throw unreachable(method, failures);
      }
      await sleep(Math.max(0, due - now()));
    }
  }

  return {
    urls,
    request,
    requestFrom: (url, method, params = []) => callEndpoint(endpointFor(url), method, params),
    async subscribeNewHeads(onHead) {
      for (const endpoint of endpoints) {
        if (!endpoint.transport) continue;
        try {
          const subscription = await endpoint.transport.value!.subscribe({
            params: ['newHeads'],
            onData: (message: { result?: { number?: string } }) => {
              const number = message.result?.number;
              if (typeof number !== 'string') return;
              endpoint.health.recordHead(Number.parseInt(number, 16));
              onHead(Number.parseInt(number, 16));
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
    async checkChainIds() {
      const changes = await Promise.all(
        endpoints
          .filter((endpoint) => !endpoint.health.rateLimited())
          .map((endpoint) => checkChainIdOnce(endpoint).catch(() => false)),
      );
      return changes.some(Boolean);
    },
    judge: (url, verdict, reason) => endpointFor(url).health.judge(verdict, reason),
    endpointHealth: (url) => endpointFor(url).health,
    providers() {
      const first = rotation()[0];
      return endpoints.map((endpoint) => endpoint.health.status(endpoint === first));
    },
    // For views: a provider key in a URL (or in an error naming it) is shown as ***.
    health() {
      return endpoints.map((endpoint) => {
        const status = endpoint.health.status(false);
        const lastError = status.reason ?? status.lastError;
        return {
          url: redactUrl(endpoint.url),
          healthy: status.inRotation,
          latencyMs: status.latencyMs,
          errorCount: status.errors,
          lastError: lastError === null ? null : redactUrlsIn(lastError),
        };
      });
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
