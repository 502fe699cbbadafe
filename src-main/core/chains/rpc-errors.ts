// What an RPC failure means for the pool: "ask for less" (the caller shrinks its range), "slow
// down" (rate-limited: back that URL off for longer, honouring Retry-After), a timeout, or any
// other failure of that URL.

export type FailureKind = 'rate-limited' | 'timeout' | 'error';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** From a Retry-After header, in milliseconds; null when the provider did not say. */
  retryAfterMs: number | null;
  /** One line for the operator. */
  message: string;
}

/** A Retry-After longer than this is treated as this: a provider's typo should not bench a URL for a day. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** True for errors that a smaller block range would avoid. */
export function isRangeTooLargeError(error: unknown): boolean {
  const text = errorText(error);
  // "429 Too Many Requests" is rate limiting: the provider's problem, handled by failover.
  if (isRateLimitText(text)) return false;
  return /too many|more than \d+ results|limit exceeded|exceeds? (the )?(max|limit)|response (body )?(is )?too large|body size|query returned more|range too (large|wide)|block range|log response size|ResponseBodyTooLarge|10000 results/i.test(
    text,
  );
}

/**
 * True for a request that failed on the way instead of being answered: a timeout, a dropped
 * connection, a body cut off mid-way, a 5xx from the node or a proxy in front of it. For a wide
 * eth_getLogs range these are often the range's own fault (the node took too long over it), so
 * the caller asks for less; rate limiting is not one of them (failover and Retry-After handle it).
 */
export function isFailedInTransit(error: unknown): boolean {
  if (classifyFailure(error, 0).kind === 'rate-limited') return false;
  return causeChain(error).some((link) => {
    if (!(link instanceof Error)) return false;
    const status = (link as { status?: unknown }).status;
    if (typeof status === 'number') return status >= 500;
    return /^(TimeoutError|HttpRequestError|SocketClosedError|WebSocketRequestError)$/.test(
      link.name,
    );
  });
}

/** eth_getLogs over more than one block by number: a request whose size the caller can shrink. */
export function isLogRangeRequest(method: string, params: readonly unknown[]): boolean {
  if (method !== 'eth_getLogs') return false;
  const filter = params[0] as { fromBlock?: unknown; toBlock?: unknown } | undefined;
  const from = filter?.fromBlock;
  const to = filter?.toBlock;
  return (
    typeof from === 'string' &&
    typeof to === 'string' &&
    /^0x[0-9a-f]+$/i.test(from) &&
    /^0x[0-9a-f]+$/i.test(to) &&
    Number.parseInt(to, 16) > Number.parseInt(from, 16)
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

/** The node answered about the request (too much asked, or a revert): not a failure of the URL. */
export function isAnswerAboutTheRequest(error: unknown): boolean {
  return isRangeTooLargeError(error) || isExecutionError(error);
}

function isRateLimitText(text: string): boolean {
  return /too many requests|\b429\b|rate.?limit|request limit|request (count|rate) exceeded/i.test(
    text,
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const details = (error as { details?: unknown; shortMessage?: unknown }).details;
    return `${error.name}: ${error.message}${typeof details === 'string' ? ` ${details}` : ''}`;
  }
  return String(error);
}

/** The first line of an error, without viem's request dump. */
export function shortError(error: unknown): string {
  const shortMessage = (error as { shortMessage?: unknown }).shortMessage;
  const details = (error as { details?: unknown }).details;
  const text =
    typeof shortMessage === 'string'
      ? `${shortMessage}${typeof details === 'string' && details && !shortMessage.includes(details) ? ` ${details}` : ''}`
      : errorText(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/** Every error in a cause chain, outermost first (viem wraps the HTTP error in an RPC one). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; null if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  const milliseconds = /^\d+(\.\d+)?$/.test(trimmed)
    ? Number(trimmed) * 1000
    : Date.parse(trimmed) - now;
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return null;
  return Math.min(milliseconds, MAX_RETRY_AFTER_MS);
}

export function classifyFailure(error: unknown, now: number): ClassifiedFailure {
  const chain = causeChain(error);
  const status = chain
    .map((link) => (link as { status?: unknown }).status)
    .find((value): value is number => typeof value === 'number');
  const code = chain
    .map((link) => (link as { code?: unknown }).code)
    .find((value): value is number => typeof value === 'number');
  const headers = chain
    .map((link) => (link as { headers?: unknown }).headers)
    .find((value): value is Headers => value instanceof Headers);
  const message = shortError(error);
  const rateLimited =
    status === 429 ||
    code === 429 ||
    // -32005 is "limit exceeded" (Infura's rate limit); -32007 is QuickNode's.
    code === -32005 ||
    code === -32007 ||
    chain.some((link) => isRateLimitText(errorText(link)));
  if (rateLimited) {
    return {
      kind: 'rate-limited',
      retryAfterMs: parseRetryAfter(headers?.get('retry-after'), now),
      message,
    };
  }
  const timedOut = chain.some(
    (link) =>
      link instanceof Error && /TimeoutError|timed out|took too long/i.test(errorText(link)),
  );
  return { kind: timedOut ? 'timeout' : 'error', retryAfterMs: null, message };
}
