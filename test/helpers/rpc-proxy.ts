// An HTTP JSON-RPC proxy in front of a test chain that can be cut off and restored, so a test can
// make Vigil's view of a chain fall behind (its RPC unreachable) and catch up again.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcProxy {
  url: string;
  /** While down, every request is answered 503. */
  setDown(down: boolean): void;
  /** Requests that reached the proxy so far, served or not. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * `requirePath`: only requests to exactly this path are served (as a provider keyed by a path
 * segment, Infura's `/v3/<key>`, answers only its key); others get 401.
 */
export async function startRpcProxy(
  targetUrl: string,
  options: { requirePath?: string } = {},
): Promise<RpcProxy> {
  let down = false;
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (options.requirePath !== undefined && request.url !== options.requirePath) {
      request.resume();
      response.writeHead(401).end('invalid project id');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (down) {
        response.writeHead(503).end('unavailable');
        return;
      }
      fetch(targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      })
        .then(async (upstream) => {
          response.writeHead(upstream.status, { 'content-type': 'application/json' });
          response.end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end('upstream failed'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDown(value) {
      down = value;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
