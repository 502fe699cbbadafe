// The whole audit log read as one: sealed segments (the oldest entries, audit-archive.ts), then
// the live table (the newest, in the operator database). Every read goes by sequence number
// across both, so an entry reads the same wherever it lives, and sealing changes only where.
//
// Sealing, and why kill -9 at any moment leaves either the old or the new state:
// 1. The segment file is written under a temp name, fsync'd, renamed and its directory fsync'd.
//    A crash before step 2 leaves a file that no manifest lists: nothing reads it, and the next
//    seal of the same entries writes it again.
// 2. The manifest is replaced (temp, fsync, rename, fsync dir). This is the commit point: from
//    here the entries are in a listed segment, and still in the live table.
// 3. They are deleted from the live table in memory; the snapshot being written persists that.
//    A crash between 2 and that snapshot's rename leaves them in both places on disk (and maybe
//    in the journal, which replays over the snapshot). At open, after the journal replay, the
//    live table drops every entry at or below the manifest's last sealed one (dropSealedFromLive),
//    so each entry is read exactly once.
// An entry leaves the live table only after the manifest listing its segment is durable, so none
// is lost; and the live table never holds an entry the manifest covers once open returns, so
// none is doubled.
import type { Database } from 'sql.js';
import type { AuditEntry } from '../audit-chain/index.ts';
import type { Logger } from '../ports/index.ts';
import {
  auditEntryAt,
  auditFacets,
  countAuditEntries,
  firstSeqAtOrAfter,
  forEachAuditEntry,
  lastAuditEntry,
  lastSeqAtOrBefore,
  listAuditEntries,
  type AuditQuery,
  type AuditSeqBounds,
} from './audit-log.ts';
import type {
  AuditArchive,
  DamagedSegment,
  SealCrashPoint,
  SealedSegment,
} from './audit-archive.ts';
import { selectOne } from './database.ts';
import type { SealedFiles } from './durable-file.ts';

export interface AuditSealingOptions {
  /** How many of the newest entries stay in the live table (K); older ones are sealed. */
  keepLive?: number;
  /** How many entries one segment holds. */
  segmentEntries?: number;
  /** Memory for opened segments, in bytes of SQLite image. */
  cacheBytes?: number;
}

export const auditSealingDefaults = {
  keepLive: 10_000,
  segmentEntries: 10_000,
  cacheBytes: 64 * 1024 * 1024,
} as const satisfies Required<AuditSealingOptions>;

export type AuditFilters = Omit<AuditQuery, 'limit' | 'order'>;

export interface AuditHistory {
  /** The newest entry's place in the chain, sealed or live. */
  chainTail(): { seq: number; hash: string } | undefined;
  last(): AuditEntry | undefined;
  list(query: AuditQuery): AuditEntry[];
  count(query?: AuditFilters): number;
  entryAt(seq: number): AuditEntry | undefined;
  seqRange(range: { from?: number; to?: number }): { fromSeq: number; toSeq: number } | undefined;
  facets(): { actors: string[]; actions: string[] };
  forEach(bounds: AuditSeqBounds, visit: (entry: AuditEntry) => boolean | void): void;
  /** Seals what is due (see the top of this file); returns how many segments were written. */
  sealDue(): number;
  /** Removes from the live table what a listed segment holds; returns how many entries. */
  dropSealedFromLive(): number;
  damagedSegments(): DamagedSegment[];
  /**
   * Whether the sealed segments, as the manifest lists them, run on from seq 1 without a gap
   * and link to each other and to the live table's first entry. Cheap (no file is read), so the
   * check at start makes it even when its checkpoint is past them: history removed wholesale
   * (a segment dropped from the manifest, the manifest deleted) is seen at once.
   */
  sealedContinuity(): { atSeq: number; message: string } | undefined;
  /** How the log is split now. */
  layout(): { sealedSegments: number; sealedEntries: number; liveEntries: number };
  /** Copies the manifest into `folder` (evidence; segments themselves are never rewritten). */
  copyManifestTo(folder: string): void;
  /** The sealed segments' files, sized from the manifest (see SealedFiles). */
  sealedFiles(): SealedFiles;
  close(): void;
}

type Bounded = AuditFilters & AuditSeqBounds;

/** Whether a segment may hold entries that match, judged from its summary alone. */
function mayHold(segment: SealedSegment, query: Bounded): boolean {
  if (query.afterSeq !== undefined && segment.toSeq <= query.afterSeq) return false;
  if (query.beforeSeq !== undefined && segment.fromSeq >= query.beforeSeq) return false;
  if (query.fromSeq !== undefined && segment.toSeq < query.fromSeq) return false;
  if (query.toSeq !== undefined && segment.fromSeq > query.toSeq) return false;
  if (query.from !== undefined && segment.maxAt < query.from) return false;
  if (query.to !== undefined && segment.minAt > query.to) return false;
  if (query.actor !== undefined && !segment.actors.includes(query.actor)) return false;
  if (query.action !== undefined && !segment.actions.includes(query.action)) return false;
  return true;
}

const isUnfiltered = (query: AuditFilters): boolean =>
  Object.values(query).every((value) => value === undefined || value === '');

/** Segments are immutable, so what a filter counts in one never changes. */
const COUNTS_KEPT_PER_SEGMENT = 32;

export function createAuditHistory(parts: {
  live: Database;
  archive: AuditArchive;
  log: Logger;
  options?: AuditSealingOptions;
  crashPoint?: (point: SealCrashPoint) => void;
}): AuditHistory {
  const { live, archive, log } = parts;
  const keepLive = Math.max(1, parts.options?.keepLive ?? auditSealingDefaults.keepLive);
  const segmentEntries = Math.max(
    1,
    parts.options?.segmentEntries ?? auditSealingDefaults.segmentEntries,
  );
  const crashPoint = parts.crashPoint ?? (() => undefined);
  const counts = new Map<string, Map<string, number>>();
  for (const damaged of archive.problems())
    log.error(
      `Audit segment ${damaged.file} ${damaged.reason}; ${damaged.movedTo ? `moved aside to ${damaged.movedTo}` : 'nothing to move aside'}. Its entries (${damaged.fromSeq}..${damaged.toSeq}) cannot be read.`,
    );
  let sealingRefusal: string | undefined;

  const available = (): SealedSegment[] => archive.segments.filter(archive.isAvailable);

  function countIn(segment: SealedSegment, query: AuditFilters): number {
    if (!mayHold(segment, query)) return 0;
    if (isUnfiltered(query)) return segment.count;
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
    let known = counts.get(segment.file);
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const counted = archive.withSegment(segment, (db) => countAuditEntries(db, query)) ?? 0;
    if (!known || known.size >= COUNTS_KEPT_PER_SEGMENT)
      counts.set(segment.file, (known = new Map()));
    known.set(key, counted);
    return counted;
  }

  const liveFirstSeq = (): number | undefined =>
    selectOne<{ seq: number | null }>(live, 'SELECT min(seq) AS seq FROM audit_log')?.seq ??
    undefined;

  // Pages freed by sealing are reused by the entries that follow, so in steady state about one
  // segment's worth is free and the snapshot stays the size of what is live. A log sealed for
  // the first time (a data directory from before sealing, its whole history live) frees far
  // more than will be refilled: the database is compacted then, once, rather than exporting
  // empty pages in every snapshot.
  function releaseFreedPages(segmentBytes: number): void {
    const pragma = (name: string): number =>
      selectOne<Record<string, number>>(live, `PRAGMA ${name}`)?.[name] ?? 0;
    if (pragma('freelist_count') * pragma('page_size') > 2 * segmentBytes) live.run('VACUUM');
  }

  const history: AuditHistory = {
    chainTail() {
      const last = lastAuditEntry(live);
      return last ? { seq: last.seq, hash: last.hash } : archive.tail();
    },
    last() {
      const newest = lastAuditEntry(live);
      if (newest) return newest;
      const segment = archive.segments.at(-1);
      return segment && archive.withSegment(segment, lastAuditEntry);
    },
    list(query) {
      const entries: AuditEntry[] = [];
      const take = (found: AuditEntry[] | undefined): boolean => {
        entries.push(...(found ?? []));
        return entries.length >= query.limit;
      };
      const fromSegment = (segment: SealedSegment): boolean =>
        mayHold(segment, query) &&
        take(
          archive.withSegment(segment, (db) =>
            listAuditEntries(db, { ...query, limit: query.limit - entries.length }),
          ),
        );
      if (query.order === 'desc') {
        if (take(listAuditEntries(live, query))) return entries;
        for (const segment of available().reverse()) if (fromSegment(segment)) break;
      } else {
        for (const segment of available()) if (fromSegment(segment)) return entries;
        take(listAuditEntries(live, { ...query, limit: query.limit - entries.length }));
      }
      return entries;
    },
    count(query = {}) {
      let total = countAuditEntries(live, query);
      for (const segment of available()) total += countIn(segment, query);
      return total;
    },
    entryAt(seq) {
      const segment = archive.segments.find((one) => one.fromSeq <= seq && seq <= one.toSeq);
      return segment
        ? archive.withSegment(segment, (db) => auditEntryAt(db, seq))
        : auditEntryAt(live, seq);
    },
    // The first entry at or after `from` lies in the first segment whose newest time reaches
    // `from` (every earlier one ends before it); the last entry at or before `to` likewise.
    seqRange(range) {
      const from = range.from ?? Number.MIN_SAFE_INTEGER;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      let fromSeq: number | undefined;
      for (const segment of available()) {
        if (segment.maxAt < from) continue;
        fromSeq = archive.withSegment(segment, (db) => firstSeqAtOrAfter(db, from));
        if (fromSeq !== undefined) break;
      }
      fromSeq ??= firstSeqAtOrAfter(live, from);
      let toSeq = lastSeqAtOrBefore(live, to);
      if (toSeq === undefined) {
        for (const segment of available().reverse()) {
          if (segment.minAt > to) continue;
          toSeq = archive.withSegment(segment, (db) => lastSeqAtOrBefore(db, to));
          if (toSeq !== undefined) break;
        }
      }
      if (fromSeq === undefined || toSeq === undefined || fromSeq > toSeq) return undefined;
      return { fromSeq, toSeq };
    },
    facets() {
      const actors = new Set<string>();
      const actions = new Set<string>();
      const liveFacets = auditFacets(live);
      for (const { actors: segmentActors, actions: segmentActions } of [
        ...available(),
        liveFacets,
      ]) {
        segmentActors.forEach((actor) => actors.add(actor));
        segmentActions.forEach((action) => actions.add(action));
      }
      return { actors: [...actors].sort(), actions: [...actions].sort() };
    },
    forEach(bounds, visit) {
      for (const segment of available()) {
        if (!mayHold(segment, bounds)) continue;
        const completed = archive.withSegment(segment, (db) =>
          forEachAuditEntry(db, bounds, visit),
        );
        if (completed === false) return;
      }
      forEachAuditEntry(live, bounds, visit);
    },
    sealDue() {
      let sealed = 0;
      let segmentBytes = 0;
      while (countAuditEntries(live) >= keepLive + segmentEntries) {
        const fromSeq = liveFirstSeq()!;
        const sealedThrough = archive.tail()?.seq ?? 0;
        if (fromSeq !== sealedThrough + 1) {
          // The live table does not continue the sealed log (edited on disk): seal nothing, so
          // the break stays where the check at start and audit.verify can show it.
          const refusal = `Audit sealing paused: the live audit log starts at seq ${fromSeq}, but the sealed log ends at ${sealedThrough}.`;
          if (refusal !== sealingRefusal) log.error(refusal);
          sealingRefusal = refusal;
          break;
        }
        const toSeq = fromSeq + segmentEntries - 1;
        try {
          segmentBytes = archive.seal(live, fromSeq, toSeq).bytes;
        } catch (error) {
          // A full disk, say. The entries stay live and the snapshot goes ahead; sealing is
          // tried again at the next one.
          log.error(
            `Sealing audit entries ${fromSeq}..${toSeq} failed: ${(error as Error).message}. They stay in the live table for now.`,
          );
          break;
        }
        live.run('DELETE FROM audit_log WHERE seq BETWEEN ? AND ?', [fromSeq, toSeq]);
        crashPoint('audit.seal.liveDeleted');
        sealed++;
      }
      if (sealed > 0) releaseFreedPages(segmentBytes);
      return sealed;
    },
    dropSealedFromLive() {
      const tail = archive.tail();
      if (!tail) return 0;
      live.run('DELETE FROM audit_log WHERE seq <= ?', [tail.seq]);
      return live.getRowsModified();
    },
    damagedSegments: () => archive.problems(),
    sealedContinuity() {
      let expectedSeq = 1;
      let expectedPrev: string | undefined;
      const starts = (what: string, seq: number, prevHash: string) => {
        if (seq !== expectedSeq)
          return {
            atSeq: Math.min(seq, expectedSeq),
            message: `${what} starts at seq ${seq}, but the sealed log before it ends at seq ${expectedSeq - 1}: entries ${expectedSeq}..${seq - 1} are missing.`,
          };
        if (expectedPrev !== undefined && prevHash !== expectedPrev)
          return {
            atSeq: seq,
            message: `${what} does not link to the sealed entries before it (its first entry's prevHash is not their last hash).`,
          };
        return undefined;
      };
      for (const segment of archive.segments) {
        const problem = starts(`Sealed file ${segment.file}`, segment.fromSeq, segment.prevHash);
        if (problem) return problem;
        expectedSeq = segment.toSeq + 1;
        expectedPrev = segment.lastHash;
      }
      const first = listAuditEntries(live, { order: 'asc', limit: 1 })[0];
      return first && starts('The live audit log', first.seq, first.prevHash);
    },
    copyManifestTo: (folder) => archive.copyManifestTo(folder),
    sealedFiles: () => archive.sealedFiles(),
    close: () => archive.close(),
    layout() {
      const segments = available();
      return {
        sealedSegments: segments.length,
        sealedEntries: segments.reduce((sum, segment) => sum + segment.count, 0),
        liveEntries: countAuditEntries(live),
      };
    },
  };
  return history;
}
