// Headless mode: the contract spoken as JSON-RPC 2.0 over one WebSocket to the serve process.
// Requests become {method: <request name>, params: <input>}; pushes arrive as notifications.
import type {
  ContractError,
  Envelope,
  PushName,
  PushPayload,
  RequestInput,
  RequestName,
  RequestOutput,
  VigilApi,
} from '@contract';
import { useConnection } from './connection.ts';
import { validatePushInDev } from './validate-push.ts';

/** Close codes a server may use to say the token was refused (4401 mirrors HTTP 401). */
const BAD_TOKEN_CLOSE_CODES = new Set([4001, 4401, 4403, 1008]);
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;

interface JsonRpcResponse {
  jsonrpc: '2.0';
  id?: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  method?: string;
  params?: unknown;
}

interface PendingCall {
  id: number;
  message: string;
  resolve: (envelope: Envelope<unknown>) => void;
}

/**
 * The token comes in the fragment of the URL printed by `npm run serve` (`/#token=…`, optionally
 * followed by a route: `/#token=…#/drift`). A fragment is never sent to a server, so it stays out
 * of logs and Referer. It is taken off the address bar at once and kept nowhere in the page.
 */
export function takeFragmentToken(): string | null {
  const match = /^#token=([^#&]*)(.*)$/.exec(window.location.hash);
  if (!match) return null;
  const rest = match[2]!.replace(/^&/, '#');
  window.history.replaceState(null, '', window.location.pathname + window.location.search + rest);
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * Trades the token for the server's session cookie (HttpOnly, SameSite=Strict): the page's
 * scripts cannot read it back, and the browser sends it with the WebSocket and downloads.
 */
async function exchangeToken(token: string): Promise<'ok' | 'refused' | 'down'> {
  try {
    const response = await fetch('/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
      credentials: 'same-origin',
    });
    return response.ok
      ? 'ok'
      : response.status === 401 || response.status === 403
        ? 'refused'
        : 'down';
  } catch {
    return 'down';
  }
}

export function createWebSocketTransport(fragmentToken: string | null): VigilApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const inFlight = new Map<number, PendingCall>();
  /** Calls made while the socket is not open wait here and are sent on (re)connect. */
  const queued: PendingCall[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let backoffMs = BACKOFF_START_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let opened = false;
  let refusedWhileReachable = 0;

  const setConnection = useConnection.setState;

  /** A token from the address bar, until exchanged; held in memory only. */
  let unexchangedToken = fragmentToken;

  function connect(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    setConnection({ state: 'connecting', detail: null, retryAt: null });
    if (!unexchangedToken) return openSocket();
    // Without a token the session cookie from an earlier visit may still hold.
    void exchangeToken(unexchangedToken).then((result) => {
      if (result === 'refused') return markBadToken('The server refused the token.');
      if (result === 'down') return scheduleRetry();
      unexchangedToken = null;
      openSocket();
    });
  }

  function openSocket(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}/rpc`;
    opened = false;
    const ws = new WebSocket(url);
    socket = ws;

    ws.onopen = () => {
      opened = true;
      refusedWhileReachable = 0;
      backoffMs = BACKOFF_START_MS;
      setConnection((s) => ({
        state: 'open',
        detail: null,
        retryAt: null,
        sessionCount: s.sessionCount + 1,
      }));
      for (const call of queued.splice(0)) send(call);
    };
    ws.onmessage = (event) => onMessage(String(event.data));
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      failInFlight('The connection to Vigil was lost before it answered.');
      if (BAD_TOKEN_CLOSE_CODES.has(event.code))
        return markBadToken(event.reason || 'The server refused the token.');
      if (opened) scheduleRetry();
      else void explainFailedConnect();
    };
  }

  /**
   * A refused upgrade (wrong token, or a restarted server that printed a new one) looks like any
   * other failed connect to the browser. So ask over plain HTTP: a 401/403 says so outright; a
   * server that serves pages but twice refuses the socket is taken to refuse the token.
   */
  async function explainFailedConnect(): Promise<void> {
    const probe = await probeServer();
    if (probe === 'refused') return markBadToken('The server refused the token.');
    if (probe === 'reachable' && ++refusedWhileReachable >= 2) {
      return markBadToken(
        'The server is up but refuses the connection: the token is wrong or out of date (a restarted server prints a new one).',
      );
    }
    scheduleRetry();
  }

  function markBadToken(detail: string): void {
    setConnection({ state: 'bad-token', detail, retryAt: null });
  }

  function scheduleRetry(): void {
    const delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
    setConnection({ state: 'disconnected', retryAt: Date.now() + delay });
    retryTimer = setTimeout(connect, delay);
  }

  function send(call: PendingCall): void {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      queued.push(call);
      return;
    }
    inFlight.set(call.id, call);
    socket.send(call.message);
  }

  function failInFlight(message: string): void {
    for (const call of inFlight.values())
      call.resolve({ ok: false, error: { code: 'INTERNAL', message } });
    inFlight.clear();
  }

  function onMessage(text: string): void {
    let message: JsonRpcResponse;
    try {
      message = JSON.parse(text) as JsonRpcResponse;
    } catch {
      console.warn('vigil: ignoring a message that is not JSON', text.slice(0, 200));
      return;
    }
    if (message.method && message.id === undefined) {
      const name = message.method as PushName;
      validatePushInDev(name, message.params);
      for (const listener of listeners.get(name) ?? []) listener(message.params);
      return;
    }
    if (typeof message.id !== 'number') return;
    const call = inFlight.get(message.id);
    if (!call) return;
    inFlight.delete(message.id);
    if (message.error) call.resolve({ ok: false, error: toContractError(message.error) });
    else call.resolve({ ok: true, value: message.result });
  }

  connect();
  useConnection.setState({ retryNow: () => (socket ? undefined : connect()) });

  return {
    call<N extends RequestName>(
      name: N,
      input: RequestInput<N>,
    ): Promise<Envelope<RequestOutput<N>>> {
      return new Promise((resolve) => {
        const id = nextId++;
        const message = JSON.stringify({ jsonrpc: '2.0', id, method: name, params: input ?? {} });
        send({ id, message, resolve: resolve as PendingCall['resolve'] });
      });
    },
    subscribe<N extends PushName>(
      name: N,
      listener: (payload: PushPayload<N>) => void,
    ): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
  };
}

/** The server puts the ContractError in error.data; anything else still becomes one. */
function toContractError(error: { code: number; message: string; data?: unknown }): ContractError {
  const data = error.data as Partial<ContractError> | undefined;
  if (
    data &&
    typeof data === 'object' &&
    typeof data.code === 'string' &&
    typeof data.message === 'string'
  ) {
    return data as ContractError;
  }
  const code =
    error.code === -32601 ? 'UNKNOWN_METHOD' : error.code === -32602 ? 'INVALID_INPUT' : 'INTERNAL';
  return { code, message: error.message };
}

/** What plain HTTP says about the server and the session: refused (401/403), reachable, or down. */
async function probeServer(): Promise<'refused' | 'reachable' | 'down'> {
  try {
    const response = await fetch('/rpc', { cache: 'no-store', credentials: 'same-origin' });
    return response.status === 401 || response.status === 403 ? 'refused' : 'reachable';
  } catch {
    return 'down';
  }
}
