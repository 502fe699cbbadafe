// The Audit view's data: a page of the live log (newest first) for the current filters, paged
// further back on demand, with newer entries fetched when audit.appended says the log grew. Also
// the log's status (the check made at start), which the app-wide integrity banner shows.
import { create } from 'zustand';
import type { AuditEntry, AuditStatus, AuditVerification, RequestInput } from '@contract';
import { callOrThrow } from '../client/index.ts';

/** The audit.list filters: time range, actor, action, subject, free text. */
export type AuditFilter = Omit<
  NonNullable<RequestInput<'audit.list'>>,
  'limit' | 'cursor' | 'order'
>;

export const AUDIT_PAGE = 500;

interface AuditLogStore {
  /** Newest first. */
  entries: AuditEntry[];
  filter: AuditFilter;
  /** Entries matching the filter in the whole log. */
  total: number;
  loaded: boolean;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
  olderCursor: string | null;
  setFilter: (filter: AuditFilter) => void;
  reload: () => Promise<void>;
  loadOlder: () => Promise<void>;
  /** The log grew to `headSeq`: fetch what is newer than what is shown. */
  catchUp: (headSeq: number) => Promise<void>;
}

/** Bumped on every reload, so answers to a superseded query are ignored. */
let generation = 0;

/** The filter without its empty parts, so a filter with no keys filters nothing. */
function withoutEmpty(filter: AuditFilter): AuditFilter {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''),
  ) as AuditFilter;
}

export function isFiltered(filter: AuditFilter): boolean {
  return Object.keys(filter).length > 0;
}

function query(filter: AuditFilter, extra: RequestInput<'audit.list'>): RequestInput<'audit.list'> {
  return { ...filter, ...extra };
}

export const useAuditLog = create<AuditLogStore>((set, get) => ({
  entries: [],
  filter: {},
  total: 0,
  loaded: false,
  loading: false,
  loadingOlder: false,
  error: null,
  olderCursor: null,

  setFilter: (filter) => {
    set({ filter: withoutEmpty(filter) });
    void get().reload();
  },

  reload: async () => {
    const current = ++generation;
    set({ loading: true, error: null });
    try {
      const page = await callOrThrow('audit.list', query(get().filter, { limit: AUDIT_PAGE }));
      if (current !== generation) return;
      set({
        entries: page.entries,
        total: page.total,
        olderCursor: page.nextCursor ?? null,
        loaded: true,
        loading: false,
      });
    } catch (error) {
      if (current !== generation) return;
      set({ loading: false, error: (error as Error).message });
    }
  },

  loadOlder: async () => {
    const { olderCursor, loadingOlder, filter } = get();
    if (!olderCursor || loadingOlder) return;
    const current = generation;
    set({ loadingOlder: true, error: null });
    try {
      const page = await callOrThrow(
        'audit.list',
        query(filter, { limit: AUDIT_PAGE, cursor: olderCursor }),
      );
      if (current !== generation) return;
      set({
        entries: [...get().entries, ...page.entries],
        olderCursor: page.nextCursor ?? null,
        loadingOlder: false,
      });
    } catch (error) {
      if (current !== generation) return;
      set({ loadingOlder: false, error: (error as Error).message });
    }
  },

  catchUp: async (headSeq) => {
    const { loaded, loading, entries, filter } = get();
    const newest = entries[0]?.seq ?? 0;
    if (!loaded || loading || headSeq <= newest) return;
    const current = generation;
    try {
      let cursor = String(newest);
      const fresh: AuditEntry[] = [];
      let total = get().total;
      for (;;) {
        const page = await callOrThrow(
          'audit.list',
          query(filter, { order: 'asc', cursor, limit: AUDIT_PAGE }),
        );
        if (current !== generation) return;
        fresh.push(...page.entries);
        total = page.total;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      // Another catch-up may have added some of these meanwhile.
      const shownNewest = get().entries[0]?.seq ?? 0;
      const added = fresh.filter((entry) => entry.seq > shownNewest).reverse();
      set({ entries: [...added, ...get().entries], total });
    } catch {
      // The next audit.appended, or a reload, tries again.
    }
  },
}));

interface AuditStatusStore {
  status: AuditStatus | null;
  /** The last check of the live log asked for in the view, if any. */
  liveCheck: AuditVerification | null;
  checkingLive: boolean;
  liveCheckError: string | null;
  load: () => Promise<void>;
  /** The log grew (audit.appended): its head and size, without asking again. */
  applyAppended: (head: AuditStatus['head'], count: number) => void;
  verifyLive: () => Promise<void>;
}

export const useAuditStatus = create<AuditStatusStore>((set, get) => ({
  status: null,
  liveCheck: null,
  checkingLive: false,
  liveCheckError: null,
  load: async () => {
    try {
      set({ status: await callOrThrow('audit.status', {}) });
    } catch {
      // Shown as unknown; the banner only speaks when it knows the check failed.
    }
  },
  applyAppended: (head, count) => {
    const { status } = get();
    if (status) set({ status: { ...status, head, count } });
  },
  verifyLive: async () => {
    set({ checkingLive: true, liveCheckError: null });
    try {
      set({ liveCheck: await callOrThrow('audit.verify', {}), checkingLive: false });
    } catch (error) {
      set({ liveCheckError: (error as Error).message, checkingLive: false });
    }
  },
}));

/** The sequence number of the first broken entry, as the latest check found it, if any. */
export function brokenSeqOf(state: Pick<AuditStatusStore, 'status' | 'liveCheck'>): number | null {
  const latest = state.liveCheck ?? state.status?.startCheck.verification;
  return latest && !latest.intact ? latest.atSeq : null;
}
