// What an RPC failure means for the pool, from the errors viem really throws.
import { HttpRequestError, LimitExceededRpcError, RpcRequestError, TimeoutError } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  isFailedInTransit,
  isLogRangeRequest,
  isRangeTooLargeError,
  parseRetryAfter,
} from '../../../src-main/core/chains/rpc-errors.ts';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBeNull();
  });

  it('caps an absurd Retry-After at ten minutes', () => {
    expect(parseRetryAfter('86400', now)).toBe(600_000);
  });
});

describe('classifyFailure', () => {
  it('sees an HTTP 429 as rate limiting and takes its Retry-After', () => {
    const error = new HttpRequestError({
      url: 'http://a',
      status: 429,
      headers: new Headers({ 'retry-after': '7' }),
      details: 'Too Many Requests',
    });
    expect(classifyFailure(error, now)).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 7_000,
    });
  });

  it('sees JSON-RPC rate-limit codes as rate limiting, without a Retry-After', () => {
    const error = new LimitExceededRpcError(
      new RpcRequestError({
        body: {},
        url: 'http://a',
        error: { code: -32005, message: 'daily request count exceeded' },
      }),
    );
    expect(classifyFailure(error, now)).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: null,
    });
  });

  it('tells timeouts from other failures', () => {
    expect(classifyFailure(new TimeoutError({ body: {}, url: 'http://a' }), now).kind).toBe(
      'timeout',
    );
    const refused = new HttpRequestError({
      url: 'http://a',
      cause: new Error('fetch failed'),
    });
    expect(classifyFailure(refused, now)).toMatchObject({ kind: 'error', retryAfterMs: null });
    expect(classifyFailure(new HttpRequestError({ url: 'http://a', status: 500 }), now).kind).toBe(
      'error',
    );
  });

  it('keeps rate limiting apart from "ask for a smaller range"', () => {
    expect(isRangeTooLargeError(new Error('429 Too Many Requests'))).toBe(false);
    expect(isRangeTooLargeError(new Error('query returned more than 10000 results'))).toBe(true);
  });
});

describe('isFailedInTransit', () => {
  it('is true for timeouts, dropped or cut-off answers and 5xx, also wrapped in a cause', () => {
    expect(isFailedInTransit(new TimeoutError({ body: {}, url: 'http://a' }))).toBe(true);
    const dropped = new HttpRequestError({
      url: 'http://a',
      cause: new Error('other side closed'),
    });
    expect(isFailedInTransit(dropped)).toBe(true);
    expect(isFailedInTransit(new HttpRequestError({ url: 'http://a', status: 502 }))).toBe(true);
    expect(isFailedInTransit(new Error('No RPC URL answered', { cause: dropped }))).toBe(true);
  });

  it('is false for answers about the request, rate limiting and client errors', () => {
    expect(isFailedInTransit(new HttpRequestError({ url: 'http://a', status: 429 }))).toBe(false);
    expect(isFailedInTransit(new HttpRequestError({ url: 'http://a', status: 403 }))).toBe(false);
    const refused = new RpcRequestError({
      body: {},
      url: 'http://a',
      error: { code: -32602, message: 'invalid params' },
    });
    expect(isFailedInTransit(refused)).toBe(false);
    expect(isFailedInTransit(new Error('No RPC URL answered eth_getLogs'))).toBe(false);
  });
});

describe('isLogRangeRequest', () => {
  it('is eth_getLogs over more than one block by number', () => {
    expect(isLogRangeRequest('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x2' }])).toBe(true);
    expect(isLogRangeRequest('eth_getLogs', [{ fromBlock: '0x2', toBlock: '0x2' }])).toBe(false);
    expect(isLogRangeRequest('eth_getLogs', [{ blockHash: '0xab' }])).toBe(false);
    expect(isLogRangeRequest('eth_getLogs', [{ fromBlock: '0x1', toBlock: 'latest' }])).toBe(false);
    expect(isLogRangeRequest('eth_call', [{ fromBlock: '0x1', toBlock: '0x2' }])).toBe(false);
  });
});
