// The store: operator data in one small in-memory SQLite database (sql.js) made durable by an
// fsync'd journal replayed over atomic snapshots, and chain data in the chain-data store (a
// small head, its log, and sealed segments: chain-store.ts), so no write ever grows with the
// history. Synchronous by design: it lives inside the engine worker thread, so its blocking
// calls never stall main.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import type { Logger } from '../ports/index.ts';
import type { IntegrityProblem, StoreIntegrity } from './record-seal.ts';
import { VigilError } from '../errors/index.ts';
import type { ChainDataBatch, ChainDataCommitResult } from './chain-data.ts';
import { convertChainData, holdsOldChainData } from './chain-conversion.ts';
import {
  openChainStore,
  type ChainStore,
  type ChainStoreCrashPoint,
  type ChainStoreProblem,
  type ChainStoreStats,
  type ChainStoreTuning,
  type RefetchRange,
  type RetentionDeletion,
} from './chain-store.ts';
import {
  configureDatabase,
  inTransaction,
  loadSqlJs,
  openDatabase,
  selectOne,
} from './database.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { SealedFiles } from './durable-file.ts';
import { openJournal, type Journal } from './journal.ts';
import { migrate, schemaVersion } from './migrations.ts';
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
import { findSafe, listSafes, type SafeRecord } from './safes.ts';
import { findSigner, listSigners, readMeta, type SignerRecord } from './signers.ts';
import {
  findBySafeTxHash,
  findTransaction,
  firstTransactionFrom,
  hasTransactionFrom,
  listPolicyDecided,
  listTransactions,
  nextTransactionId,
  type PolicyDecisionsQuery,
  type TransactionsQuery,
} from './transactions.ts';
import type { Transaction } from '../../ipc/contract.ts';
import { alertQueries, type AlertQueries } from './alerts.ts';
import { chainAuditEntry, type AuditDraft, type AuditEntry } from '../audit-chain/index.ts';
import { insertAuditEntry, replayAuditEntry, type AuditQuery } from './audit-log.ts';
// ---- audit log at scale (sealed segments + live table) ----
import { openAuditArchive, type DamagedSegment, type SealCrashPoint } from './audit-archive.ts';
import { approverQueries, type ApproverQueries } from './approvers.ts';
import { automationQueries, type AutomationQueries } from './automation.ts';
import { scheduleQueries, type ScheduleQueries } from './schedules.ts';
import {
  auditSealingDefaults,
  createAuditHistory,
  type AuditHistory,
  type AuditSealingOptions,
} from './audit-history.ts';
import { loadSnapshot, sealSnapshots, snapshotFileNames, writeSnapshot } from './snapshot.ts';

export type {
  BlockHeader,
  ChainDataBatch,
  ChainDataCommitResult,
  EventsQuery,
  StoredEvent,
} from './chain-data.ts';
export type { ChainRecord, ContractRecord } from './operator-data.ts';
export type { SafeRecord, SafeStateRecord } from './safes.ts';
export type {
  ChainStoreCrashPoint,
  ChainStoreProblem,
  ChainStoreStats,
  ChainStoreTuning,
  RefetchRange,
  RetentionDeletion,
} from './chain-store.ts';
export type { OperatorCommand } from './commands.ts';
export type { SignerRecord } from './signers.ts';
export type { ApproverRecord } from './approvers.ts';
export type { AutomationQueries, AutomationSwitchRecord } from './automation.ts';
export type {
  PolicyDecisionsQuery,
  TransactionState,
  TimelineEntry,
  TransactionsQuery,
} from './transactions.ts';
export type { ScheduleQueries, StoredSchedule } from './schedules.ts';
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
export type { DamagedSegment, SealCrashPoint } from './audit-archive.ts';
export type { SealedFiles } from './durable-file.ts';
export { fsyncDirectoryAsync } from './durable-file.ts';
export type { AuditSealingOptions } from './audit-history.ts';
export type { IntegrityProblem, StoreIntegrity } from './record-seal.ts';

export interface StoreOptions {
  /** When the audit log's older entries are sealed into segment files, and their cache. */
  auditSealing?: AuditSealingOptions;
  /** The chain-data store's thresholds (see chain-store.ts). */
  chainData?: ChainStoreTuning;
  /**
   * Fault injection for kill -9 tests: called at each named step of the writes of sealing the
   * audit log and of the chain-data store.
   */
  crashPoint?: (point: SealCrashPoint | ChainStoreCrashPoint) => void;
  /**
   * The data directory's MAC key (from the OS keychain): journal lines, snapshots and both
   * manifests are sealed with it, and anything failing it is quarantined, never replayed.
   * Without it (tests of the store alone) they carry plain checksums.
   */
  integrity?: StoreIntegrity;
  /** Called after each durable append of audit entries with the log's new head. */
  onAuditAppended?: (head: { seq: number; hash: string }) => void;
}
export { migrations, migrate, schemaVersion } from './migrations.ts';
/** A page's cursor for a row: a search that filters rows pages with the store's own cursors. */
export { encodeCursor, positionOf } from './chain-data.ts';

export interface StoreRecovery {
  snapshotSource: 'current' | 'previous' | 'none';
  damagedSnapshots: { path: string; movedTo: string; reason: string }[];
  journalEntriesReplayed: number;
  droppedTornJournalBytes: number;
  /** Audit entries in the journal that did not continue the stored log (for the integrity check). */
  auditReplayProblems: string[];
  /** Damaged chain-data files found (moved aside; their ranges are fetched again). */
  chainDataProblems: ChainStoreProblem[];
  /** Events moved out of an operator database of the old layout at this start. */
  convertedEvents: number;
  /** Records that failed their MAC at this start: quarantined, not replayed or loaded. */
  integrityProblems: IntegrityProblem[];
  /** Whether this start sealed a directory written before MACs (its first start with a key). */
  adoptedMacs: boolean;
}

/** The chain-data reads and repairs the store passes straight to the chain store. */
type ChainDataAccess = Pick<
  ChainStore,
  | 'queryEvents'
  | 'blockHeaderAt'
  | 'storedBlockHash'
  | 'eventBlocksAtOrBelow'
  | 'storedIdentities'
  | 'eventByIdentity'
  | 'applyCanonicalRange'
  | 'listReorgs'
  | 'countReorgs'
  | 'saveReconciliation'
  | 'listReconciliations'
  | 'countEvents'
  | 'eventsPerMinute'
>;

export interface Store extends ChainDataAccess {
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
  /** Sealed audit segments found damaged (moved aside, still listed), at open or when read. */
  auditDamagedSegments(): DamagedSegment[];
  /** A gap or broken link between sealed segments and the live table, from the manifest. */
  auditSealedContinuity(): { atSeq: number; message: string } | undefined;
  /** How the audit log is split between sealed segments and the live table. */
  auditLayout(): { sealedSegments: number; sealedEntries: number; liveEntries: number };
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
  /** Alert rules, firings, deliveries (changed through execute) and matches waiting for confirmations. */
  readonly alerts: AlertQueries;
  readonly approvers: ApproverQueries;
  /** Automation policies and the switch. */
  readonly automation: AutomationQueries;
  /** Schedules and their slots' runs. */
  readonly schedules: ScheduleQueries;
  listSigners(): SignerRecord[];
  /** Safes the operator added, oldest first. */
  listSafes(): SafeRecord[];
  findSafe(id: string): SafeRecord | undefined;
  /** By address, in any letter case. */
  findSigner(address: string): SignerRecord | undefined;
  /** A value the data directory keeps about itself (set with the `meta.set` command). */
  meta(key: string): string | undefined;
  findTransaction(id: number): Transaction | undefined;
  /** Newest first. */
  listTransactions(query?: TransactionsQuery): Transaction[];
  /** Transactions carrying a policy's decision, newest decision first, without timelines. */
  listPolicyDecided(query?: PolicyDecisionsQuery): Transaction[];
  /** Safe proposals whose Safe transaction hash is this (any letter case), newest first. */
  findSafeProposals(safeTxHash: string): Transaction[];
  nextTransactionId(): number;
  /** Whether any transaction was proposed on behalf of `source`. */
  hasTransactionFrom(source: string): boolean;
  /** The id of the first transaction proposed on behalf of `source`. */
  firstTransactionFrom(source: string): number | undefined;
  /**
   * Deletes sealed chain data past each contract's retention (see ChainStore.applyRetention);
   * contracts without one keep everything. Returns what went, one entry per contract and segment.
   */
  applyRetention(nowSeconds: number): RetentionDeletion[];
  /** Seals final chain data, merges small segments (see chain-store.ts); cheap when idle. */
  maintainChainData(): { sealed: number; merged: number };
  /** Sizes and write counts of the chain-data store, for the Dashboard. */
  chainDataStats(): ChainStoreStats & { operatorSnapshotBytes: number; bytesWritten: number };
  /**
   * Sealed chain-data and audit segments, sized from their manifests: the size on disk adds
   * these to a walk of the rest of the data directory, so it does not grow with history.
   */
  sealedFiles(): SealedFiles;
  /** Damaged chain-data files found so far, at start or at a first read (moved aside). */
  chainDataProblems(): readonly ChainStoreProblem[];
  /** Ranges whose stored events were lost with a damaged file, to fetch again. */
  pendingRefetches(): RefetchRange[];
  refetched(range: RefetchRange): void;
  /** True when operator data changed since the last snapshot. */
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

const CHAIN_DIR = 'chain';

export async function openStore(
  dataDir: string,
  log: Logger,
  options: StoreOptions = {},
): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    return await openLockedStore(dataDir, log, unlock, options);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function openLockedStore(
  dataDir: string,
  log: Logger,
  unlock: () => void,
  options: StoreOptions,
): Promise<Store> {
  const SQL = await loadSqlJs();
  const { integrity } = options;
  const loaded = loadSnapshot(dataDir, Date.now(), integrity);
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
  const chainDir = join(dataDir, CHAIN_DIR);
  let convertedEvents = 0;
  if (schemaVersion(db) < 7 && holdsOldChainData(db) && !existsSync(chainDir)) {
    convertedEvents = convertChainData(SQL, db, chainDir);
    log.info(
      `Converted the data directory to the chain-data store: ${convertedEvents} events moved out of the operator database.`,
    );
  }
  const migrated = migrate(db);
  // ---- audit log at scale: the sealed segments, needed before the journal replay ----
  const archive = openAuditArchive({
    SQL,
    dataDir,
    cacheBytes: options.auditSealing?.cacheBytes ?? auditSealingDefaults.cacheBytes,
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
    ...(integrity ? { integrity } : {}),
  });

  const { journal, droppedTornTailBytes, quarantined } = openJournal<OperatorCommand>(
    join(dataDir, JOURNAL_FILE),
    integrity,
  );
  if (quarantined) log.error(quarantined.message);
  if (droppedTornTailBytes > 0) {
    log.warn(
      `The journal ended in a torn write of ${droppedTornTailBytes} bytes (never acknowledged); it was cut off.`,
    );
  }
  const appliedSeq = journalSeqOf(db);
  // Quarantined lines the loaded snapshot already holds: the journal goes on after the snapshot.
  if (quarantined && appliedSeq > journal.lastSeq) journal.restartAfter(appliedSeq);
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
        const problem = replayAuditEntry(db, auditEntry, entry.seq, archive.tail()?.seq);
        if (problem) auditReplayProblems.push(problem);
      }
      setJournalSeq(db, entry.seq);
    });
    replayed++;
  }

  let chain: ChainStore;
  try {
    chain = await openChainStore({
      SQL,
      dir: chainDir,
      log,
      ...(options.chainData ? { tuning: options.chainData } : {}),
      ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
      ...(integrity ? { integrity } : {}),
    });
  } catch (error) {
    journal.close();
    throw error;
  }
  // The first start with a key over a directory from before MACs seals every file once.
  if (integrity?.adopting) {
    const sealed = { ...integrity, adopting: false };
    journal.sealAll();
    sealSnapshots(dataDir, sealed);
    chain.sealManifest();
    archive.sealManifest();
  }
  // Contracts removed while the process was down, or by replayed journal entries.
  chain.purge(liveWatchConfig(db));
  // ---- audit log at scale: entries a crash left both sealed and live are read once ----
  const auditHistory = createAuditHistory({
    live: db,
    archive,
    log,
    ...(options.auditSealing ? { options: options.auditSealing } : {}),
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
  });
  const droppedSealed = auditHistory.dropSealedFromLive();

  return createStore({
    db,
    chain,
    dataDir,
    journal,
    unlock,
    auditHistory,
    recovery: {
      snapshotSource: loaded.source,
      damagedSnapshots: loaded.problems,
      journalEntriesReplayed: replayed,
      droppedTornJournalBytes: droppedTornTailBytes,
      auditReplayProblems,
      chainDataProblems: [...chain.problems],
      convertedEvents,
      integrityProblems: [
        ...loaded.forged,
        ...(quarantined ? [quarantined] : []),
        ...chain.forged,
        ...archive.forged,
      ],
      // A fresh directory has nothing to adopt; one with data from before MACs does.
      adoptedMacs:
        integrity?.adopting === true && (loaded.source !== 'none' || journal.entries.length > 0),
    },
    integrity,
    onAuditAppended: options.onAuditAppended,
    dirtyAtStart:
      replayed > 0 || loaded.problems.length > 0 || migrated.length > 0 || droppedSealed > 0,
  });
}

function liveWatchConfig(db: Database): {
  contractIds: Set<string>;
  chainIds: Set<number>;
} {
  return {
    contractIds: new Set(listContracts(db).map((contract) => contract.id)),
    chainIds: new Set(listChains(db).map((chain) => chain.chainId)),
  };
}

/** A contract's cursor as the watcher reads it: none below its start block. */
function withCursor(contract: ContractRecord, cursors: Map<string, number>): ContractRecord {
  const cursor = cursors.get(contract.id);
  return {
    ...contract,
    indexedThrough: cursor === undefined || cursor < contract.startBlock ? null : cursor,
  };
}

function createStore(parts: {
  db: Database;
  chain: ChainStore;
  dataDir: string;
  journal: Journal<OperatorCommand>;
  unlock: () => void;
  auditHistory: AuditHistory;
  recovery: StoreRecovery;
  dirtyAtStart: boolean;
  integrity: StoreIntegrity | undefined;
  onAuditAppended: StoreOptions['onAuditAppended'];
}): Store {
  const { db, chain, dataDir, journal, unlock, recovery, auditHistory } = parts;
  const integrity = parts.integrity && { ...parts.integrity, adopting: false };
  let dirty = parts.dirtyAtStart;
  let closed = false;
  let operatorBytesWritten = 0;
  let operatorSnapshotBytes = 0;
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
        let previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined = auditHistory.chainTail();
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
      const head = written.at(-1);
      if (head) parts.onAuditAppended?.({ seq: head.seq, hash: head.hash });
      // Journaled first: a crash before the purge is finished by the purge at the next start.
      if (removesEvents(command)) chain.purge(liveWatchConfig(db));
      return written;
    },
    recordAudit: (audit) => store.execute({ type: 'audit.record' }, audit),
    // ---- audit log at scale: reads across sealed segments and the live table ----
    listAudit: (query) => auditHistory.list(query),
    countAudit: (query) => auditHistory.count(query),
    lastAuditEntry: () => auditHistory.last(),
    auditEntryAt: (seq) => auditHistory.entryAt(seq),
    auditSeqRange: (range) => auditHistory.seqRange(range),
    auditFacets: () => auditHistory.facets(),
    auditDamagedSegments: () => auditHistory.damagedSegments(),
    auditSealedContinuity: () => auditHistory.sealedContinuity(),
    auditLayout: () => auditHistory.layout(),
    keepCopyOfFiles(folderName) {
      const folder = join(dataDir, folderName);
      if (existsSync(folder)) return folder;
      mkdirSync(folder, { recursive: true });
      for (const name of [snapshotFileNames.current, snapshotFileNames.previous, JOURNAL_FILE]) {
        const source = join(dataDir, name);
        if (existsSync(source)) copyFileSync(source, join(folder, name));
      }
      // Sealed segments are never rewritten; the manifest that lists them is.
      auditHistory.copyManifestTo(folder);
      return folder;
    },
    forEachAuditEntry: (bounds, visit) => auditHistory.forEach(bounds, visit),
    listChains: () => listChains(db),
    listContracts(chainId) {
      const contracts = listContracts(db, chainId);
      const cursorsByChain = new Map<number, Map<string, number>>();
      return contracts.map((contract) => {
        let cursors = cursorsByChain.get(contract.chainId);
        if (!cursors)
          cursorsByChain.set(contract.chainId, (cursors = chain.cursors(contract.chainId)));
        return withCursor(contract, cursors);
      });
    },
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
    findContract(id) {
      const contract = findContract(db, id);
      return contract && withCursor(contract, chain.cursors(contract.chainId));
    },
    contractCursors(chainId) {
      const cursors = chain.cursors(chainId);
      return contractCursors(db, chainId).map((contract) => ({
        ...contract,
        cursor: cursors.get(contract.id) ?? contract.startBlock - 1,
      }));
    },
    commitChainData: (batch) => chain.commit(batch),
    blockHeaderAt: (chainId, number) => chain.blockHeaderAt(chainId, number),
    queryEvents: (query) => chain.queryEvents(query),
    storedBlockHash: (chainId, number) => chain.storedBlockHash(chainId, number),
    eventBlocksAtOrBelow: (chainId, atOrBelow, limit) =>
      chain.eventBlocksAtOrBelow(chainId, atOrBelow, limit),
    storedIdentities: (chainId, contractIds, fromBlock, toBlock) =>
      chain.storedIdentities(chainId, contractIds, fromBlock, toBlock),
    eventByIdentity: (chainId, blockHash, logIndex) =>
      chain.eventByIdentity(chainId, blockHash, logIndex),
    approvers: approverQueries(db),
    automation: automationQueries(db),
    schedules: scheduleQueries(db),
    alerts: alertQueries(db, () => {
      dirty = true;
    }),
    applyCanonicalRange: (range, reorg) => chain.applyCanonicalRange(range, reorg),
    listReorgs: (chainId, limit) => chain.listReorgs(chainId, limit),
    countReorgs: (chainId) => chain.countReorgs(chainId),
    saveReconciliation: (result, id) => chain.saveReconciliation(result, id),
    listReconciliations: (filter) => chain.listReconciliations(filter),
    countEvents: () => chain.countEvents(),
    eventsPerMinute: (chainId, minutes) => chain.eventsPerMinute(chainId, minutes),
    applyRetention(nowSeconds) {
      const policies = new Map(
        listContracts(db).flatMap((contract) =>
          contract.retention ? [[contract.id, contract.retention] as const] : [],
        ),
      );
      return policies.size === 0 ? [] : chain.applyRetention(policies, nowSeconds);
    },
    maintainChainData: () => chain.maintain(),
    chainDataStats() {
      const stats = chain.stats();
      return {
        ...stats,
        operatorSnapshotBytes,
        bytesWritten: stats.bytesWritten + operatorBytesWritten + journal.bytesAppended,
      };
    },
    sealedFiles() {
      const parts = [chain.sealedFiles(), auditHistory.sealedFiles()];
      return {
        directories: parts.flatMap((part) => part.directories),
        bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
      };
    },
    chainDataProblems: () => chain.problems,
    pendingRefetches: () => chain.pendingRefetches(),
    refetched: (range) => chain.refetched(range),
    listSigners: () => listSigners(db),
    listSafes: () => listSafes(db),
    findSafe: (id) => findSafe(db, id),
    findSigner: (address) => findSigner(db, address),
    meta: (key) => readMeta(db, key),
    findTransaction: (id) => findTransaction(db, id),
    listTransactions: (query) => listTransactions(db, query),
    listPolicyDecided: (query) => listPolicyDecided(db, query),
    findSafeProposals: (safeTxHash) => findBySafeTxHash(db, safeTxHash),
    nextTransactionId: () => nextTransactionId(db),
    hasTransactionFrom: (source) => hasTransactionFrom(db, source),
    firstTransactionFrom: (source) => firstTransactionFrom(db, source),
    get dirty() {
      return dirty;
    },
    snapshot() {
      const started = performance.now();
      // ---- audit log at scale: this snapshot persists the removal of what was just sealed ----
      auditHistory.sealDue();
      const coveredSeq = journalSeqOf(db);
      const image = db.export();
      // export() closes and reopens the database, which resets its pragmas.
      configureDatabase(db);
      const bytes = writeSnapshot(dataDir, image, integrity);
      operatorBytesWritten += bytes;
      operatorSnapshotBytes = bytes;
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
      chain.close({ checkpoint: options.snapshot !== false });
      journal.close();
      auditHistory.close();
      db.close();
      unlock();
    },
  };
  return store;
}
