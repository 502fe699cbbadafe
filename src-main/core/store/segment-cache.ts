// Opened segments, kept under a memory budget: sql.js loads a whole file into memory, so the
// least recently used ones are closed once their images add up to more than the budget.
import type { Database } from 'sql.js';

export interface SegmentCache {
  get(id: number): Database | undefined;
  put(id: number, db: Database, bytes: number): void;
  drop(id: number): void;
  readonly bytes: number;
  readonly count: number;
  clear(): void;
}

export function createSegmentCache(budgetBytes: number): SegmentCache {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest use first.
  const open = new Map<number, { db: Database; bytes: number }>();
  let bytes = 0;
  const drop = (id: number): void => {
    const entry = open.get(id);
    if (!entry) return;
    open.delete(id);
    bytes -= entry.bytes;
    entry.db.close();
  };
  return {
    get(id) {
      const entry = open.get(id);
      if (!entry) return undefined;
      open.delete(id);
      open.set(id, entry);
      return entry.db;
    },
    put(id, db, size) {
      drop(id);
      open.set(id, { db, bytes: size });
      bytes += size;
      // The segment just opened stays even when it alone is over the budget.
      for (const oldest of open.keys()) {
        if (bytes <= budgetBytes || oldest === id) break;
        drop(oldest);
      }
    },
    drop,
    get bytes() {
      return bytes;
    },
    get count() {
      return open.size;
    },
    clear() {
      for (const id of [...open.keys()]) drop(id);
    },
  };
}
