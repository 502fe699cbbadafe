// The RPC pool's rules on an injected clock: back-off growth and jitter, Retry-After, the error
// rate's window, latency averaging, verdicts, and what counts as in rotation.
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createEndpointHealth,
  ERROR_BACKOFF,
  ERROR_RATE_WINDOW_MS,
  RATE_LIMIT_BACKOFF,
} from '../../../src-main/core/chains/endpoint-health.ts';
import type { ClassifiedFailure } from '../../../src-main/core/chains/rpc-errors.ts';

function fixture(random = () => 0.5) {
  let time = 1_000_000;
  const health = createEndpointHealth({ url: 'http://a', now: () => time, random });
  return {
    health,
    advance: (milliseconds: number) => (time += milliseconds),
    time: () => time,
  };
}

const failure = (kind: ClassifiedFailure['kind'], retryAfterMs: number | null = null) => ({
  kind,
  retryAfterMs,
  message: `${kind} happened`,
});

describe('backoffDelay', () => {
  it('doubles per failure in a row up to the cap, with half of it random', () => {
    expect(backoffDelay(1, ERROR_BACKOFF, () => 0)).toBe(250);
    expect(backoffDelay(1, ERROR_BACKOFF, () => 1)).toBe(500);
    expect(backoffDelay(2, ERROR_BACKOFF, () => 1)).toBe(1_000);
    expect(backoffDelay(4, ERROR_BACKOFF, () => 1)).toBe(4_000);
    expect(backoffDelay(50, ERROR_BACKOFF, () => 1)).toBe(ERROR_BACKOFF.maxMs);
    expect(backoffDelay(50, ERROR_BACKOFF, () => 0)).toBe(ERROR_BACKOFF.maxMs / 2);
  });

  it('starts rate-limit back-off ten times higher than ordinary back-off', () => {
    expect(backoffDelay(1, RATE_LIMIT_BACKOFF, () => 1)).toBe(5_000);
    expect(RATE_LIMIT_BACKOFF.baseMs).toBe(ERROR_BACKOFF.baseMs * 10);
  });
});

describe('endpoint health', () => {
  it('is in rotation until a failure, backs off, and comes back when the back-off is over', () => {
    const { health, advance } = fixture(() => 1);
    expect(health.usable()).toBe(true);
    health.recordFailure(failure('error'));
    expect(health.usable()).toBe(false);
    expect(health.status(false)).toMatchObject({
      inRotation: false,
      outOfRotation: 'backing-off',
      reason: 'failed 1 time(s) in a row: error happened',
      errors: 1,
      requests: 1,
      lastError: 'error happened',
    });
    advance(499);
    expect(health.usable()).toBe(false);
    advance(2);
    expect(health.usable()).toBe(true);
    expect(health.status(false)).toMatchObject({
      outOfRotation: null,
      reason: null,
      retryAt: null,
    });
  });

  it('backs off longer after each failure in a row, and starts over after a success', () => {
    const { health, time } = fixture(() => 1);
    health.recordFailure(failure('timeout'));
    const first = health.retryAt() - time();
    health.recordFailure(failure('timeout'));
    const second = health.retryAt() - time();
    expect(second).toBe(first * 2);
    expect(health.status(false).reason).toMatch(/^timed out 2 time\(s\) in a row/);
    health.recordSuccess(10);
    health.recordFailure(failure('timeout'));
    expect(health.retryAt() - time()).toBe(first);
  });

  it('honours Retry-After on a 429, and says so', () => {
    const { health, advance, time } = fixture(() => 0);
    health.recordFailure(failure('rate-limited', 30_000));
    expect(health.retryAt() - time()).toBe(30_000);
    expect(health.rateLimited()).toBe(true);
    expect(health.status(false)).toMatchObject({
      outOfRotation: 'rate-limited',
      reason: 'rate-limited: the provider asked to wait 30 s (Retry-After)',
    });
    advance(29_999);
    expect(health.usable()).toBe(false);
    advance(1);
    expect(health.usable()).toBe(true);
    expect(health.rateLimited()).toBe(false);
  });

  it('backs a rate-limited URL off for longer than a failing one when no Retry-After is given', () => {
    const limited = fixture(() => 0);
    const failing = fixture(() => 0);
    limited.health.recordFailure(failure('rate-limited'));
    failing.health.recordFailure(failure('error'));
    expect(limited.health.retryAt() - limited.time()).toBeGreaterThan(
      (failing.health.retryAt() - failing.time()) * 5,
    );
  });

  it('counts the error rate over the recent window only', () => {
    const { health, advance } = fixture();
    health.recordFailure(failure('error'));
    health.recordSuccess(5);
    health.recordSuccess(5);
    health.recordSuccess(5);
    expect(health.status(false)).toMatchObject({ requests: 4, errors: 1, errorRate: 0.25 });
    advance(ERROR_RATE_WINDOW_MS + 1);
    health.recordSuccess(5);
    // Totals keep the whole history; the rate forgets the old failure.
    expect(health.status(false)).toMatchObject({ requests: 5, errors: 1, errorRate: 0 });
  });

  it('averages latency, and ranks errors as extra latency', () => {
    const { health } = fixture();
    health.recordSuccess(100);
    expect(health.status(false).latencyMs).toBe(100);
    health.recordSuccess(200);
    expect(health.status(false).latencyMs).toBe(120);
    const scoreBefore = health.score();
    health.recordFailure(failure('error'));
    expect(health.score()).toBeGreaterThan(scoreBefore + 100);
  });

  it('keeps a verdict until it is cleared, whatever happens to requests meanwhile', () => {
    const { health } = fixture();
    expect(health.judge('wrong-chain', 'answered chain id 1')).toBe(true);
    expect(health.judge('wrong-chain', 'answered chain id 1')).toBe(false);
    health.recordSuccess(1);
    expect(health.usable()).toBe(false);
    expect(health.status(true)).toMatchObject({
      inRotation: false,
      outOfRotation: 'wrong-chain',
      reason: 'answered chain id 1',
      preferred: true,
    });
    expect(health.judge('wrong-chain', null)).toBe(true);
    expect(health.usable()).toBe(true);
  });

  it('shows the weightiest verdict first', () => {
    const { health } = fixture();
    health.judge('behind', 'head far behind');
    health.judge('disagrees', 'disagrees on block 5');
    expect(health.status(false)).toMatchObject({
      outOfRotation: 'disagrees',
      reason: 'disagrees on block 5',
    });
    health.judge('disagrees', null);
    expect(health.status(false).outOfRotation).toBe('behind');
  });

  it('remembers the last head it reported', () => {
    const { health, time } = fixture();
    expect(health.status(false).headBlock).toBeNull();
    health.recordHead(1234);
    expect(health.head()).toEqual({ blockNumber: 1234, at: time() });
    expect(health.status(false).headBlock).toBe(1234);
  });
});
