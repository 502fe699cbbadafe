// The live events table's data: a bounded window of rows, newest first. Pushed rows are merged
// by identity (chainId:blockHash:logIndex), so a status change (pending → confirmed, or removed
// by a reorg) replaces the row in place. Older rows are paged from the store with events.query.
import { create } from 'zustand';
import type { EventRow, RequestInput } from '@contract';
import { callOrThrow } from '../client/index.ts';

export interface EventFilter {
  chainId?: number;
  contractId?: string;
  eventName?: string;
  /** A condition over the chosen contract's event, searched by main. */
  where?: string;
  /** An address in any argument or as the transaction's sender or target, searched by main. */
  touches?: string;
  /** The events of one transaction. */
  transactionHash?: string;
}

/** A search main runs over stored history: live rows cannot be checked here, so none merge in. */
export function isSearch(filter: EventFilter): boolean {
  return filter.where !== undefined || filter.touches !== undefined;
}

/** How many pushed rows stay in memory; paging older rows raises it so they are not dropped. */
const LIVE_WINDOW_ROWS = 20_000;
const MAX_WINDOW_ROWS = 500_000;
export const PAGE_ROWS = 1_000;

interface EventsStore {
  /** Newest first: block number, then log index, descending. */
  rows: EventRow[];
  filter: EventFilter;
  loaded: boolean;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
  hasOlder: boolean;
  /** A search whose budget ran out before its page was full: the block it had reached. */
  searchedThrough: number | null;
  setFilter: (filter: EventFilter) => void;
  reload: () => Promise<void>;
  loadOlder: () => Promise<void>;
  applyBatch: (rows: EventRow[]) => void;
}

// Bookkeeping that never needs to re-render anything lives outside the store.
const presentKeys = new Set<string>();
const keyCache = new WeakMap<EventRow, string>();
let windowLimit = LIVE_WINDOW_ROWS;
/** nextCursor of the last page; null after trimming made it point past a gap. */
let olderCursor: string | null = null;
/** Bumped on every reload, so answers to a superseded query are ignored. */
let queryGeneration = 0;

export function eventKey(row: EventRow): string {
  let key = keyCache.get(row);
  if (key === undefined) {
    key = `${row.chainId}:${row.blockHash}:${row.logIndex}`;
    keyCache.set(row, key);
  }
  return key;
}

function newerFirst(a: EventRow, b: EventRow): number {
  return b.blockNumber - a.blockNumber || b.logIndex - a.logIndex || b.chainId - a.chainId;
}

function matchesFilter(row: EventRow, filter: EventFilter): boolean {
  if (filter.chainId !== undefined && row.chainId !== filter.chainId) return false;
  if (filter.contractId !== undefined && row.contractId !== filter.contractId) return false;
  if (filter.eventName !== undefined && row.eventName !== filter.eventName) return false;
  if (
    filter.transactionHash !== undefined &&
    row.transactionHash.toLowerCase() !== filter.transactionHash.toLowerCase()
  )
    return false;
  return !isSearch(filter);
}

/** Merges two newest-first lists in one pass; the common cases are a plain prepend or append. */
function mergeSorted(current: EventRow[], added: EventRow[]): EventRow[] {
  if (added.length === 0) return current;
  if (current.length === 0) return added;
  if (newerFirst(added[added.length - 1]!, current[0]!) <= 0) return added.concat(current);
  if (newerFirst(current[current.length - 1]!, added[0]!) <= 0) return current.concat(added);
  const merged: EventRow[] = new Array(current.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < current.length && j < added.length) {
    merged[k++] = newerFirst(current[i]!, added[j]!) <= 0 ? current[i++]! : added[j++]!;
  }
  while (i < current.length) merged[k++] = current[i++]!;
  while (j < added.length) merged[k++] = added[j++]!;
  return merged;
}

/** Replaces rows already present, inserts the rest in order, and trims to the window. */
function mergeRows(
  current: EventRow[],
  incoming: EventRow[],
): { rows: EventRow[]; trimmed: boolean } {
  const replacements = new Map<string, EventRow>();
  const fresh = new Map<string, EventRow>();
  for (const row of incoming) {
    const key = eventKey(row);
    if (presentKeys.has(key)) replacements.set(key, row);
    else fresh.set(key, row);
  }
  let rows = current;
  if (replacements.size > 0) rows = rows.map((row) => replacements.get(eventKey(row)) ?? row);
  if (fresh.size > 0) {
    const added = [...fresh.values()].sort(newerFirst);
    for (const key of fresh.keys()) presentKeys.add(key);
    rows = mergeSorted(rows, added);
  }
  let trimmed = false;
  if (rows.length > windowLimit) {
    for (let index = windowLimit; index < rows.length; index++)
      presentKeys.delete(eventKey(rows[index]!));
    rows = rows.slice(0, windowLimit);
    trimmed = true;
  }
  return { rows, trimmed };
}

function queryFor(filter: EventFilter): RequestInput<'events.query'> {
  return { ...filter, order: 'desc', includeRemoved: true, limit: PAGE_ROWS };
}

export const useEvents = create<EventsStore>((set, get) => ({
  rows: [],
  filter: {},
  loaded: false,
  loading: false,
  loadingOlder: false,
  error: null,
  hasOlder: false,
  searchedThrough: null,

  setFilter: (filter) => {
    set({ filter });
    void get().reload();
  },

  reload: async () => {
    const generation = ++queryGeneration;
    presentKeys.clear();
    windowLimit = LIVE_WINDOW_ROWS;
    olderCursor = null;
    set({
      rows: [],
      loading: true,
      loadingOlder: false,
      error: null,
      hasOlder: false,
      searchedThrough: null,
    });
    try {
      const page = await callOrThrow('events.query', queryFor(get().filter));
      if (generation !== queryGeneration) return;
      olderCursor = page.nextCursor ?? null;
      // Pushes that arrived while the query ran are already in rows; merge, don't overwrite.
      const { rows } = mergeRows(get().rows, page.rows);
      set({
        rows,
        loaded: true,
        loading: false,
        hasOlder: page.nextCursor !== undefined,
        searchedThrough: page.searchedThrough ?? null,
      });
    } catch (error) {
      if (generation !== queryGeneration) return;
      set({ loading: false, error: (error as Error).message });
    }
  },

  loadOlder: async () => {
    const { rows: current, loadingOlder, hasOlder, filter } = get();
    if (loadingOlder || !hasOlder) return;
    const generation = queryGeneration;
    const oldest = current[current.length - 1];
    const query = queryFor(filter);
    // After the window was trimmed the cursor points past the dropped rows; ask by block instead
    // (rows of that block we already hold are deduplicated by identity).
    if (olderCursor) query.cursor = olderCursor;
    else if (oldest) query.toBlock = oldest.blockNumber;
    set({ loadingOlder: true, error: null });
    try {
      const page = await callOrThrow('events.query', query);
      if (generation !== queryGeneration) return;
      windowLimit = Math.min(
        MAX_WINDOW_ROWS,
        Math.max(windowLimit, get().rows.length + page.rows.length),
      );
      olderCursor = page.nextCursor ?? null;
      const { rows } = mergeRows(get().rows, page.rows);
      set({
        rows,
        loadingOlder: false,
        hasOlder: page.nextCursor !== undefined,
        searchedThrough: page.searchedThrough ?? null,
      });
    } catch (error) {
      if (generation !== queryGeneration) return;
      set({ loadingOlder: false, error: (error as Error).message });
    }
  },

  applyBatch: (incoming) => {
    const { filter, rows: current } = get();
    const matching = incoming.filter((row) => matchesFilter(row, filter));
    if (matching.length === 0) return;
    const { rows, trimmed } = mergeRows(current, matching);
    if (trimmed) {
      olderCursor = null;
      set({ rows, hasOlder: true });
    } else set({ rows });
  },
}));
