// A real HTTP webhook receiver on loopback, as an operator's service would be: it checks each
// request's HMAC signature and timestamp, can refuse the first attempts of every delivery (to
// exercise retries), can hold answers back (to leave a delivery in flight), and records what
// arrived. The signature is checked with node:crypto exactly as the README describes it, not
// with Vigil's own signing code: a change to how Vigil signs must fail here as it would fail
// for every operator's receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The README's words: `X-Vigil-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with
 * the channel's secret>`, where the timestamp is the `X-Vigil-Timestamp` header as sent.
 */
export function readmeSignatureHolds(
  secret: string,
  timestampHeader: string,
  body: string,
  signatureHeader: string,
): boolean {
  const mac = createHmac('sha256', secret).update(`${timestampHeader}.${body}`).digest('hex');
  const expected = Buffer.from(`sha256=${mac}`, 'utf8');
  const given = Buffer.from(signatureHeader, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface ReceivedWebhook {
  deliveryId: string;
  event: string;
  timestamp: number;
  signatureValid: boolean;
  body: string;
  json: {
    deliveryId?: string;
    kind?: string;
    firing?: { id: string; ruleId: string; state: string; subject: string; summary: string };
  } & Record<string, unknown>;
  /** How this request was answered. */
  answered: number;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, including refused ones. */
  requests: ReceivedWebhook[];
  /** Requests that were answered 2xx. */
  accepted(): ReceivedWebhook[];
  /** Called with each request as it arrives (before it is answered). */
  onRequest(listener: (request: ReceivedWebhook) => void): void;
  /** Distinct delivery ids accepted. */
  deliveryIds(): string[];
  /** Checks signatures with another secret from now on (one Vigil generated). */
  setSecret(secret: string): void;
  /** Refuse (HTTP 503) the first `count` attempts of each delivery id. */
  failFirst(count: number): void;
  /** Answer nothing until release() (the request stays open). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(initialSecret: string): Promise<WebhookReceiver> {
  let secret = initialSecret;
  const requests: ReceivedWebhook[] = [];
  const attemptsById = new Map<string, number>();
  let failFirst = 0;
  let holding = false;
  const held: (() => void)[] = [];
  const listeners: ((request: ReceivedWebhook) => void)[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string): string => String(request.headers[name.toLowerCase()] ?? '');
    const deliveryId = header('X-Vigil-Delivery');
    const timestamp = Number(header('X-Vigil-Timestamp'));
    const signatureValid =
      /^\d+$/.test(header('X-Vigil-Timestamp')) &&
      readmeSignatureHolds(
        secret,
        header('X-Vigil-Timestamp'),
        body,
        header('X-Vigil-Signature'),
      ) &&
      // A receiver should refuse stale timestamps (replays); five minutes is the usual window.
      Math.abs(Date.now() / 1000 - timestamp) < 300;
    const attempt = (attemptsById.get(deliveryId) ?? 0) + 1;
    attemptsById.set(deliveryId, attempt);
    let json: ReceivedWebhook['json'] = {};
    try {
      json = JSON.parse(body) as ReceivedWebhook['json'];
    } catch {
      // recorded as is
    }
    const status = !signatureValid ? 401 : attempt <= failFirst ? 503 : 200;
    const record: ReceivedWebhook = {
      deliveryId,
      event: header('X-Vigil-Event'),
      timestamp,
      signatureValid,
      body,
      json,
      answered: status,
      receivedAt: Date.now(),
    };
    requests.push(record);
    for (const listener of listeners) listener(record);
    const answer = (): void => {
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status === 200 ? 'ok' : status === 401 ? 'bad signature' : 'try later');
    };
    if (holding) held.push(answer);
    else answer();
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/vigil`,
    requests,
    accepted: () => requests.filter((request) => request.answered === 200),
    deliveryIds: () => [
      ...new Set(requests.filter((r) => r.answered === 200).map((r) => r.deliveryId)),
    ],
    onRequest(listener) {
      listeners.push(listener);
    },
    setSecret(value) {
      secret = value;
    },
    failFirst(count) {
      failFirst = count;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const answer of held.splice(0)) answer();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
