// A small JSON-RPC HTTP proxy in front of a real anvil that misbehaves on demand: per method it
// can delay, drop the connection, never answer, answer 429 or 500, cut the body short, refuse a
// log range as too large after a while (holding the ranges that come meanwhile), or lie (other
// block hashes, another chain id, a frozen head), for every call of a method or only for
// eth_getLogs over more than N blocks. It can also hold every request until resumed. Tests
// switch faults at run time; it counts requests by method (the bench uses that), log ranges in
// flight and abandoned, and keeps each call's params and each log range's times.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'delay'; ms: number }
  /** Closes the connection without an answer. */
  | { kind: 'drop' }
  /** Never answers: the client's timeout has to fire. */
  | { kind: 'hang' }
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Forwards, then sends only the first half of the answer's body. */
  | { kind: 'truncate' }
  /** Rewrites hash and parentHash in eth_getBlockByNumber answers: a consistent other chain. */
  | { kind: 'lie-block-hash' }
  | { kind: 'lie-chain-id'; chainId: number }
  /** eth_blockNumber answers this number whatever the chain does: a stalled node. */
  | { kind: 'stale-head'; blockNumber: number }
  /**
   * eth_getLogs answers leave out the logs of the range's last block: a node a block behind the
   * others, which answers a range past its head with what it has.
   */
  | { kind: 'omit-last-block-logs' }
  /** eth_getLogs answers name another hash for every log's block: logs of another branch. */
  | { kind: 'lie-log-block-hash' }
  /**
   * Refuses, as a provider does, after working on it this long: "query returned more than…".
   * With holdOthersMs, the log ranges that come while it works on the refusal are held until
   * that long after it is sent: a client that drops them when it reads the refusal has time to,
   * however loaded the machine (rangesAbandoned counts them).
   */
  | { kind: 'refuse-range'; afterMs: number; holdOthersMs?: number };

export interface FaultRule {
  fault: Fault;
  /** JSON-RPC methods it applies to; every method when omitted. */
  methods?: string[];
  /**
   * Only eth_getLogs over more than this many blocks (fromBlock..toBlock), e.g. a node that
   * cannot answer wide ranges in time; other requests pass.
   */
  widerThanBlocks?: number;
}

export interface FaultProxy {
  url: string;
  /** Requests received, by JSON-RPC method, faulted or not. */
  counts: Record<string, number>;
  /** Every call received, in order, with its params (e.g. the ranges eth_getLogs asked for). */
  calls: { method: string; params: unknown }[];
  /** The most eth_getLogs over a block range that were asked for and not yet answered at once. */
  readonly rangesInFlightPeak: number;
  /** eth_getLogs over a block range whose client closed the connection before the answer. */
  readonly rangesAbandoned: number;
  /**
   * Every request whose (first) call is eth_getLogs over a block range, in the order they came:
   * its first block and width, when it came and when its connection closed (performance.now();
   * undefined while in flight).
   */
  readonly ranges: readonly RangeAsked[];
  /** Replaces the rules; the first rule matching a request's method applies. */
  setFaults(...rules: FaultRule[]): void;
  clearFaults(): void;
  /** Holds every request until resume(), then forwards them. */
  pause(): void;
  resume(): void;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface RangeAsked {
  fromBlock: number;
  width: number;
  askedAt: number;
  closedAt?: number;
}

interface JsonRpcCall {
  id?: unknown;
  method?: string;
  params?: unknown;
}

/** The same hash with every hex digit complemented: always different, and stable. */
export function fakeHash(hash: string): string {
  return `0x${[...hash.slice(2)].map((digit) => (15 - Number.parseInt(digit, 16)).toString(16)).join('')}`;
}

/** The blocks an eth_getLogs call asks for by number; undefined for other calls (or by block hash). */
function logRange(call: JsonRpcCall | undefined): { fromBlock: number; width: number } | undefined {
  if (call?.method !== 'eth_getLogs' || !Array.isArray(call.params)) return undefined;
  const filter = call.params[0] as { fromBlock?: unknown; toBlock?: unknown } | undefined;
  if (typeof filter?.fromBlock !== 'string' || typeof filter.toBlock !== 'string') return undefined;
  const fromBlock = Number.parseInt(filter.fromBlock, 16);
  const width = Number.parseInt(filter.toBlock, 16) - fromBlock + 1;
  return Number.isFinite(width) ? { fromBlock, width } : undefined;
}

const wait = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Requests waiting to go on: each waits until the next letGo(). */
function createHeldRequests(): { wait(): Promise<void>; letGo(): void } {
  let waiting: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    letGo() {
      const going = waiting;
      waiting = [];
      for (const resolve of going) resolve();
    },
  };
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

function forward(target: URL, body: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (answer) => {
        readBody(answer).then(
          (answerBody) => resolve({ status: answer.statusCode ?? 502, body: answerBody }),
          reject,
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function rewriteBlockHashes(body: Buffer): Buffer {
  const parsed = JSON.parse(body.toString()) as { result?: Record<string, unknown> | null };
  const block = parsed.result;
  if (block && typeof block.hash === 'string') block.hash = fakeHash(block.hash);
  if (block && typeof block.parentHash === 'string') block.parentHash = fakeHash(block.parentHash);
  return Buffer.from(JSON.stringify(parsed));
}

function rewriteLogs(
  body: Buffer,
  call: JsonRpcCall | undefined,
  kind: 'omit-last-block-logs' | 'lie-log-block-hash',
): Buffer {
  const parsed = JSON.parse(body.toString()) as {
    result?: { blockNumber: string; blockHash: string }[];
  };
  if (!Array.isArray(parsed.result)) return body;
  if (kind === 'lie-log-block-hash') {
    for (const log of parsed.result) log.blockHash = fakeHash(log.blockHash);
  } else {
    const filter = (call?.params as { toBlock?: string }[] | undefined)?.[0];
    const last = filter?.toBlock === undefined ? NaN : Number.parseInt(filter.toBlock, 16);
    parsed.result = parsed.result.filter((log) => Number.parseInt(log.blockNumber, 16) !== last);
  }
  return Buffer.from(JSON.stringify(parsed));
}

const statusText: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const counts: Record<string, number> = {};
  const received: { method: string; params: unknown }[] = [];
  let rules: FaultRule[] = [];
  let paused = false;
  const heldWhilePaused = createHeldRequests();
  const sockets = new Set<Socket>();
  /** Requests left hanging by a 'hang' fault; ended when the faults change. */
  const hanging = new Set<Socket>();
  let rangesInFlight = 0;
  let rangesInFlightPeak = 0;
  let rangesAbandoned = 0;
  const ranges: RangeAsked[] = [];
  /** Log ranges coming before this are held (refuse-range's holdOthersMs) until let go. */
  let holdRangesUntil = 0;
  const heldRanges = createHeldRequests();
  let heldRangesTimer: NodeJS.Timeout | undefined;
  const letHeldRangesGo = (): void => {
    clearTimeout(heldRangesTimer);
    holdRangesUntil = 0;
    heldRanges.letGo();
  };

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      let calls: JsonRpcCall[] = [];
      try {
        const parsed = JSON.parse(body.toString()) as JsonRpcCall | JsonRpcCall[];
        calls = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        // Forwarded as is; anvil answers the parse error.
      }
      for (const call of calls) {
        const method = call.method ?? '(none)';
        counts[method] = (counts[method] ?? 0) + 1;
        received.push({ method, params: call.params });
      }
      const method = calls[0]?.method;
      const range = logRange(calls[0]);
      const width = range?.width;
      if (range) {
        rangesInFlightPeak = Math.max(rangesInFlightPeak, ++rangesInFlight);
        const asked: RangeAsked = { ...range, askedAt: performance.now() };
        ranges.push(asked);
        outgoing.on('close', () => {
          rangesInFlight--;
          asked.closedAt = performance.now();
          if (!outgoing.writableFinished) rangesAbandoned++;
        });
      }
      if (paused) await heldWhilePaused.wait();
      if (range && performance.now() < holdRangesUntil) {
        await heldRanges.wait();
        if (outgoing.destroyed) return;
      }
      const fault = rules.find(
        (rule) =>
          (!rule.methods || (method !== undefined && rule.methods.includes(method))) &&
          (rule.widerThanBlocks === undefined ||
            (width !== undefined && width > rule.widerThanBlocks)),
      )?.fault;
      const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
        if (outgoing.destroyed) return;
        outgoing.writeHead(status, { 'content-type': 'application/json', ...headers });
        outgoing.end(text);
      };
      /** A JSON-RPC answer to the request's (first) call: its result, or an error. */
      const answerCall = (outcome: { result: unknown } | { error: unknown }) =>
        answer(200, JSON.stringify({ jsonrpc: '2.0', id: calls[0]?.id ?? null, ...outcome }));
      const answerResult = (result: unknown) => answerCall({ result });

      switch (fault?.kind) {
        case 'hang':
          hanging.add(incoming.socket);
          return;
        case 'drop':
          incoming.socket.destroy();
          return;
        case 'status':
          outgoing.writeHead(fault.status, {
            'content-type': 'text/plain',
            ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
          });
          outgoing.end(statusText[fault.status] ?? `HTTP ${fault.status}`);
          return;
        case 'lie-chain-id':
          if (method === 'eth_chainId') return answerResult(`0x${fault.chainId.toString(16)}`);
          break;
        case 'stale-head':
          if (method === 'eth_blockNumber')
            return answerResult(`0x${fault.blockNumber.toString(16)}`);
          break;
        case 'delay':
          await wait(fault.ms);
          break;
        case 'refuse-range':
          if (method !== 'eth_getLogs') break;
          if (fault.holdOthersMs !== undefined) {
            holdRangesUntil = performance.now() + fault.afterMs;
            clearTimeout(heldRangesTimer);
            heldRangesTimer = setTimeout(letHeldRangesGo, fault.afterMs + fault.holdOthersMs);
          }
          await wait(fault.afterMs);
          return answerCall({
            error: { code: -32005, message: 'query returned more than 10000 results' },
          });
      }
      let forwarded: { status: number; body: Buffer };
      try {
        forwarded = await forward(target, body);
      } catch {
        return answer(502, 'Bad Gateway');
      }
      let answerBody = forwarded.body;
      if (fault?.kind === 'lie-block-hash' && method === 'eth_getBlockByNumber')
        answerBody = rewriteBlockHashes(answerBody);
      if (
        (fault?.kind === 'omit-last-block-logs' || fault?.kind === 'lie-log-block-hash') &&
        method === 'eth_getLogs'
      )
        answerBody = rewriteLogs(answerBody, calls[0], fault.kind);
      if (fault?.kind === 'truncate') {
        // Declares the full length, sends half, and closes: the client sees a cut-off body.
        if (outgoing.destroyed) return;
        outgoing.writeHead(forwarded.status, {
          'content-type': 'application/json',
          'content-length': String(answerBody.length),
        });
        outgoing.write(answerBody.subarray(0, Math.floor(answerBody.length / 2)));
        incoming.socket.destroy();
        return;
      }
      answer(forwarded.status, answerBody.toString());
    })().catch(() => incoming.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  // A request left hanging would otherwise time out later, in whatever the test does next, and
  // be counted against the URL there: the fault ends when it is lifted.
  const endHanging = (): void => {
    for (const socket of hanging) socket.destroy();
    hanging.clear();
    // The same for ranges held by a refusal: they go on to the node now.
    letHeldRangesGo();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    calls: received,
    get rangesInFlightPeak() {
      return rangesInFlightPeak;
    },
    get rangesAbandoned() {
      return rangesAbandoned;
    },
    ranges,
    setFaults(...next) {
      endHanging();
      rules = next;
    },
    clearFaults() {
      endHanging();
      rules = [];
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      heldWhilePaused.letGo();
    },
    resetCounts() {
      for (const key of Object.keys(counts)) delete counts[key];
      received.length = 0;
      rangesInFlightPeak = rangesInFlight;
      rangesAbandoned = 0;
      ranges.length = 0;
    },
    close() {
      paused = false;
      heldWhilePaused.letGo();
      endHanging();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
