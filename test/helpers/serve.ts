// Runs headless mode as a real child process and talks to it over its JSON-RPC WebSocket, as an
// operator's script would: the token as a bearer header, never in a query. `wsUrl` carries it in
// the fragment (`ws://…/rpc#token=T`), which connectRpc turns into that header. It runs the built
// output (out/main/serve.js) when out/ holds a build of the current sources, as `npm test` leaves
// it, and the sources through tsx otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { staleBuildReason } from '../../scripts/lib/build-freshness.mjs';
import { asPerson, makePerson, type Person } from './person.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `built`: out/main/serve.js; `sources`: src-main/serve.ts through tsx (seconds slower to start). */
export type ServeSource = 'built' | 'sources';

/**
 * Which headless mode the tests run, and why: VIGIL_SERVE_FROM=built|sources forces one;
 * otherwise the build when it is current.
 */
export function chooseServeSource(): { source: ServeSource; why: string } {
  const forced = process.env['VIGIL_SERVE_FROM'];
  if (forced === 'built') return { source: forced, why: 'built output (VIGIL_SERVE_FROM=built)' };
  if (forced === 'sources')
    return { source: forced, why: 'sources through tsx (VIGIL_SERVE_FROM=sources)' };
  if (forced !== undefined)
    throw new Error(`VIGIL_SERVE_FROM=${forced}: expected built or sources.`);
  const stale = staleBuildReason(repoRoot);
  return stale
    ? { source: 'sources', why: `sources through tsx (${stale}; npm run build to start faster)` }
    : { source: 'built', why: 'built output (out/main/serve.js)' };
}

let chosenSource: ServeSource | undefined;

/**
 * Decided once per test process. vitest's global setup decides for the whole run and says which
 * once (test/helpers/serve-source.setup.ts); a process that decides on its own says so itself, so
 * a slow run can be told apart from one that fell back to the sources.
 */
export function defaultServeSource(): ServeSource {
  if (chosenSource) return chosenSource;
  const { source, why } = chooseServeSource();
  if (process.env['VIGIL_SERVE_FROM'] === undefined) console.log(`headless Vigil: ${why}`);
  chosenSource = source;
  return source;
}

/** Node's arguments that start headless mode from the given source. */
export function serveArgs(source: ServeSource): string[] {
  return source === 'built' ? ['out/main/serve.js'] : ['--import', 'tsx', 'src-main/serve.ts'];
}

/** How long a server gets to exit after a signal before it is killed outright. */
export const KILL_GRACE_MS = 10_000;
/** How long a test waits for Vigil's answer before failing with the method's name. */
export const CALL_TIMEOUT_MS = 90_000;

export interface ServeProcess {
  /** `http://localhost:PORT/#token=T`, as printed. */
  consoleUrl: string;
  /** `ws://localhost:PORT/rpc#token=T`: connectRpc sends the fragment's token as a header. */
  wsUrl: string;
  port: number;
  token: string;
  process: ChildProcess;
  output: () => string;
  /**
   * Sends a signal and waits for the process to end; one still running after `graceMs` (a
   * wedged server) is killed with SIGKILL, and the output says so.
   */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export async function startServe(options: {
  dataDir: string;
  args?: string[];
  port?: number;
  /** Extra environment (test knobs such as VIGIL_CRASH_AT); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  source?: ServeSource;
  /**
   * RPC URLs on this machine (every test's anvil): allowed by flag, as an operator running
   * their own node would start Vigil, unless a test of that guard wants a person asked.
   */
  privateRpc?: 'allowed' | 'ask';
}): Promise<ServeProcess> {
  const args = [
    ...serveArgs(options.source ?? defaultServeSource()),
    '--data-dir',
    options.dataDir,
    ...(options.privateRpc === 'ask' ? [] : ['--allow-private-rpc']),
    ...(options.args ?? []),
  ];
  if (options.port !== undefined) args.push('--port', String(options.port));
  const env = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(options.env ?? {}))
    if (value === undefined) delete env[name];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const consoleUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL in 60 s:\n${output}`)),
      60_000,
    );
    const check = (): void => {
      const match = /Vigil console: (https?:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL:\n${output}`));
    });
  });
  const url = new URL(consoleUrl);
  const token = decodeURIComponent(/^#token=(.+)$/.exec(url.hash)![1]!);
  return {
    consoleUrl,
    wsUrl: `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/rpc#token=${encodeURIComponent(token)}`,
    port: Number(url.port),
    token,
    process: child,
    output: () => output,
    kill: (signal = 'SIGTERM', graceMs = KILL_GRACE_MS) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const fallback = setTimeout(() => {
          output += `\n[test helper] serve did not exit within ${graceMs} ms of ${signal}; sent SIGKILL\n`;
          child.kill('SIGKILL');
        }, graceMs);
        child.once('exit', (code) => {
          clearTimeout(fallback);
          resolve(code);
        });
        child.kill(signal);
      }),
  };
}

export class RpcCallError extends Error {
  constructor(
    message: string,
    readonly jsonRpcCode: number,
    readonly data: {
      code: string;
      message: string;
      field?: string;
      details?: Record<string, unknown>;
    },
  ) {
    super(message);
  }
}

export interface RpcClient {
  /** Fails with the method's name if no answer comes within `timeoutMs` (CALL_TIMEOUT_MS). */
  call<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  notifications: { method: string; params: unknown }[];
  /** Every message the server sent, as received (for leak searches). */
  received: string[];
  close(): void;
}

/** `ws://host/rpc#token=T` → the URL without its fragment and the bearer header for T. */
export function splitWsUrl(wsUrl: string): { url: string; headers: Record<string, string> } {
  const url = new URL(wsUrl);
  const token = /^#token=(.+)$/.exec(url.hash)?.[1];
  url.hash = '';
  return {
    url: url.toString(),
    headers: token ? { authorization: `Bearer ${decodeURIComponent(token)}` } : {},
  };
}

/** The operator of every test in this process, unless a test brings its own person. */
export const defaultPerson = makePerson('operator');

export async function connectRpc(
  wsUrl: string,
  headers: Record<string, string> = {},
  options: {
    rejectUnauthorized?: boolean;
    /**
     * Who answers when a request needs a person (their passkey, enrolled on first need); the
     * process's default operator unless given, nobody with null (a script with the token only).
     */
    person?: Person | null;
  } = {},
): Promise<RpcClient> {
  const target = splitWsUrl(wsUrl);
  const socket = new WebSocket(target.url, {
    headers: { ...target.headers, ...headers },
    ...(options.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: options.rejectUnauthorized }),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`WebSocket refused: HTTP ${response.statusCode}`)),
    );
  });
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: unknown) => void }
  >();
  const notifications: RpcClient['notifications'] = [];
  const received: string[] = [];
  socket.on('message', (data) => {
    const text = data.toString();
    received.push(text);
    const message = JSON.parse(text) as {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { code: number; message: string; data: RpcCallError['data'] };
    };
    if (message.method) {
      notifications.push({ method: message.method, params: message.params });
      return;
    }
    const waiter = pending.get(message.id!);
    pending.delete(message.id!);
    if (!waiter) return;
    if (message.error)
      waiter.reject(
        new RpcCallError(message.error.message, message.error.code, message.error.data),
      );
    else waiter.resolve(message.result);
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('socket closed'));
    pending.clear();
  });
  const bareCall = <T>(
    method: string,
    params?: unknown,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<T> => {
    // A call after the server went away (a kill -9 in a crash test) fails now, not at its timeout.
    if (socket.readyState !== WebSocket.OPEN)
      return Promise.reject(new Error(`${method}: the connection to Vigil is closed`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method} got no answer from Vigil in ${timeoutMs} ms`));
      }, timeoutMs);
      const settle =
        <V>(then: (value: V) => void) =>
        (value: V): void => {
          clearTimeout(timer);
          then(value);
        };
      pending.set(id, {
        resolve: settle(resolve as (value: unknown) => void),
        reject: settle(reject),
      });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  };
  const person = options.person === undefined ? defaultPerson : options.person;
  // Passkeys are scoped to a host name: the page this person would use is on localhost.
  const personal = person
    ? asPerson(bareCall, {
        ...person,
        origin: `${target.url.startsWith('wss') ? 'https' : 'http'}://localhost:${new URL(target.url).port}`,
      })
    : undefined;
  // A call with its own timeout goes straight out: the person steps in only on the default path.
  const call = <T>(method: string, params?: unknown, timeoutMs?: number): Promise<T> =>
    personal && timeoutMs === undefined
      ? personal<T>(method, params)
      : bareCall<T>(method, params, timeoutMs);
  return {
    notifications,
    call,
    received,
    close: () => socket.close(),
  };
}

/** The contract error a call was refused with; fails the test if the call succeeded. */
export async function refusal(work: Promise<unknown>): Promise<RpcCallError['data']> {
  const error = await work.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (error: RpcCallError) => error,
  );
  return (error as RpcCallError).data;
}

/** Polls until check returns a truthy value; fails with the last value after timeoutMs. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
