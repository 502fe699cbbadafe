// Sends deliveries: webhooks (signed, retried with exponential backoff) and desktop notifications
// (a push the Electron shell shows). Every attempt is journaled with its outcome, so the delivery
// log shows it and a restart resumes what was pending. An attempt cut short by a crash is sent
// again with the same delivery id: a receiver may see one id twice, never two ids for one
// notification.
import type { Logger } from '../ports/index.ts';
import type { PushPayload } from '../../ipc/contract.ts';
import { auditActions, SYSTEM_ACTOR } from '../audit/index.ts';
import type { DeliveryAttempt, Store, StoredDelivery } from '../store/index.ts';
import { notificationTitle, webhookHeaders } from './webhook.ts';

export interface HttpResponse {
  status: number;
}

/** POSTs a body; resolves with any HTTP answer, rejects when there is none (refused, timed out). */
export type HttpPost = (
  url: string,
  request: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<HttpResponse>;

export const fetchHttpPost: HttpPost = async (url, request) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: 'error',
  });
  // Only the status is kept: the body of an answer is the receiver's, not for the delivery log
  // (it could be anything an internal service says back).
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status };
};

export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** After this many failed attempts the delivery is marked failed (and stays in the log). */
  maxAttempts: number;
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxAttempts: 12,
  timeoutMs: 10_000,
};

export interface DeliveryQueueDependencies {
  store: Store;
  log: Logger;
  now: () => number;
  http: HttpPost;
  /** A webhook secret as stored (a keychain reference) turned into the secret. */
  revealSecret: (stored: string) => Promise<string>;
  notify: (notification: PushPayload<'alerts.notification'>) => void;
  /** The delivery log changed. */
  changed: () => void;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
}

export interface DeliveryQueue {
  /** Loads the deliveries still pending from the store and starts sending. */
  start(): void;
  /** New deliveries, already recorded in the store. */
  enqueue(deliveries: readonly StoredDelivery[]): void;
  /** Stops; attempts in flight are abandoned unrecorded and sent again after the next start. */
  close(): void;
}

interface Queued {
  delivery: StoredDelivery;
  attemptsMade: number;
  dueAt: number;
}

export function delayBeforeAttempt(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 2));
}

export function createDeliveryQueue(deps: DeliveryQueueDependencies): DeliveryQueue {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...deps.retry };
  const concurrency = deps.concurrency ?? 4;
  const queued = new Map<string, Queued>();
  const inFlight = new Set<string>();
  const closing = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function pump(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = deps.now();
    let nextDue = Infinity;
    for (const entry of queued.values()) {
      if (inFlight.has(entry.delivery.id)) continue;
      if (entry.dueAt > now) {
        nextDue = Math.min(nextDue, entry.dueAt);
        continue;
      }
      if (inFlight.size >= concurrency) break;
      inFlight.add(entry.delivery.id);
      void attempt(entry).finally(() => {
        inFlight.delete(entry.delivery.id);
        pump();
      });
    }
    if (nextDue !== Infinity) timer = setTimeout(pump, Math.max(0, nextDue - now));
  }

  async function send(delivery: StoredDelivery): Promise<Omit<DeliveryAttempt, 'attempt' | 'at'>> {
    const started = performance.now();
    const target = delivery.target;
    if (target.type === 'desktop') {
      const firing = deps.store.alerts.findFiring(delivery.firingId);
      deps.notify({
        deliveryId: delivery.id,
        firingId: delivery.firingId,
        kind: delivery.kind,
        severity: firing?.severity ?? 'warning',
        title: firing ? notificationTitle(firing, delivery.kind) : delivery.ruleName,
        body: firing?.summary ?? '',
      });
      return { ok: true, statusCode: null, error: null, durationMs: 0 };
    }
    let secret: string;
    try {
      secret = await deps.revealSecret(target.secret);
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        error: `not sent: the webhook's secret could not be read (${(error as Error).message})`,
        durationMs: 0,
      };
    }
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(policy.timeoutMs)]);
    const headers = webhookHeaders(
      delivery.id,
      delivery.kind,
      secret,
      delivery.body,
      Math.floor(deps.now() / 1000),
    );
    try {
      const response = await deps.http(target.url, { headers, body: delivery.body, signal });
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        statusCode: response.status,
        error: ok ? null : `HTTP ${response.status}`,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return {
        ok: false,
        statusCode: null,
        error:
          signal.aborted && !closing.signal.aborted
            ? `no answer within ${policy.timeoutMs} ms`
            : `${(error as Error).message}${cause ? ` (${cause})` : ''}`,
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  async function attempt(entry: Queued): Promise<void> {
    const { delivery } = entry;
    const number = entry.attemptsMade + 1;
    const at = deps.now();
    const outcome = await send(delivery);
    // Closing aborted it: nothing is recorded, and it is sent again after the next start.
    if (closed) return;
    const giveUp = !outcome.ok && number >= policy.maxAttempts;
    const status: StoredDelivery['status'] = outcome.ok
      ? 'delivered'
      : giveUp
        ? 'failed'
        : 'pending';
    const nextAttemptAt =
      status === 'pending' ? deps.now() + delayBeforeAttempt(policy, number + 1) : null;
    try {
      deps.store.execute(
        {
          type: 'alert.delivery.attempt',
          deliveryId: delivery.id,
          attempt: { attempt: number, at, ...outcome },
          status,
          nextAttemptAt,
        },
        outcome.ok
          ? [
              {
                actor: SYSTEM_ACTOR,
                action: auditActions.alertDelivered,
                subject: `firing:${delivery.firingId}`,
                details: {
                  deliveryId: delivery.id,
                  kind: delivery.kind,
                  channel: delivery.channel,
                  attempt: number,
                },
              },
            ]
          : [],
      );
    } catch (error) {
      deps.log.error(
        `Could not record attempt ${number} of delivery ${delivery.id}: ${(error as Error).message}`,
      );
      entry.dueAt = deps.now() + policy.firstDelayMs;
      return;
    }
    if (status === 'pending') {
      entry.attemptsMade = number;
      entry.dueAt = nextAttemptAt!;
    } else {
      queued.delete(delivery.id);
      if (giveUp)
        deps.log.warn(
          `Gave up on delivery ${delivery.id} (${delivery.channel}) after ${number} attempts: ${outcome.error}.`,
        );
    }
    deps.changed();
  }

  return {
    start() {
      const pending = deps.store.alerts.listDeliveries({ status: 'pending', limit: 100_000 });
      // Oldest first, as they were created.
      for (const delivery of pending.reverse()) {
        queued.set(delivery.id, {
          delivery,
          attemptsMade: delivery.attempts.reduce(
            (most, attempt) => Math.max(most, attempt.attempt),
            0,
          ),
          dueAt: delivery.nextAttemptAt ?? deps.now(),
        });
      }
      pump();
    },
    enqueue(deliveries) {
      for (const delivery of deliveries)
        if (!queued.has(delivery.id))
          queued.set(delivery.id, {
            delivery,
            attemptsMade: 0,
            dueAt: delivery.nextAttemptAt ?? deps.now(),
          });
      pump();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      closing.abort();
    },
  };
}
