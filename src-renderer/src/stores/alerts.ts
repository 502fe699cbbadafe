// Alert rules, the firing feed and the delivery log. Loaded on connect; alerts.changed carries
// changed firings and the unacknowledged count, and says when rules or deliveries changed so
// those lists are read again.
import { create } from 'zustand';
import type { AlertDelivery, AlertFiring, AlertRule, PushPayload } from '@contract';
import { callOrThrow } from '../client/index.ts';

/** How many firings the feed keeps in memory; older ones stay in the store. */
const FEED_LIMIT = 500;

interface AlertsStore {
  rules: AlertRule[];
  firings: AlertFiring[];
  deliveries: AlertDelivery[];
  unacknowledged: number;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  loadRules: () => Promise<void>;
  loadDeliveries: () => Promise<void>;
  applyChange: (payload: PushPayload<'alerts.changed'>) => void;
  /** Puts firings the server answered with into the feed. */
  mergeFirings: (firings: AlertFiring[]) => void;
}

function newestFirst(a: AlertFiring, b: AlertFiring): number {
  return b.firedAt - a.firedAt || (a.id < b.id ? 1 : -1);
}

export const useAlerts = create<AlertsStore>((set, get) => ({
  rules: [],
  firings: [],
  deliveries: [],
  unacknowledged: 0,
  loaded: false,
  error: null,
  load: async () => {
    try {
      const [rules, feed, deliveries] = await Promise.all([
        callOrThrow('alerts.rules.list', {}),
        callOrThrow('alerts.firings.list', { limit: 200 }),
        callOrThrow('alerts.deliveries.list', { limit: 200 }),
      ]);
      set({
        rules: rules.rules,
        firings: feed.firings,
        unacknowledged: feed.unacknowledged,
        deliveries: deliveries.deliveries,
        loaded: true,
        error: null,
      });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  loadRules: async () => {
    try {
      set({ rules: (await callOrThrow('alerts.rules.list', {})).rules });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  loadDeliveries: async () => {
    try {
      set({ deliveries: (await callOrThrow('alerts.deliveries.list', { limit: 200 })).deliveries });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  applyChange: (payload) => {
    get().mergeFirings(payload.firings);
    set({ unacknowledged: payload.unacknowledged });
    if (payload.rulesChanged || payload.firings.length > 0) void get().loadRules();
    if (payload.deliveriesChanged) void get().loadDeliveries();
  },
  mergeFirings: (changed) => {
    if (changed.length === 0) return;
    const byId = new Map(get().firings.map((firing) => [firing.id, firing]));
    for (const firing of changed) byId.set(firing.id, firing);
    set({ firings: [...byId.values()].sort(newestFirst).slice(0, FEED_LIMIT) });
  },
}));

/** In the feed's "needs a human" list: in-app, standing, not acknowledged, not snoozed now. */
export function needsAttention(firing: AlertFiring, now: number): boolean {
  return (
    firing.inApp &&
    (firing.state === 'tentative' || firing.state === 'fired') &&
    firing.acknowledgedAt === null &&
    (firing.snoozedUntil === null || firing.snoozedUntil <= now)
  );
}
