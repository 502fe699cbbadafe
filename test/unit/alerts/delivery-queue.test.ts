// The delivery queue against a real store on disk and a scripted HTTP endpoint: attempts are
// journaled with their outcome, retried with growing delays, given up after the policy's limit,
// and resumed by a queue started on the reopened store.
import { describe, expect, it } from 'vitest';
import {
  createDeliveryQueue,
  delayBeforeAttempt,
  defaultRetryPolicy,
  type HttpPost,
} from '../../../src-main/core/alerts/delivery-queue.ts';
import type { Store, StoredDelivery, StoredFiring } from '../../../src-main/core/store/index.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { waitFor } from '../../helpers/serve.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

const sandbox = useStoreSandbox();

const firing: StoredFiring = {
  id: 'f1',
  ruleId: 'r',
  ruleName: 'Rule',
  kind: 'event',
  severity: 'warning',
  subject: 'event:1:0xb:0',
  state: 'fired',
  revision: 1,
  summary: 'something happened',
  chainId: 1,
  event: null,
  measure: null,
  inApp: true,
  firedAt: 1,
  updatedAt: 1,
  endedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  snoozedUntil: null,
};

function recordDelivery(store: Store, id: string): StoredDelivery {
  const delivery: StoredDelivery = {
    id,
    firingId: 'f1',
    ruleId: 'r',
    ruleName: 'Rule',
    kind: 'fired',
    channel: 'webhook http://127.0.0.1:9/hook',
    target: {
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      format: 'json',
      secret: 's'.repeat(16),
    },
    body: '{"deliveryId":"x"}',
    status: 'pending',
    nextAttemptAt: Date.now(),
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
  store.execute({ type: 'alert.firing.record', firings: [firing], deliveries: [delivery] });
  return delivery;
}

describe('delivery queue', () => {
  it('waits 1, 2, 4 … seconds between attempts, up to ten minutes', () => {
    expect(
      [2, 3, 4, 5, 11, 30].map((attempt) => delayBeforeAttempt(defaultRetryPolicy, attempt)),
    ).toEqual([1_000, 2_000, 4_000, 8_000, 512_000, 600_000]);
  });

  it('journals every attempt and gives up after the last, keeping the delivery in the log', async () => {
    const dir = sandbox.freshDir();
    const store = await sandbox.open(dir);
    const delivery = recordDelivery(store, 'd1');
    const seen: string[] = [];
    const http: HttpPost = async (_url, request) => {
      seen.push(request.headers['X-Vigil-Delivery']!);
      // What the receiver says back is not kept: only its status.
      return { status: 500 };
    };
    const queue = createDeliveryQueue({
      revealSecret: (stored) => Promise.resolve(stored),
      store,
      log: makeLogger(),
      now: Date.now,
      http,
      notify: () => undefined,
      changed: () => undefined,
      retry: { firstDelayMs: 20, maxAttempts: 3 },
    });
    queue.start();
    queue.enqueue([delivery]);
    await waitFor(
      () => store.alerts.listDeliveries({ limit: 10 })[0]!.status === 'failed',
      10_000,
      20,
    );
    queue.close();
    const [logged] = store.alerts.listDeliveries({ limit: 10 });
    expect(
      logged!.attempts.map((attempt) => [
        attempt.attempt,
        attempt.ok,
        attempt.statusCode,
        attempt.error,
      ]),
    ).toEqual([
      [1, false, 500, 'HTTP 500'],
      [2, false, 500, 'HTTP 500'],
      [3, false, 500, 'HTTP 500'],
    ]);
    expect(seen).toEqual(['d1', 'd1', 'd1']);
  });

  it('resumes a pending delivery on a reopened store, counting the attempts already made', async () => {
    const dir = sandbox.freshDir();
    let store = await sandbox.open(dir);
    recordDelivery(store, 'd2');
    let answer = 503;
    const http: HttpPost = async () => ({ status: answer });
    const options = {
      log: makeLogger(),
      now: Date.now,
      http,
      notify: () => undefined,
      changed: () => undefined,
    };
    let queue = createDeliveryQueue({
      revealSecret: (stored) => Promise.resolve(stored),
      ...options,
      store,
      retry: { firstDelayMs: 60_000 },
    });
    queue.start();
    await waitFor(
      () => store.alerts.listDeliveries({ limit: 1 })[0]!.attempts.length === 1,
      5_000,
      20,
    );
    queue.close();
    sandbox.crash(store);
    store = await sandbox.open(dir);
    answer = 200;
    // The retry was due in a minute; the reopened queue keeps that time, so move it up.
    store.execute({
      type: 'alert.delivery.attempt',
      deliveryId: 'd2',
      attempt: {
        attempt: 1,
        at: Date.now(),
        ok: false,
        statusCode: 503,
        error: 'HTTP 503',
        durationMs: 1,
      },
      status: 'pending',
      nextAttemptAt: Date.now(),
    });
    queue = createDeliveryQueue({
      revealSecret: (stored) => Promise.resolve(stored),
      ...options,
      store,
    });
    queue.start();
    await waitFor(
      () => store.alerts.listDeliveries({ limit: 1 })[0]!.status === 'delivered',
      5_000,
      20,
    );
    queue.close();
    expect(
      store.alerts.listDeliveries({ limit: 1 })[0]!.attempts.map((attempt) => attempt.attempt),
    ).toEqual([1, 2]);
    expect(
      store
        .listAudit({ action: 'alert.delivered', limit: 10 })
        .map((entry) => entry.details['attempt']),
    ).toEqual([2]);
  });
});
