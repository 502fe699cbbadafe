// Headless mode's server: the built renderer over HTTP(S) and the contract as JSON-RPC 2.0 over a
// WebSocket at /rpc. Every request is first held to request-guards.ts (Host, target, Origin) and
// to session-auth.ts (token or session cookie); nothing a client sends can end the process: each
// listener answers its own failures, and messages are size-, depth- and rate-limited before any
// parsing that could recurse.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Caller } from '../core/app.ts';
import type { Logger } from '../core/ports/index.ts';
import type { ContractServer } from '../ipc/server.ts';
import { EXPORTS_PATH_PREFIX, serveExportDownload } from './export-downloads.ts';
import { jsonRpcErrorCodes, jsonRpcResponseText, parseJsonRpcMessage } from './json-rpc.ts';
import {
  allowedHostNames,
  consoleUrlFor,
  defaultMessageLimits,
  hostAllowed,
  isLoopbackHost,
  originAllowed,
  parseTarget,
  type MessageLimits,
} from './request-guards.ts';
import { authenticate, SESSION_PATH, sessionCookieHeader } from './session-auth.ts';
import { serveStatic } from './static-files.ts';

export { originAllowed } from './request-guards.ts';

export interface HeadlessServerOptions {
  contract: ContractServer;
  rendererDir: string;
  token: string;
  host?: string;
  port?: number;
  log: Logger;
  /** Where the engine writes audit exports that are offered as downloads. */
  exportsDir?: string;
  /** PEM certificate and key: serve HTTPS and WSS instead of plain HTTP. */
  tls?: { cert: string; key: string };
  /** Host names besides loopback and the bound address that clients may use (a DNS name). */
  hostNames?: string[];
  limits?: Partial<ServerLimits>;
}

export interface ServerLimits extends MessageLimits {
  /** Open WebSockets at once; a flood of connections is refused past this. */
  maxSockets: number;
  /** Requests one socket may have unanswered; more are answered at once with an error. */
  maxInFlightPerSocket: number;
}

const defaultLimits: ServerLimits = {
  ...defaultMessageLimits,
  maxSockets: 64,
  maxInFlightPerSocket: 64,
};

export interface HeadlessServer {
  port: number;
  /** The console URL to open in a browser, the token in its fragment (never sent to a server). */
  consoleUrl: string;
  close(): Promise<void>;
}

function plain(response: ServerResponse, status: number, text: string, headers = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(`${text}\n`);
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  421: 'Misdirected Request',
  503: 'Service Unavailable',
};

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`,
  );
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const { contract, log, token } = options;
  const limits = { ...defaultLimits, ...options.limits };
  const scheme = options.tls ? 'https' : 'http';
  const hostNames = allowedHostNames(host, options.hostNames);
  let port = 0;

  function route(request: IncomingMessage, response: ServerResponse): void {
    if (!hostAllowed(request.headers.host, hostNames, port))
      return plain(response, 421, `unknown Host ${JSON.stringify(request.headers.host ?? '')}`);
    const target = parseTarget(request.url);
    if (!target) return plain(response, 400, 'malformed request target');
    const how = authenticate(request, token);
    if (target.pathname === SESSION_PATH) {
      if (request.method !== 'POST') return plain(response, 405, 'POST the token here');
      if (!originAllowed(request.headers.origin, hostNames, port, scheme))
        return plain(response, 403, 'foreign Origin');
      // Only the Authorization header proves the token; a cookie cannot mint a cookie.
      if (how !== 'bearer') return plain(response, 401, 'missing or wrong token');
      response.writeHead(204, {
        'set-cookie': sessionCookieHeader(token, scheme === 'https'),
        'cache-control': 'no-store',
      });
      response.end();
      request.resume();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, '');
    // A plain GET of the socket's path tells a client whether its credentials are the problem.
    if (target.pathname === '/rpc') {
      return how
        ? plain(response, 426, 'Upgrade to a WebSocket to speak JSON-RPC here.')
        : plain(response, 401, 'missing or wrong token');
    }
    if (target.pathname.startsWith(EXPORTS_PATH_PREFIX)) {
      serveExportDownload({
        request,
        response,
        pathname: target.pathname,
        exportsDir: options.exportsDir,
        authorised: how !== null,
      });
      return;
    }
    serveStatic(options.rendererDir, target.pathname, response);
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    try {
      route(request, response);
    } catch (error) {
      log.warn(`A request to ${JSON.stringify(request.url)} failed: ${String(error)}`);
      plain(response, 500, 'internal error');
    }
  };
  const httpServer = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(onRequest);
  // Unparseable requests (bad request lines, oversized headers) end here with a 400, not a throw.
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  httpServer.headersTimeout = 10_000;
  httpServer.requestTimeout = 30_000;

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxLength });

  httpServer.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const refuse = (status: number, reason: string): void => {
        log.warn(`Refused a WebSocket connection: ${reason}.`);
        refuseUpgrade(socket, status, reason);
      };
      if (!hostAllowed(request.headers.host, hostNames, port)) return refuse(421, 'unknown Host');
      const target = parseTarget(request.url);
      if (!target) return refuse(400, 'malformed request target');
      if (target.pathname !== '/rpc') return refuse(403, 'unknown path');
      const how = authenticate(request, token);
      if (!how) return refuse(401, 'missing or wrong token');
      // A cookie is what a browser sends on its own; it must come from our own page.
      const origin = request.headers.origin;
      if (
        (how === 'cookie' && origin === undefined) ||
        !originAllowed(origin, hostNames, port, scheme)
      )
        return refuse(403, `foreign Origin ${origin}`);
      if (sockets.size >= limits.maxSockets)
        return refuse(503, `too many connections (at most ${limits.maxSockets})`);
      const caller = callerOf(request, origin);
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, caller));
    } catch (error) {
      log.warn(`A WebSocket upgrade failed: ${String(error)}`);
      refuseUpgrade(socket, 400, 'bad upgrade request');
    }
  });

  /** Who this socket is, for the person gate: the origins its passkeys may sign for. */
  function callerOf(request: IncomingMessage, origin: string | undefined): Caller {
    return {
      kind: 'web',
      origins: hostNames.map((name) => `${scheme}://${name}:${port}`),
      rpIds: hostNames.filter((name) => !name.startsWith('[') && isIP(name) === 0),
      loopback: isLoopbackHost(request.socket.remoteAddress ?? ''),
      tls: scheme === 'https',
      ...(origin ? { origin } : {}),
    };
  }

  function accept(ws: WebSocket, caller: Caller): void {
    sockets.add(ws);
    let inFlight = 0;
    ws.on('close', () => sockets.delete(ws));
    // ws reports an oversized or malformed frame as an error and closes the socket (1009, 1002);
    // without a listener the error would end the process.
    ws.on('error', (error) => log.warn(`A WebSocket client misbehaved: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (inFlight >= limits.maxInFlightPerSocket) {
        sendError(
          ws,
          'RATE_LIMITED',
          `Too many unanswered requests on this connection (at most ${limits.maxInFlightPerSocket}); wait for answers.`,
          jsonRpcErrorCodes.application,
        );
        return;
      }
      inFlight++;
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      answer(ws, text, caller)
        .catch((error: unknown) => {
          log.warn(`Answering a WebSocket message failed: ${String(error)}`);
          sendError(
            ws,
            'INTERNAL',
            'The request could not be answered.',
            jsonRpcErrorCodes.internal,
          );
        })
        .finally(() => inFlight--);
    });
  }

  function sendError(
    ws: WebSocket,
    code: 'RATE_LIMITED' | 'INTERNAL',
    message: string,
    jsonRpcCode: number,
  ): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: jsonRpcCode, message, data: { code, message } },
      }),
    );
  }

  async function answer(ws: WebSocket, text: string, caller: Caller): Promise<void> {
    const parsed = parseJsonRpcMessage(text, limits);
    if (!Array.isArray(parsed)) {
      if (ws.readyState !== ws.OPEN) return;
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
        const envelope = await contract.handleAsJson(request.method, request.params, caller);
        return request.id === undefined ? undefined : jsonRpcResponseText(request.id, envelope);
      }),
    );
    const replies = responses.filter((reply) => reply !== undefined);
    if (replies.length === 0 || ws.readyState !== ws.OPEN) return;
    // A batch is answered with an array. The text is valid JSON, so it is a batch exactly when it
    // opens with "[": no second parse of a message that may be 64 MiB (an export to verify).
    ws.send(/^[ \t\n\r]*\[/.test(text) ? `[${replies.join(',')}]` : replies[0]!);
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
  httpServer.on('error', (error) => log.warn(`The headless server reported: ${error.message}`));
  port = (httpServer.address() as AddressInfo).port;
  return {
    port,
    consoleUrl: consoleUrlFor(scheme, host, port, token),
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
