// Automation: the switch's state (shown on every view, so loaded on connect) and the policies.
// Main pushes nothing of its own for them; every change is audited, so an audit.appended push
// is the cue to read them again — a pause from another session or the CLI shows here too.
import { create } from 'zustand';
import type { AutomationPolicy, AutomationStatus } from '@contract';
import { callOrThrow } from '../client/index.ts';

interface AutomationStore {
  status: AutomationStatus | null;
  statusError: string | null;
  policies: AutomationPolicy[];
  loaded: boolean;
  error: string | null;
  /** Counts the cues to read again: panels with their own data (decisions, schedules) follow it. */
  revision: number;
  loadStatus: () => Promise<void>;
  loadPolicies: () => Promise<void>;
  applyStatus: (status: AutomationStatus) => void;
  applyPolicy: (policy: AutomationPolicy) => void;
  dropPolicy: (id: string) => void;
}

export const useAutomation = create<AutomationStore>((set, get) => ({
  status: null,
  statusError: null,
  policies: [],
  loaded: false,
  error: null,
  revision: 0,
  loadStatus: async () => {
    try {
      set({ status: await callOrThrow('automation.status', {}), statusError: null });
    } catch (error) {
      set({ statusError: (error as Error).message });
    }
  },
  loadPolicies: async () => {
    try {
      const { policies } = await callOrThrow('automation.policies.list', {});
      set({ policies, loaded: true, error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  applyStatus: (status) => set({ status, statusError: null }),
  applyPolicy: (policy) => {
    const policies = get().policies;
    const at = policies.findIndex((existing) => existing.id === policy.id);
    set({
      policies: at < 0 ? [...policies, policy] : policies.with(at, policy),
    });
    // The counts of enabled policies on the switch follow.
    void get().loadStatus();
  },
  dropPolicy: (id) => {
    set({ policies: get().policies.filter((policy) => policy.id !== id) });
    void get().loadStatus();
  },
}));

let refreshQueued = false;

/**
 * Reads again what an audited change may have moved: the switch always, policies once shown,
 * and the panels that follow `revision`. A burst of audit entries (a backfill's firings) is read
 * once, a moment after it starts.
 */
export function refreshAutomation(): void {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => {
    refreshQueued = false;
    const store = useAutomation.getState();
    void store.loadStatus();
    if (store.loaded) void store.loadPolicies();
    useAutomation.setState({ revision: store.revision + 1 });
  }, 150);
}
