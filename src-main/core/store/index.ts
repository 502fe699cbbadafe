// The store: one in-memory SQLite database (sql.js) with durability built around it — atomic
// snapshots for everything, plus an fsync'd journal for operator data. Synchronous by design:
// it lives inside the engine worker thread, so its blocking calls never stall main.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import type { Logger } from '../app.ts';
import type { EventRow } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import {
  blockHeaderAt,
  commitChainData,
  countEvents,
  eventsPerMinute,
  queryEvents,
  applyCanonicalRange,
  eventBlocksAtOrBelow,
  eventByIdentity,
  storedBlockHash,
  storedIdentities,
  type CanonicalRange,
  type EventIdentity,
  type BlockHeader,
  type ChainDataBatch,
  type ChainDataCommitResult,
  type EventsQuery,
} from './chain-data.ts';
import {
  configureDatabase,
  inTransaction,
  loadSqlJs,
  openDatabase,
  selectOne,
} from './database.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { openJournal, type Journal } from './journal.ts';
import { migrate } from './migrations.ts';
import {
  contractCursors,
  findChain,
  findContract,
  listChains,
  listContracts,
  type ChainRecord,
  type ContractRecord,
} from './operator-data.ts';
import { applyOperatorCommand, removesEvents, type OperatorCommand } from './commands.ts';
import { findSigner, listSigners, readMeta, type SignerRecord } from './signers.ts';
import {
  findTransaction,
  hasTransactionFrom,
  listTransactions,
  nextTransactionId,
  type TransactionsQuery,
} from './transactions.ts';
import type { Transaction } from '../../ipc/contract.ts';
import { alertQueries, type AlertQueries } from './alerts.ts';
import { approverQueries, type ApproverQueries } from './approvers.ts';
import { chainAuditEntry, type AuditDraft, type AuditEntry } from '../audit/index.ts';
import {
  auditEntryAt,
  auditFacets,
  auditSeqRange,
  countAuditEntries,
  forEachAuditEntry,
  lastAuditEntry,
  listAuditEntries,
  insertAuditEntry,
  replayAuditEntry,
  type AuditQuery,
} from './audit-log.ts';
import { loadSnapshot, snapshotFileNames, writeSnapshot } from './snapshot.ts';
import {
  countReorgs,
  insertReorg,
  listReconciliations,
  listReorgs,
  saveReconciliation,
  type NewReconciliation,
  type NewReorg,
} from './sync-log.ts';
import type { Reconciliation, ReorgRecord } from '../../ipc/contract.ts';

export type {
  BlockHeader,
  ChainDataBatch,
  ChainDataCommitResult,
  EventsQuery,
  StoredEvent,
} from './chain-data.ts';
export type { ChainRecord, ContractRecord } from './operator-data.ts';
export type { OperatorCommand } from './commands.ts';
export type { SignerRecord } from './signers.ts';
export type { ApproverRecord } from './approvers.ts';
export type { TransactionState, TimelineEntry, TransactionsQuery } from './transactions.ts';
export type {
  AlertCommand,
  AlertQueries,
  DeliveryAttempt,
  DeliveryTarget,
  FiringsQuery,
  StoredDelivery,
  StoredFiring,
  StoredRule,
  WaitingMatch,
} from './alerts.ts';
export type { AuditQuery } from './audit-log.ts';
export { migrations, migrate, schemaVersion } from './migrations.ts';

export interface StoreRecovery {
  snapshotSource: 'current' | 'previous' | 'none';
  damagedSnapshots: { path: string; movedTo: string; reason: string }[];
  journalEntriesReplayed: number;
  droppedTornJournalBytes: number;
  /** Audit entries in the journal that did not continue the stored log (for the integrity check). */
  auditReplayProblems: string[];
}

export interface Store {
  /** The data directory this store owns (and has locked). */
  readonly dataDir: string;
  readonly recovery: StoreRecovery;
  /**
   * Applies an operator command and makes it durable: the change is applied in a transaction,
   * the audit entries that record it are chained onto the log in the same transaction, the
   * whole is appended to the journal and fsync'd, and only then committed. Throws (changing
   * nothing) if the command does not apply. Returns the audit entries as written.
   */
  execute(command: OperatorCommand, audit?: readonly AuditDraft[]): AuditEntry[];
  /** Records audit entries on their own, durably (through the journal). */
  recordAudit(audit: readonly AuditDraft[]): AuditEntry[];
  listAudit(query: AuditQuery): AuditEntry[];
  countAudit(query?: Omit<AuditQuery, 'limit' | 'order'>): number;
  lastAuditEntry(): AuditEntry | undefined;
  auditEntryAt(seq: number): AuditEntry | undefined;
  /** The contiguous sequence numbers a time range covers (see audit-log.ts), if any. */
  auditSeqRange(range: {
    from?: number;
    to?: number;
  }): { fromSeq: number; toSeq: number } | undefined;
  auditFacets(): { actors: string[]; actions: string[] };
  /**
   * Copies the store's files as they are on disk now (snapshots and journal) into a folder of the
   * data directory, so evidence of tampering outlives the next snapshot. A folder that exists
   * already is left as it is: the first copy is the evidence. Returns the folder.
   */
  keepCopyOfFiles(folderName: string): string;
  /** Visits entries in sequence order without loading them all; stops when visit returns false. */
  forEachAuditEntry(
    bounds: { fromSeq?: number; toSeq?: number; from?: number; to?: number },
    visit: (entry: AuditEntry) => boolean | void,
  ): void;
  listChains(): ChainRecord[];
  listContracts(chainId?: number): ContractRecord[];
  findChain(chainId: number): ChainRecord | undefined;
  /** The chain, or a NOT_FOUND error pointing at `field`. */
  requireChain(chainId: number, field?: string): ChainRecord;
  findContract(id: string): ContractRecord | undefined;
  contractCursors(
    chainId: number,
  ): { id: string; address: string; startBlock: number; cursor: number }[];
  commitChainData(batch: ChainDataBatch): ChainDataCommitResult;
  blockHeaderAt(chainId: number, number: number): BlockHeader | undefined;
  queryEvents(query: EventsQuery): ReturnType<typeof queryEvents>;
  storedBlockHash(chainId: number, number: number): string | undefined;
  eventBlocksAtOrBelow(
    chainId: number,
    atOrBelow: number,
    limit: number,
  ): { number: number; hash: string }[];
  storedIdentities(
    chainId: number,
    contractIds: readonly string[],
    fromBlock: number,
    toBlock: number,
  ): EventIdentity[];
  /** The stored event (canonical or removed) with this identity. */
  eventByIdentity(chainId: number, blockHash: string, logIndex: number): EventRow | undefined;
  /** Alert rules, firings, deliveries (changed through execute) and matches waiting for confirmations. */
  readonly alerts: AlertQueries;
  readonly approvers: ApproverQueries;
  /**
   * Makes a range equal to the canonical chain (see chain-data.ts) and, when `reorg` is given,
   * records it in the same transaction with its counts filled in.
   */
  applyCanonicalRange(
    range: CanonicalRange,
    reorg?: Omit<NewReorg, 'eventsRemoved' | 'eventsAdded'>,
  ): { removed: EventRow[]; added: EventRow[]; reorg: ReorgRecord | undefined };
  listReorgs(chainId: number | undefined, limit: number): ReorgRecord[];
  countReorgs(chainId: number): number;
  saveReconciliation(result: NewReconciliation, id?: number): Reconciliation;
  listReconciliations(filter: { chainId?: number; id?: number; limit: number }): Reconciliation[];
  countEvents(): Map<number, number>;
  listSigners(): SignerRecord[];
  /** By address, in any letter case. */
  findSigner(address: string): SignerRecord | undefined;
  /** A value the data directory keeps about itself (set with the `meta.set` command). */
  meta(key: string): string | undefined;
  findTransaction(id: number): Transaction | undefined;
  /** Newest first. */
  listTransactions(query?: TransactionsQuery): Transaction[];
  nextTransactionId(): number;
  /** Whether any transaction was proposed on behalf of `source`. */
  hasTransactionFrom(source: string): boolean;
  eventsPerMinute(chainId: number, minutes: number): { minute: number; count: number }[];
  /** True when something changed since the last snapshot. */
  readonly dirty: boolean;
  /** Writes an atomic snapshot; returns its size and how long the export took. */
  snapshot(): { bytes: number; milliseconds: number };
  close(options?: { snapshot?: boolean }): void;
}

const JOURNAL_FILE = 'journal.ndjson';

function journalSeqOf(db: Database): number {
  return Number(
    selectOne<{ value: string }>(db, "SELECT value FROM meta WHERE key = 'journal_seq'")?.value ??
      0,
  );
}

function setJournalSeq(db: Database, seq: number): void {
  db.run(
    "INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [String(seq)],
  );
}

export async function openStore(dataDir: string, log: Logger): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    return await openLockedStore(dataDir, log, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function openLockedStore(dataDir: string, log: Logger, unlock: () => void): Promise<Store> {
  const SQL = await loadSqlJs();
  const loaded = loadSnapshot(dataDir);
  for (const problem of loaded.problems) {
    log.error(
      `Snapshot ${problem.path} is damaged (${problem.reason}); moved aside to ${problem.movedTo}.`,
      problem,
    );
  }
  if (loaded.problems.length > 0) {
    log.error(
      loaded.source === 'previous'
        ? 'Using the previous good snapshot; operator data is restored from the journal and chain data newer than that snapshot is fetched again.'
        : 'No good snapshot left; operator data is restored from the journal and chain data is fetched again.',
    );
  }
  const db = openDatabase(SQL, loaded.bytes);
  migrate(db);

  const { journal, droppedTornTailBytes } = openJournal<OperatorCommand>(
    join(dataDir, JOURNAL_FILE),
  );
  if (droppedTornTailBytes > 0) {
    log.warn(
      `The journal ended in a torn write of ${droppedTornTailBytes} bytes (never acknowledged); it was cut off.`,
    );
  }
  const appliedSeq = journalSeqOf(db);
  if (journal.compactedThrough > appliedSeq) {
    journal.close();
    throw new VigilError(
      'STORE_CORRUPT',
      `${JOURNAL_FILE} in ${dataDir} was compacted through entry ${journal.compactedThrough}, but the snapshot that could be loaded includes entries only through ${appliedSeq}: the newer snapshots are gone. Nothing was changed; restore store.sqlite from a backup.`,
      {
        details: {
          dataDir,
          snapshotSeq: appliedSeq,
          compactedThrough: journal.compactedThrough,
        },
      },
    );
  }
  if (appliedSeq > journal.lastSeq) {
    journal.close();
    throw new VigilError(
      'STORE_CORRUPT',
      `The snapshot in ${dataDir} includes journal entry ${appliedSeq}, but ${JOURNAL_FILE} ends at ${journal.lastSeq}: the journal was truncated or replaced. Nothing was changed; restore ${JOURNAL_FILE} from a backup.`,
      { details: { dataDir, snapshotSeq: appliedSeq, journalSeq: journal.lastSeq } },
    );
  }
  let replayed = 0;
  const auditReplayProblems: string[] = [];
  for (const entry of journal.entries) {
    if (entry.seq <= appliedSeq) continue;
    inTransaction(db, () => {
      applyOperatorCommand(db, entry.command, entry.at);
      for (const auditEntry of entry.audit ?? []) {
        const problem = replayAuditEntry(db, auditEntry, entry.seq);
        if (problem) auditReplayProblems.push(problem);
      }
      setJournalSeq(db, entry.seq);
    });
    replayed++;
  }

  return createStore({
    db,
    dataDir,
    journal,
    unlock,
    recovery: {
      snapshotSource: loaded.source,
      damagedSnapshots: loaded.problems,
      journalEntriesReplayed: replayed,
      droppedTornJournalBytes: droppedTornTailBytes,
      auditReplayProblems,
    },
    dirtyAtStart: replayed > 0 || loaded.problems.length > 0,
  });
}

function createStore(parts: {
  db: Database;
  dataDir: string;
  journal: Journal<OperatorCommand>;
  unlock: () => void;
  recovery: StoreRecovery;
  dirtyAtStart: boolean;
}): Store {
  const { db, dataDir, journal, unlock, recovery } = parts;
  let dirty = parts.dirtyAtStart;
  // Canonical event counts per chain, kept up to date on each change: counting the whole table
  // every second for the status push cost hundreds of milliseconds on large stores.
  let eventCounts: Map<number, number> | undefined;
  const adjustCount = (chainId: number, delta: number): void => {
    if (eventCounts && delta !== 0)
      eventCounts.set(chainId, (eventCounts.get(chainId) ?? 0) + delta);
  };
  let closed = false;
  /** What the last snapshot this process wrote includes; none written yet: undefined. */
  let previousSnapshotSeq: number | undefined;

  const store: Store = {
    dataDir,
    recovery,
    execute(command, audit = []) {
      const at = Date.now();
      const written: AuditEntry[] = [];
      db.run('BEGIN');
      try {
        applyOperatorCommand(db, command, at);
        let previous = lastAuditEntry(db);
        for (const draft of audit) {
          const entry = chainAuditEntry(previous, draft, at);
          insertAuditEntry(db, entry);
          written.push(entry);
          previous = entry;
        }
        setJournalSeq(db, journal.lastSeq + 1);
        journal.append(command, at, written);
      } catch (error) {
        db.run('ROLLBACK');
        throw error;
      }
      db.run('COMMIT');
      dirty = true;
      if (removesEvents(command)) eventCounts = undefined;
      return written;
    },
    recordAudit: (audit) => store.execute({ type: 'audit.record' }, audit),
    listAudit: (query) => listAuditEntries(db, query),
    countAudit: (query) => countAuditEntries(db, query),
    lastAuditEntry: () => lastAuditEntry(db),
    auditEntryAt: (seq) => auditEntryAt(db, seq),
    auditSeqRange: (range) => auditSeqRange(db, range),
    auditFacets: () => auditFacets(db),
    keepCopyOfFiles(folderName) {
      const folder = join(dataDir, folderName);
      if (existsSync(folder)) return folder;
      mkdirSync(folder, { recursive: true });
      for (const name of [snapshotFileNames.current, snapshotFileNames.previous, JOURNAL_FILE]) {
        const source = join(dataDir, name);
        if (existsSync(source)) copyFileSync(source, join(folder, name));
      }
      return folder;
    },
    forEachAuditEntry: (bounds, visit) => forEachAuditEntry(db, bounds, visit),
    listChains: () => listChains(db),
    listContracts: (chainId) => listContracts(db, chainId),
    findChain: (chainId) => findChain(db, chainId),
    requireChain(chainId, field = 'chainId') {
      const chain = findChain(db, chainId);
      if (!chain)
        throw new VigilError(
          'NOT_FOUND',
          `Chain ${chainId} is not configured; add the chain first.`,
          { field },
        );
      return chain;
    },
    findContract: (id) => findContract(db, id),
    contractCursors: (chainId) => contractCursors(db, chainId),
    commitChainData(batch) {
      const result = inTransaction(db, () => commitChainData(db, batch));
      dirty = true;
      adjustCount(batch.chainId, result.inserted.length);
      return result;
    },
    blockHeaderAt: (chainId, number) => blockHeaderAt(db, chainId, number),
    queryEvents: (query) => queryEvents(db, query),
    storedBlockHash: (chainId, number) => storedBlockHash(db, chainId, number),
    eventBlocksAtOrBelow: (chainId, atOrBelow, limit) =>
      eventBlocksAtOrBelow(db, chainId, atOrBelow, limit),
    storedIdentities: (chainId, contractIds, fromBlock, toBlock) =>
      storedIdentities(db, chainId, contractIds, fromBlock, toBlock).map(
        ({ id: _id, ...identity }) => identity,
      ),
    eventByIdentity: (chainId, blockHash, logIndex) =>
      eventByIdentity(db, chainId, blockHash, logIndex),
    approvers: approverQueries(db),
    alerts: alertQueries(db, () => {
      dirty = true;
    }),
    applyCanonicalRange(range, reorg) {
      const result = inTransaction(db, () => {
        const changed = applyCanonicalRange(db, range);
        const recorded = reorg
          ? insertReorg(db, {
              ...reorg,
              eventsRemoved: changed.removed.length,
              eventsAdded: changed.added.length,
            })
          : undefined;
        return { ...changed, reorg: recorded };
      });
      dirty = true;
      adjustCount(range.chainId, result.added.length - result.removed.length);
      return result;
    },
    listReorgs: (chainId, limit) => listReorgs(db, chainId, limit),
    countReorgs: (chainId) => countReorgs(db, chainId),
    saveReconciliation(result, id) {
      const saved = inTransaction(db, () => saveReconciliation(db, result, id));
      dirty = true;
      return saved;
    },
    listReconciliations: (filter) => listReconciliations(db, filter),
    countEvents() {
      eventCounts ??= countEvents(db);
      return new Map(eventCounts);
    },
    eventsPerMinute: (chainId, minutes) => eventsPerMinute(db, chainId, minutes),
    listSigners: () => listSigners(db),
    findSigner: (address) => findSigner(db, address),
    meta: (key) => readMeta(db, key),
    findTransaction: (id) => findTransaction(db, id),
    listTransactions: (query) => listTransactions(db, query),
    nextTransactionId: () => nextTransactionId(db),
    hasTransactionFrom: (source) => hasTransactionFrom(db, source),
    get dirty() {
      return dirty;
    },
    snapshot() {
      const started = performance.now();
      const coveredSeq = journalSeqOf(db);
      const image = db.export();
      // export() closes and reopens the database, which resets its pragmas.
      configureDatabase(db);
      const bytes = writeSnapshot(dataDir, image);
      dirty = false;
      // The snapshot written before this one is now the previous snapshot, the fallback: the
      // journal must keep what comes after it, and nothing before it is needed any more.
      if (previousSnapshotSeq !== undefined) journal.compactThrough(previousSnapshotSeq);
      previousSnapshotSeq = coveredSeq;
      return { bytes, milliseconds: performance.now() - started };
    },
    close(options = {}) {
      if (closed) return;
      closed = true;
      if (options.snapshot !== false && dirty) store.snapshot();
      journal.close();
      db.close();
      unlock();
    },
  };
  return store;
}
