// One RPC URL's health record: how it answered lately (requests, errors, error rate over a recent
// window, latency), the last head it reported, whether it is backing off or rate-limited, and
// whether a check took it out of rotation (wrong chain id, head far behind, disagreeing hashes).
// Plain bookkeeping on an injected clock and random source, so the rotation rules are tested
// without a network.
import type { ProviderStatus } from '../../ipc/contract.ts';
import type { ClassifiedFailure } from './rpc-errors.ts';

/** What a check can hold against a URL; each stays until a later check clears it. */
export type Verdict = 'wrong-chain' | 'disagrees' | 'behind';
export type OutOfRotation = NonNullable<ProviderStatus['outOfRotation']>;

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** After ordinary failures: short, since most are a dropped connection or a restarting node. */
export const ERROR_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };
/** After a 429 without Retry-After: longer, since asking again soon only earns another 429. */
export const RATE_LIMIT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 5 * 60_000 };

/** The error rate covers this recent window, so an old bad spell does not count forever. */
export const ERROR_RATE_WINDOW_MS = 5 * 60_000;
const WINDOW_MAX_OUTCOMES = 500;
/** Weight of the newest latency sample in the moving average. */
const LATENCY_WEIGHT = 0.2;
/** A 10% error rate weighs like 200 ms of extra latency when URLs are ranked. */
const ERROR_RATE_COST_MS = 2_000;

/**
 * Exponential back-off with "equal jitter": half the delay is fixed and half random, so clients
 * that failed together do not all come back in the same instant.
 */
export function backoffDelay(
  failuresInARow: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failuresInARow - 1));
  return exponential / 2 + random() * (exponential / 2);
}

export interface EndpointHealth {
  readonly url: string;
  recordSuccess(latencyMs: number): void;
  recordFailure(failure: ClassifiedFailure): void;
  recordHead(blockNumber: number): void;
  /** Sets (reason) or clears (null) a check's verdict; true if that changed anything. */
  judge(verdict: Verdict, reason: string | null): boolean;
  hasVerdict(verdict?: Verdict): boolean;
  /** In rotation now: no verdict against it, and not backing off. */
  usable(): boolean;
  /** When a backed-off URL may be asked again (0 when it is not backing off). */
  retryAt(): number;
  rateLimited(): boolean;
  head(): { blockNumber: number; at: number } | null;
  /** Lower is better: latency plus a cost for recent errors. */
  score(): number;
  status(preferred: boolean): ProviderStatus;
}

export interface EndpointHealthOptions {
  url: string;
  now: () => number;
  random: () => number;
}

export function createEndpointHealth({ url, now, random }: EndpointHealthOptions): EndpointHealth {
  let requests = 0;
  let errors = 0;
  let latencyMs: number | null = null;
  let lastError: string | null = null;
  let failuresInARow = 0;
  let rateLimitsInARow = 0;
  let retryAt = 0;
  let backoffReason: { kind: 'rate-limited' | 'backing-off'; text: string } | null = null;
  let head: { blockNumber: number; at: number } | null = null;
  const outcomes: { at: number; failed: boolean }[] = [];
  const verdicts = new Map<Verdict, string>();

  function remember(failed: boolean): void {
    requests++;
    if (failed) errors++;
    outcomes.push({ at: now(), failed });
    if (outcomes.length > WINDOW_MAX_OUTCOMES)
      outcomes.splice(0, outcomes.length - WINDOW_MAX_OUTCOMES);
  }

  function errorRate(): number {
    const since = now() - ERROR_RATE_WINDOW_MS;
    while (outcomes.length > 0 && outcomes[0]!.at < since) outcomes.shift();
    if (outcomes.length === 0) return 0;
    return outcomes.filter((outcome) => outcome.failed).length / outcomes.length;
  }

  function backingOff(): boolean {
    return retryAt > now();
  }

  function outOfRotation(): { kind: OutOfRotation; reason: string } | null {
    for (const verdict of ['wrong-chain', 'disagrees', 'behind'] as const) {
      const reason = verdicts.get(verdict);
      if (reason !== undefined) return { kind: verdict, reason };
    }
    if (backingOff() && backoffReason)
      return { kind: backoffReason.kind, reason: backoffReason.text };
    return null;
  }

  return {
    url,
    recordSuccess(latency) {
      remember(false);
      latencyMs =
        latencyMs === null ? latency : latencyMs * (1 - LATENCY_WEIGHT) + latency * LATENCY_WEIGHT;
      failuresInARow = 0;
      rateLimitsInARow = 0;
      retryAt = 0;
      backoffReason = null;
    },
    recordFailure(failure) {
      remember(true);
      lastError = failure.message;
      if (failure.kind === 'rate-limited') {
        rateLimitsInARow++;
        const delay =
          failure.retryAfterMs !== null
            ? // Honour the provider's own figure, plus a little jitter so a pool of clients spreads out.
              failure.retryAfterMs + random() * Math.min(1_000, failure.retryAfterMs * 0.1)
            : backoffDelay(rateLimitsInARow, RATE_LIMIT_BACKOFF, random);
        retryAt = now() + delay;
        backoffReason = {
          kind: 'rate-limited',
          text:
            failure.retryAfterMs !== null
              ? `rate-limited: the provider asked to wait ${seconds(failure.retryAfterMs)} (Retry-After)`
              : `rate-limited ${rateLimitsInARow} time(s) in a row: backing off ${seconds(delay)}`,
        };
        return;
      }
      failuresInARow++;
      const delay = backoffDelay(failuresInARow, ERROR_BACKOFF, random);
      retryAt = now() + delay;
      backoffReason = {
        kind: 'backing-off',
        text: `${failure.kind === 'timeout' ? 'timed out' : 'failed'} ${failuresInARow} time(s) in a row: ${failure.message}`,
      };
    },
    recordHead(blockNumber) {
      head = { blockNumber, at: now() };
    },
    judge(verdict, reason) {
      const previous = verdicts.get(verdict) ?? null;
      if (reason === null) verdicts.delete(verdict);
      else verdicts.set(verdict, reason);
      return previous !== reason;
    },
    hasVerdict: (verdict) => (verdict ? verdicts.has(verdict) : verdicts.size > 0),
    usable: () => verdicts.size === 0 && !backingOff(),
    retryAt: () => (backingOff() ? retryAt : 0),
    rateLimited: () => backingOff() && backoffReason?.kind === 'rate-limited',
    head: () => head,
    score: () => (latencyMs ?? 0) + errorRate() * ERROR_RATE_COST_MS,
    status(preferred) {
      const out = outOfRotation();
      return {
        url,
        inRotation: out === null,
        outOfRotation: out?.kind ?? null,
        reason: out?.reason ?? null,
        preferred,
        retryAt: backingOff() ? Math.round(retryAt) : null,
        headBlock: head?.blockNumber ?? null,
        latencyMs: latencyMs === null ? null : Math.round(latencyMs * 10) / 10,
        requests,
        errors,
        errorRate: errorRate(),
        lastError,
      };
    },
  };
}

function seconds(milliseconds: number): string {
  return milliseconds < 10_000
    ? `${(milliseconds / 1000).toFixed(1)} s`
    : `${Math.round(milliseconds / 1000)} s`;
}
