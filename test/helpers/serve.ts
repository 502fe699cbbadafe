// Runs headless mode (`src-main/serve.ts`) as a real child process and talks to it over its
// JSON-RPC WebSocket, as an operator's script would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** How long a server gets to exit after a signal before it is killed outright. */
export const KILL_GRACE_MS = 10_000;
/** How long a test waits for Vigil's answer before failing with the method's name. */
export const CALL_TIMEOUT_MS = 90_000;

export interface ServeProcess {
  consoleUrl: string;
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
}): Promise<ServeProcess> {
  const args = [
    '--import',
    'tsx',
    'src-main/serve.ts',
    '--data-dir',
    options.dataDir,
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
      const match = /Vigil console: (http:\/\/\S+)/.exec(output);
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
  const token = url.searchParams.get('token')!;
  return {
    consoleUrl,
    wsUrl: `ws://${url.host}/rpc?token=${encodeURIComponent(token)}`,
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

export async function connectRpc(
  wsUrl: string,
  headers: Record<string, string> = {},
): Promise<RpcClient> {
  const socket = new WebSocket(wsUrl, { headers });
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
    received.push(data.toString());
    const message = JSON.parse(data.toString()) as {
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
  return {
    notifications,
    received,
    call<T>(method: string, params?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
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
    },
    close: () => socket.close(),
  };
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
