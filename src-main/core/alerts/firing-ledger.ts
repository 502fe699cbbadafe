// The one place firings change state. A firing is keyed by its rule and subject (an event's
// identity, or an episode), so evaluating the same event again — after a restart, a backfill, a
// replay — finds it and does nothing. Changes gather until flush(), which records them, their
// deliveries and audit entries in one journaled command: a firing is durable before any
// delivery of it is attempted.
import { createHash } from 'node:crypto';
import type { FiringEvent, FiringState } from '../../ipc/contract.ts';
import { auditActions, SYSTEM_ACTOR, type AuditDraft } from '../audit/index.ts';
import type { DeliveryTarget, Store, StoredDelivery, StoredFiring } from '../store/index.ts';
import type { StoredChannel } from './rule-shapes.ts';
import { webhookBody, type DeliveryKind } from './webhook.ts';

/** What the ledger needs to know of a rule to fire it. */
export interface FiringRule {
  id: string;
  name: string;
  kind: string;
  severity: StoredFiring['severity'];
  channels: readonly StoredChannel[];
  cooldownSeconds: number;
}

export interface FireRequest {
  subject: string;
  summary: string;
  chainId: number | null;
  event?: FiringEvent | null;
  measure?: Record<string, unknown> | null;
  /** The event is not yet confirmed on its chain: a reorg may still take it back. */
  tentative?: boolean;
}

export interface FiringLedger {
  /** The firing for this rule and subject, as it stands now (pending changes included). */
  current(ruleId: string, subject: string): StoredFiring | undefined;
  fire(rule: FiringRule, request: FireRequest): StoredFiring | undefined;
  /** The event behind a firing is gone: take the firing back, and say so where it was sent. */
  retract(ruleId: string, subject: string, reason: string): void;
  /** The condition of an episode cleared. */
  resolve(ruleId: string, subject: string, measure: Record<string, unknown>): void;
  /** A tentative firing's event reached its chain's confirmation depth. */
  confirm(ruleId: string, subject: string): void;
  /** Tentative firings and open episodes, for the checks that settle them. */
  live(): StoredFiring[];
  /** Adds to a firing's record (what its proposal became …); nothing is delivered for it. */
  annotate(ruleId: string, subject: string, measure: Record<string, unknown>): void;
  /**
   * Records what changed; returns the changed firings, those among them that were just fired
   * (notified, not suppressed), and the new deliveries.
   */
  flush(): { firings: StoredFiring[]; fired: StoredFiring[]; deliveries: StoredDelivery[] };
  readonly hasPending: boolean;
}

export interface FiringLedgerDependencies {
  store: Store;
  now: () => number;
}

const tentativeKey = (ruleId: string, subject: string): string => `${ruleId}\n${subject}`;

export function firingId(ruleId: string, subject: string): string {
  return `f${createHash('sha256').update(`${ruleId}\n${subject}`).digest('hex').slice(0, 23)}`;
}

/** Stable per firing, kind (and revision, when a retracted event came back) and channel. */
export function deliveryId(
  firing: Pick<StoredFiring, 'id' | 'revision'>,
  kind: DeliveryKind,
  target: DeliveryTarget,
): string {
  const channel =
    target.type === 'desktop'
      ? 'desktop'
      : `w${createHash('sha256').update(target.url).digest('hex').slice(0, 10)}`;
  return `${firing.id}.${kind}${firing.revision > 1 ? `.r${firing.revision}` : ''}.${channel}`;
}

export function deliveryTargets(channels: readonly StoredChannel[]): DeliveryTarget[] {
  return channels.flatMap((channel): DeliveryTarget[] => {
    if (channel.type === 'desktop') return [{ type: 'desktop' }];
    if (channel.type === 'webhook')
      return [
        { type: 'webhook', url: channel.url, format: channel.format, secret: channel.secret },
      ];
    return [];
  });
}

export function channelLabel(target: DeliveryTarget): string {
  return target.type === 'desktop' ? 'desktop' : `webhook ${target.url}`;
}

export function createFiringLedger(deps: FiringLedgerDependencies): FiringLedger {
  const { store, now } = deps;
  const changed = new Map<string, StoredFiring>();
  const deliveries: StoredDelivery[] = [];
  const audit: AuditDraft[] = [];
  const lastNotifiedAt = new Map<string, number>();
  const justFired = new Set<string>();
  // Every confirmed row asks whether a tentative firing waits for it; answered from memory.
  const tentative = new Set<string>(
    store.alerts
      .liveFirings()
      .filter((firing) => firing.state === 'tentative')
      .map((firing) => tentativeKey(firing.ruleId, firing.subject)),
  );
  const track = (firing: StoredFiring): void => {
    const key = tentativeKey(firing.ruleId, firing.subject);
    if (firing.state === 'tentative') tentative.add(key);
    else tentative.delete(key);
  };
  for (const [ruleId, stats] of store.alerts.ruleFiringStats())
    if (stats.lastNotifiedAt !== null) lastNotifiedAt.set(ruleId, stats.lastNotifiedAt);

  /** When the last firing was made (see fire). */
  let lastFiredAt = -Infinity;

  const lookup = (id: string): StoredFiring | undefined =>
    changed.get(id) ?? store.alerts.findFiring(id);

  function addDeliveries(
    firing: StoredFiring,
    kind: DeliveryKind,
    targets: DeliveryTarget[],
  ): void {
    const at = now();
    for (const target of targets) {
      const id = deliveryId(firing, kind, target);
      deliveries.push({
        id,
        firingId: firing.id,
        ruleId: firing.ruleId,
        ruleName: firing.ruleName,
        kind,
        channel: channelLabel(target),
        target,
        body: webhookBody(target.type === 'webhook' ? target.format : 'json', id, kind, firing),
        status: 'pending',
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
      });
    }
  }

  /** Where a firing's notification went, so its retraction or resolution goes there too. */
  function targetsOf(firing: StoredFiring): DeliveryTarget[] {
    const sent = [
      ...store.alerts.listDeliveries({ firingId: firing.id, limit: 100 }),
      ...deliveries.filter((delivery) => delivery.firingId === firing.id),
    ].filter((delivery) => delivery.kind === 'fired');
    const seen = new Set<string>();
    return sent
      .map((delivery) => delivery.target)
      .filter((target) => {
        const key = channelLabel(target);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }

  function change(
    firing: StoredFiring,
    state: FiringState,
    extra: Partial<StoredFiring> = {},
  ): StoredFiring {
    const next = { ...firing, ...extra, state, updatedAt: now() };
    changed.set(next.id, next);
    track(next);
    return next;
  }

  const draft = (
    action: AuditDraft['action'],
    firing: StoredFiring,
    details: Record<string, unknown>,
  ): AuditDraft => ({
    actor: SYSTEM_ACTOR,
    action,
    subject: `firing:${firing.id}`,
    details: { rule: firing.ruleId, subject: firing.subject, ...details },
  });

  return {
    current: (ruleId, subject) => lookup(firingId(ruleId, subject)),

    fire(rule, request) {
      const id = firingId(rule.id, request.subject);
      const existing = lookup(id);
      // Exactly once: a firing that stands is never fired again for the same subject.
      if (existing && existing.state !== 'retracted') return undefined;
      // Firings made in one go (the rows of several blocks stored at once) would share a
      // millisecond, and the list orders by time, then by id (a hash): each is a millisecond
      // after the one before, so the list keeps the order they fired in, the chain's.
      const at = Math.max(now(), lastFiredAt + 1);
      lastFiredAt = at;
      const cooling =
        rule.cooldownSeconds > 0 &&
        (lastNotifiedAt.get(rule.id) ?? -Infinity) + rule.cooldownSeconds * 1000 > at;
      const state: FiringState = cooling ? 'suppressed' : request.tentative ? 'tentative' : 'fired';
      const firing: StoredFiring = {
        id,
        ruleId: rule.id,
        ruleName: rule.name,
        kind: rule.kind,
        severity: rule.severity,
        subject: request.subject,
        state,
        // An event a reorg removed and a later reorg brought back fires again, as a new revision
        // (with new delivery ids, so a receiver that saw the first does not drop the second).
        revision: existing ? existing.revision + 1 : 1,
        summary: request.summary,
        chainId: request.chainId,
        event: request.event ?? null,
        measure: request.measure ?? null,
        inApp: rule.channels.some((channel) => channel.type === 'in-app'),
        firedAt: at,
        updatedAt: at,
        endedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        snoozedUntil: null,
      };
      changed.set(id, firing);
      track(firing);
      if (cooling) {
        // Suppressed, not lost: recorded with its reason, visible in the history and the audit log.
        audit.push(
          draft(auditActions.alertSuppressed, firing, {
            summary: firing.summary,
            cooldownSeconds: rule.cooldownSeconds,
            lastNotifiedAt: lastNotifiedAt.get(rule.id),
          }),
        );
        return firing;
      }
      lastNotifiedAt.set(rule.id, at);
      justFired.add(id);
      addDeliveries(firing, 'fired', deliveryTargets(rule.channels));
      audit.push(
        draft(auditActions.alertFired, firing, {
          summary: firing.summary,
          severity: firing.severity,
          state,
          revision: firing.revision,
          ...(firing.event
            ? {
                chainId: firing.event.chainId,
                blockNumber: firing.event.blockNumber,
                blockHash: firing.event.blockHash,
                logIndex: firing.event.logIndex,
                transactionHash: firing.event.transactionHash,
              }
            : {}),
          ...(firing.measure ? { measure: firing.measure } : {}),
        }),
      );
      return firing;
    },

    retract(ruleId, subject, reason) {
      const firing = lookup(firingId(ruleId, subject));
      if (!firing || firing.state === 'retracted' || firing.state === 'resolved') return;
      const notified = firing.state !== 'suppressed';
      const next = change(firing, 'retracted', { endedAt: now() });
      if (notified) addDeliveries(next, 'retracted', targetsOf(firing));
      audit.push(
        draft(auditActions.alertRetracted, next, { reason, notified, revision: next.revision }),
      );
    },

    resolve(ruleId, subject, measure) {
      const firing = lookup(firingId(ruleId, subject));
      if (!firing || firing.endedAt !== null) return;
      if (firing.state === 'suppressed') {
        change(firing, 'suppressed', { endedAt: now() });
        return;
      }
      const next = change(firing, 'resolved', {
        endedAt: now(),
        measure: { ...firing.measure, ...measure },
      });
      addDeliveries(next, 'resolved', targetsOf(firing));
      audit.push(draft(auditActions.alertResolved, next, { measure }));
    },

    confirm(ruleId, subject) {
      if (!tentative.has(tentativeKey(ruleId, subject))) return;
      const firing = lookup(firingId(ruleId, subject));
      if (firing?.state === 'tentative') change(firing, 'fired');
    },

    live() {
      const byId = new Map(store.alerts.liveFirings().map((firing) => [firing.id, firing]));
      for (const firing of changed.values()) byId.set(firing.id, firing);
      return [...byId.values()].filter(
        (firing) =>
          firing.state === 'tentative' ||
          (firing.subject.startsWith('episode:') &&
            firing.endedAt === null &&
            (firing.state === 'fired' || firing.state === 'suppressed')),
      );
    },

    annotate(ruleId, subject, measure) {
      const firing = lookup(firingId(ruleId, subject));
      if (firing) change(firing, firing.state, { measure: { ...firing.measure, ...measure } });
    },

    flush() {
      if (changed.size === 0) return { firings: [], fired: [], deliveries: [] };
      const firings = [...changed.values()];
      // Cleared only once recorded: if the journal refuses, the changes stay for the next flush.
      store.execute({ type: 'alert.firing.record', firings, deliveries: [...deliveries] }, [
        ...audit,
      ]);
      changed.clear();
      audit.length = 0;
      const fired = firings.filter((firing) => justFired.delete(firing.id));
      return { firings, fired, deliveries: deliveries.splice(0) };
    },

    get hasPending() {
      return changed.size > 0;
    },
  };
}
