// Headless mode's server: the built renderer over HTTP and the contract as JSON-RPC 2.0 over a
// WebSocket at /rpc. Bound to 127.0.0.1 unless told otherwise; the WebSocket needs the token
// and, from a browser, an Origin that is this server's own.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../core/ports/index.ts';
import type { ContractServer } from '../ipc/server.ts';
import { EXPORTS_PATH_PREFIX, serveExportDownload } from './export-downloads.ts';
import { jsonRpcResponse, parseJsonRpcMessage } from './json-rpc.ts';
import { serveStatic } from './static-files.ts';

export interface HeadlessServerOptions {
  contract: ContractServer;
  rendererDir: string;
  token: string;
  host?: string;
  port?: number;
  log: Logger;
  /** Where the engine writes audit exports that are offered as downloads. */
  exportsDir?: string;
}

export interface HeadlessServer {
  port: number;
  /** The console URL to open in a browser, token included. */
  consoleUrl: string;
  close(): Promise<void>;
}

function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Browsers always send Origin; scripts usually do not, and are held to the token alone. */
export function originAllowed(origin: string | undefined, host: string, port: number): boolean {
  if (origin === undefined) return true;
  const allowedHosts = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && allowedHosts.has(url.hostname) && Number(url.port) === port;
  } catch {
    return false;
  }
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const { contract, log, token } = options;
  const httpServer = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const authorised = tokensMatch(url.searchParams.get('token'), token);
    // A plain GET of the socket's path tells a client whether its token is the problem.
    if (url.pathname === '/rpc') {
      response.writeHead(authorised ? 426 : 401, { 'content-type': 'text/plain' });
      response.end(
        authorised
          ? 'Upgrade to a WebSocket to speak JSON-RPC here.\n'
          : 'missing or wrong token\n',
      );
      return;
    }
    if (url.pathname.startsWith(EXPORTS_PATH_PREFIX)) {
      serveExportDownload({
        request,
        response,
        url,
        exportsDir: options.exportsDir,
        authorised,
      });
      return;
    }
    serveStatic(options.rendererDir, request.url ?? '/', response);
  });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  let port = 0;

  httpServer.on('upgrade', (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const refuse = (status: number, reason: string): void => {
      log.warn(`Refused a WebSocket connection: ${reason}.`);
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`,
      );
    };
    if (url.pathname !== '/rpc') return refuse(403, 'unknown path');
    if (!tokensMatch(url.searchParams.get('token'), token))
      return refuse(401, 'missing or wrong token');
    if (!originAllowed(request.headers.origin, host, port))
      return refuse(403, `foreign Origin ${request.headers.origin}`);
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void answer(ws, data.toString()));
    });
  });

  async function answer(ws: WebSocket, text: string): Promise<void> {
    const parsed = parseJsonRpcMessage(text);
    if (!Array.isArray(parsed)) {
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: null,
          error: { code: parsed.code, message: parsed.error.message, data: parsed.error },
        }),
      );
      return;
    }
    const responses = await Promise.all(
      parsed.map(async (request) => {
        const envelope = await contract.handle(request.method, request.params);
        return request.id === undefined ? undefined : jsonRpcResponse(request.id, envelope);
      }),
    );
    const replies = responses.filter((reply) => reply !== undefined);
    if (replies.length === 0 || ws.readyState !== ws.OPEN) return;
    // A batch is answered with an array. The text is valid JSON, so it is a batch exactly when it
    // opens with "[": no second parse of a message that may be 64 MiB (an export to verify).
    ws.send(JSON.stringify(/^[ \t\n\r]*\[/.test(text) ? replies : replies[0]));
  }

  const unsubscribe = contract.onPush((name, payload) => {
    if (sockets.size === 0) return;
    const message = JSON.stringify({ jsonrpc: '2.0', method: name, params: payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => resolve());
  });
  port = (httpServer.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    consoleUrl: `http://${shownHost}:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
