// The cap on RPC answers, against a real HTTP server: an answer over the cap is refused from its
// Content-Length unread, or cut off once the bytes read pass it (no length, or compressed), and
// the refusal reaches the pool's caller as "ask for less"; answers under it arrive whole. A pool
// request its caller aborts stops at once, closes its connection, and blames no URL.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCappedFetch } from '../../../src-main/core/chains/capped-fetch.ts';
import { isRangeTooLargeError } from '../../../src-main/core/chains/rpc-errors.ts';
import { createRpcPool, MAX_ANSWER_BYTES } from '../../../src-main/core/chains/rpc-pool.ts';
import { waitFor } from '../../helpers/serve.ts';

const CAP = 64 * 1024;
let server: Server;
let url: string;
/** The endless answer's bytes, if nothing stops it: far more than the socket buffers hold. */
const ENDLESS_BYTES = 1000 * CAP;
/** Requests for a slow answer that arrived, and those whose connection closed unanswered. */
const slow = { asked: 0, abandoned: 0 };
/** Bytes the endless answer had written when its connection closed. */
let endlessWritten: Promise<number>;

/** A JSON-RPC answer whose result is a string of `length` characters. */
const answerOf = (length: number): string =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'a'.repeat(length) });

function endless(outgoing: ServerResponse): void {
  let written = 0;
  endlessWritten = new Promise((resolve) => outgoing.on('close', () => resolve(written)));
  outgoing.writeHead(200, { 'content-type': 'application/json' });
  const more = (): void => {
    while (!outgoing.destroyed && written < ENDLESS_BYTES) {
      written += 4096;
      if (!outgoing.write('a'.repeat(4096))) return void outgoing.once('drain', more);
    }
  };
  more();
}

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      const path = incoming.url ?? '/';
      if (path === '/endless') return endless(outgoing);
      if (path.startsWith('/slow')) {
        const call = JSON.parse(body) as { id: number; method: string };
        if (call.method === 'eth_chainId') {
          outgoing.writeHead(200, { 'content-type': 'application/json' });
          return void outgoing.end(
            JSON.stringify({ jsonrpc: '2.0', id: call.id, result: '0x7a69' }),
          );
        }
        slow.asked++;
        const timer = setTimeout(() => {
          outgoing.writeHead(200, { 'content-type': 'application/json' });
          outgoing.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: [] }));
        }, 1_500);
        outgoing.on('close', () => {
          if (outgoing.writableFinished) return;
          clearTimeout(timer);
          slow.abandoned++;
        });
        return;
      }
      if (path.startsWith('/pool/')) {
        const call = JSON.parse(body) as { id: number; method: string };
        const size = Number(path.slice('/pool/'.length));
        const text =
          call.method === 'eth_chainId'
            ? JSON.stringify({ jsonrpc: '2.0', id: call.id, result: '0x7a69' })
            : JSON.stringify({ jsonrpc: '2.0', id: call.id, result: ['x'.repeat(size)] });
        // With its length, as nodes answer (anvil, geth).
        outgoing.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        return void outgoing.end(text);
      }
      const [, how, size] = path.split('/');
      const text = answerOf(Number(size));
      if (how === 'length') {
        outgoing.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        outgoing.end(text);
      } else if (how === 'chunked') {
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        for (let at = 0; at < text.length; at += 1000) outgoing.write(text.slice(at, at + 1000));
        outgoing.end();
      } else {
        // Compressed: its Content-Length is of the gzip, far smaller than the text.
        const zipped = gzipSync(text);
        outgoing.writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': zipped.length,
        });
        outgoing.end(zipped);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const cappedFetch = createCappedFetch(CAP);

const post = (path: string): Promise<Response> =>
  cappedFetch(`${url}${path}`, { method: 'POST', body: '{}' });

describe('createCappedFetch', () => {
  for (const how of ['length', 'chunked', 'gzip']) {
    it(`hands on a ${how} answer under the cap whole`, async () => {
      const response = await post(`/${how}/${CAP - 100}`);
      expect(await response.text()).toBe(answerOf(CAP - 100));
    });

    it(`refuses a ${how} answer over the cap as too large`, async () => {
      const refusal = await post(`/${how}/${CAP}`).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(Error);
      expect((refusal as Error).name).toBe('ResponseBodyTooLargeError');
      expect(isRangeTooLargeError(refusal)).toBe(true);
    });
  }

  it('stops reading an answer without a length once it passes the cap', async () => {
    await expect(post('/endless')).rejects.toMatchObject({ name: 'ResponseBodyTooLargeError' });
    // The client closed the connection (the answer never ends by itself) well before the end:
    // what was written is the cap plus what the sockets' buffers took in.
    expect(await endlessWritten).toBeLessThan(ENDLESS_BYTES / 4);
  });
});

describe('the RPC pool', () => {
  it('reads an answer just under its cap, and refuses one just over it as "ask for less"', async () => {
    // The result's string plus the JSON around it: about 60 bytes.
    const under = createRpcPool([`${url}/pool/${MAX_ANSWER_BYTES - 200}`], { chainId: 31337 });
    const over = createRpcPool([`${url}/pool/${MAX_ANSWER_BYTES}`], { chainId: 31337 });
    try {
      const logs = await under.request<string[]>('eth_getLogs', [{}]);
      expect(logs[0]).toHaveLength(MAX_ANSWER_BYTES - 200);
      const refusal = await over.request('eth_getLogs', [{}]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isRangeTooLargeError(refusal)).toBe(true);
    } finally {
      under.close();
      over.close();
    }
  });

  it('stops a request its caller aborts at once, asks no other URL and blames none', async () => {
    // Two URLs, both slow: a failure on the first would move on to the second.
    const urls = [`${url}/slow`, `${url}/slow-too`];
    const pool = createRpcPool(urls, { chainId: 31337 });
    try {
      const asking = new AbortController();
      const started = performance.now();
      const logs = pool.request('eth_getLogs', [{}], { signal: asking.signal });
      await waitFor(() => slow.asked === 1, 5_000, 10);
      asking.abort();
      await expect(logs).rejects.toMatchObject({ name: 'AbortError' });
      expect(performance.now() - started).toBeLessThan(1_000);
      // The connection is closed unanswered, and the second URL was never asked.
      await waitFor(() => slow.abandoned === 1, 5_000, 10);
      expect(slow.asked).toBe(1);
      expect(pool.health().map((url) => url.errorCount)).toEqual([0, 0]);
      // Asked again without a signal, the same URL still serves.
      const again = await pool.request<unknown[]>('eth_getLogs', [{}]);
      expect(again).toEqual([]);
    } finally {
      pool.close();
    }
  });

  it('does not start a request whose signal is already aborted', async () => {
    const pool = createRpcPool([`${url}/slow`], { chainId: 31337 });
    try {
      const asked = slow.asked;
      await expect(
        pool.request('eth_getLogs', [{}], { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      expect(slow.asked).toBe(asked);
    } finally {
      pool.close();
    }
  });
});
