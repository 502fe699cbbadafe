// The engine: everything that touches the store and the chains, run inside one worker thread so
// sql.js's synchronous calls, log decoding and big JSON responses never stall main. It answers
// contract requests, runs one watcher per chain, schedules snapshots and batches pushes.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getAddress } from 'viem';
import type { Logger, PushListener } from '../ports/index.ts';
import type {
  ApprovalProof,
  Chain,
  ChainDrift,
  ChainStatus,
  ContractProxy,
  EventRow,
  Reconciliation,
  ReorgRecord,
  RequestName,
  Retention,
  TokenDisplayInfo,
  WatchedContract,
} from '../../ipc/contract.ts';
import { createLogDecoder, eventSignaturesOf, parseAbiInput } from '../abi/index.ts';
import {
  createProviderMonitor,
  createRpcPool,
  defaultConfirmations,
  nativeCurrencyOf,
  searchChainPresets,
  redactUrl,
  redactUrlsIn,
  checkRpcDestinations,
  verifyRpcUrls,
  type ProviderMonitor,
  type RpcPool,
} from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  createProjectRoots,
  detectProxy,
  findCreationBlock,
  implementationsCovered,
  type ProxyInfo,
  mergeAbis,
  proxyEvents,
} from '../intake/index.ts';
import type {
  AuditSealingOptions,
  ChainRecord,
  ChainStoreTuning,
  ContractRecord,
  Store,
} from '../store/index.ts';
import {
  auditActions,
  checkLiveLogAtStart,
  createAuditService,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditDraft,
} from '../audit/index.ts';
import { createEngineEvents, type EngineEvents } from './engine-events.ts';
import {
  checkAuditHead,
  createSafeMode,
  publicKeyFingerprint,
  signExport,
  type AuditHead,
  type AuditHeadKeeper,
  type DataDirSecrets,
} from '../integrity/index.ts';
import {
  createExplorerKeys,
  createOsKeychain,
  createSecretRefs,
  createSignerService,
  displayUrl,
  type Keychain,
  type UrlSecrets,
} from '../keys/index.ts';
import { createTxQueueService, type TxCrashPoint } from '../txqueue/index.ts';
import {
  createApprovalsService,
  createWebAuthnGate,
  describeGatedRequest,
  type Caller,
  type GatePolicy,
  type PersonGate,
} from '../approvals/index.ts';
import {
  mergeHandlers,
  mergePrechecks,
  type CallContext,
  type ChainAccess,
  type EngineService,
  type RequestHandlers,
  type ServiceContext,
} from './service.ts';
import {
  compareRange,
  createChainWatcher,
  reconcileRange,
  repairRange,
  type ChainWatcher,
  type ReconcileDependencies,
  type ReorgCrashPoint,
  type WatchedContractDecoder,
} from '../watch/index.ts';
import { createDriftHistory } from './drift-history.ts';
import {
  createWatchConfigUpdates,
  describeChanges,
  type FieldChanges,
} from './watch-config-updates.ts';
import { createTokenDisplays } from './token-displays.ts';
import { searchEvents, type EventSearchQuery } from './event-search.ts';
import { createTransactionFetcher } from '../alerts/index.ts';
import { createProxyChecks } from './proxy-checks.ts';
import { createSafeAccounts } from './safe-accounts.ts';
import {
  automationGateDescribers,
  createAutomationService,
  createPolicyApprover,
} from '../automation/index.ts';
import {
  createScheduleService,
  scheduleGateDescribers,
  type ScheduleCrashPoint,
} from '../schedules/index.ts';
import { createCurrentAbiRows, queryWithCurrentAbi } from './current-abi-rows.ts';
import { createImplementationAbis } from './implementation-abis.ts';
import { createProjectDiscovery } from './project-discovery.ts';
import { createVerifiedSources } from './verified-sources.ts';
import { resolveWorkspaceContract } from './workspace-sources.ts';
import { createWorkspaceImports, workspaceImportGateDescribers } from './workspace-imports.ts';
import { parseWorkspace, serializeWorkspace, type Workspace } from '../workspace/index.ts';
import { createPushBatcher } from './push-batcher.ts';
import { createStoreHealthService } from './store-health.ts';
import { createAlertService } from '../alerts/index.ts';

/** Timings; the defaults suit an operator, tests shorten them. Plain numbers: they cross to the worker. */
export interface EngineTuning {
  snapshotMinIntervalMs?: number;
  statusIntervalMs?: number;
  pollIntervalMs?: number;
  driftIntervalMs?: number;
  /** How often a recent stretch of each chain is reconciled on its own; 0 turns it off. */
  reconcileIntervalMs?: number;
  /** One attempt on one RPC URL. */
  rpcTimeoutMs?: number;
  /** How often each chain's RPC URLs are compared (heads, one block hash). */
  providerCheckIntervalMs?: number;
  /** How often each RPC URL's chain id is asked again. */
  chainIdCheckIntervalMs?: number;
  /** Sent and not mined for this long: a transaction is flagged as stuck. */
  txStuckAfterMs?: number;
  /** How often, at most, signers' balances on one chain are read again (on new heads). */
  balanceRefreshMs?: number;
  /** An approval older than this at resume (after a restart) is simulated again first. */
  staleApprovalMs?: number;
  /** When older audit entries are sealed into segment files (read by the store, at open). */
  auditSealing?: AuditSealingOptions;
  /** The chain-data store's thresholds (see store/chain-store.ts); tests make them small. */
  sealMinEvents?: number;
  sealMaxAgeMs?: number;
  segmentTargetEvents?: number;
  segmentCacheBytes?: number;
  /** How often final chain data is sealed and small segments merged. */
  maintainIntervalMs?: number;
  /** How often sealed chain data past contracts' retention is deleted (hourly). */
  retentionIntervalMs?: number;
  /** How often the store's health is measured and pushed. */
  storeHealthIntervalMs?: number;
  /** How often watched proxies are read again for upgrades; 0 turns it off. */
  proxyCheckIntervalMs?: number;
  /** How often added Safes are read again for owner, threshold, module and guard changes; 0: off. */
  safeRefreshMs?: number;
  /** How often live Safe proposals are checked for approveHash and execution elsewhere; 0: off. */
  safeFollowMs?: number;
  /** A Safe Transaction Service per chain id (root URL): signatures posted there and read back. */
  safeServiceUrls?: Record<string, string>;
  /**
   * MultiSendCallOnly per chain (chain id → address), the one contract a Safe proposal may
   * DELEGATECALL; a chain not listed has Safe 1.4.1's canonical deployment.
   */
  multiSendCallOnly?: Record<string, string>;
  /** The operator's setting: webhooks may go to loopback, private and link-local addresses. */
  allowPrivateWebhooks?: boolean;
  /**
   * The operator's setting (--allow-private-rpc): RPC URLs on loopback, private and link-local
   * addresses are accepted from any client; without it a person approves them.
   */
  allowPrivateRpc?: boolean;
  /**
   * Where verified ABIs are fetched: Sourcify's server and an Etherscan-family API v2 (another
   * explorer of the family, or a local server in tests). The public services unless given.
   */
  verifiedSourceUrls?: { sourcify?: string; etherscan?: string };
  /** One request to Sourcify or the explorer. */
  verifiedSourceTimeoutMs?: number;
  /**
   * Folders the operator allowed project discovery to read (headless mode's --project-root);
   * the desktop app adds the ones picked in its folder dialog while it runs.
   */
  projectRoots?: string[];
}

/** The part of the tuning the store takes when it is opened. */
export function chainDataTuning(tuning: EngineTuning): ChainStoreTuning {
  const { sealMinEvents, sealMaxAgeMs, segmentTargetEvents, segmentCacheBytes } = tuning;
  return Object.fromEntries(
    Object.entries({ sealMinEvents, sealMaxAgeMs, segmentTargetEvents, segmentCacheBytes }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

export interface EngineOptions extends EngineTuning {
  store: Store;
  log: Logger;
  /** Who the operator is in the audit log: their profile name. */
  actor: string;
  push: PushListener;
  /** Where signer keys live; the OS keychain unless given. */
  keychain?: Keychain;
  /** RPC URLs' API keys, kept in the keychain (see keys/url-secrets.ts), read at start. */
  urlSecrets: UrlSecrets;
  /**
   * Fault injection for crash tests (see worker.ts): the queue's steps, a reorg's repair, and a
   * schedule's slot between its proposal and its record.
   */
  crashPoint?: (point: TxCrashPoint | ReorgCrashPoint | ScheduleCrashPoint) => void;
  /** How a person approves: WebAuthn assertions unless the desktop app gives its dialog. */
  personGate?: PersonGate;
  /**
   * The data directory's secrets in the keychain and what was read from it before the store
   * opened: the MAC key (approvals are sealed with it), the audit head kept at the last append,
   * and the keeper that writes new heads. Without it (a test of the engine alone) nothing is
   * sealed and exports are not signed.
   */
  integrity?: {
    secrets: DataDirSecrets;
    keptAuditHead: AuditHead | undefined;
    headKeeper: AuditHeadKeeper;
  };
  /**
   * The time alert rules and a chain's lag are measured in: Date.now, unless a test moves it on
   * to show a rule about elapsed time without waiting that long (see worker.ts).
   */
  now?: () => number;
}

export interface WorkspaceApplySummary {
  chainsAdded: number;
  chainsUnchanged: number;
  contractsAdded: number;
  contractsUnchanged: number;
  transactionsProposed: number;
  transactionsUnchanged: number;
  rulesAdded: number;
  rulesUnchanged: number;
  policiesAdded: number;
  policiesChanged: number;
  policiesUnchanged: number;
  schedulesAdded: number;
  schedulesUnchanged: number;
}

export interface Engine {
  handle(name: RequestName, input: unknown, caller?: Caller): Promise<unknown>;
  applyWorkspaceFile(path: string): Promise<WorkspaceApplySummary>;
  /** A folder the operator picked in the desktop app's dialog; returns its real path. */
  allowProjectRoot(path: string): string;
  close(): Promise<void>;
}

interface RunningChain {
  record: ChainRecord;
  rpc: RpcPool;
  monitor: ProviderMonitor;
  watcher: ChainWatcher;
  decoders: Map<string, WatchedContractDecoder>;
}

type ChainsAddInput = {
  name: string;
  chainId: number;
  rpcUrls: string[];
  confirmations?: number;
  explorerUrl?: string;
};
type ContractsAddInput = {
  chainId: number;
  address: string;
  abi: unknown;
  startBlock?: number;
  name?: string;
  retention?: Retention;
  implementationAbi?: unknown;
};

export function createEngine(options: EngineOptions): Engine {
  const { store, log, actor } = options;
  const events: EngineEvents = createEngineEvents((error) =>
    log.error(
      `A capability failed while reacting to the watcher: ${(error as Error).stack ?? error}`,
    ),
  );
  const running = new Map<number, RunningChain>();
  const currentAbiRows = createCurrentAbiRows(store);
  // Pushed rows are read like queried ones, with their contract's ABI as it is now: a row the
  // watcher stored before an ABI change (or an update of one) would otherwise reach the views
  // undecoded after the view's own reload had shown it decoded. Rows the watcher decoded use the
  // decoders refreshed at each ABI change, so a batch with no undecoded row (every batch of a
  // backfill of known events) is pushed as it is, without a second decode on that hot path.
  const currentPushRows = (rows: EventRow[]): EventRow[] =>
    rows.some((row) => row.eventName === null) ? currentAbiRows(rows) : rows;
  const batcher = createPushBatcher((name, payload) =>
    options.push(
      name,
      name === 'events.batch'
        ? ({ rows: currentPushRows((payload as { rows: EventRow[] }).rows) } as never)
        : payload,
    ),
  );
  const snapshotMinIntervalMs = options.snapshotMinIntervalMs ?? 2_000;
  let lastSnapshotAt = Date.now();
  let lastSnapshotMs = 0;
  let lastStatusJson = '';
  let lastDriftJson = '';
  const driftHistory = createDriftHistory();

  // ---- audit ----------------------------------------------------------------------------

  const byOperator = (
    action: AuditAction,
    subject: string,
    details: Record<string, unknown>,
  ): AuditDraft => ({
    actor,
    action,
    subject,
    details,
  });

  function recordReorg(reorg: ReorgRecord): void {
    // A crash can lose the snapshot that held a reorg's repair, and the watcher then finds the
    // same reorg again: it is recorded once, keyed by the chain and the orphaned hashes.
    const key = `${reorg.chainId}:${reorg.oldBlocks.map((block) => block.hash).join(',')}`;
    const seen = store
      .listAudit({
        action: 'reorg.detected',
        subject: `chain:${reorg.chainId}`,
        order: 'desc',
        limit: 50,
      })
      .some((entry) => entry.details['key'] === key);
    if (seen) return;
    store.recordAudit([
      {
        actor: SYSTEM_ACTOR,
        action: 'reorg.detected',
        subject: `chain:${reorg.chainId}`,
        details: {
          key,
          forkBlock: reorg.forkBlock,
          depth: reorg.depth,
          beyondWindow: reorg.beyondWindow,
          eventsRemoved: reorg.eventsRemoved,
          eventsAdded: reorg.eventsAdded,
          oldBlocks: reorg.oldBlocks,
          newBlocks: reorg.newBlocks,
        },
      },
    ]);
  }

  // ---- watchers -------------------------------------------------------------------------

  function decodersFor(chainId: number): Map<string, WatchedContractDecoder> {
    const decoders = new Map<string, WatchedContractDecoder>();
    for (const contract of store.listContracts(chainId)) {
      decoders.set(contract.address.toLowerCase(), {
        contractId: contract.id,
        address: contract.address,
        decode: createLogDecoder(contract.abi as never),
      });
    }
    return decoders;
  }

  function startChain(record: ChainRecord): void {
    let urls: string[];
    try {
      urls = record.rpcUrls.map((url) => options.urlSecrets.reveal(url));
    } catch (error) {
      // One chain whose key cannot be read is not watched; the others are, and it says why.
      log.error(
        `Chain ${record.chainId} (${record.name}) is not watched: ${(error as Error).message}`,
      );
      return;
    }
    const rpc = createRpcPool(urls, {
      chainId: record.chainId,
      ...(options.rpcTimeoutMs === undefined ? {} : { timeoutMs: options.rpcTimeoutMs }),
    });
    const monitor = createProviderMonitor({
      chainId: record.chainId,
      confirmations: record.confirmations,
      pool: rpc,
      storedHashAt: (blockNumber) => store.storedBlockHash(record.chainId, blockNumber),
      onChange: () => publishDrift(true),
      log,
      ...(options.providerCheckIntervalMs === undefined
        ? {}
        : { intervalMs: options.providerCheckIntervalMs }),
      ...(options.chainIdCheckIntervalMs === undefined
        ? {}
        : { chainIdIntervalMs: options.chainIdCheckIntervalMs }),
    });
    const entry: RunningChain = {
      record,
      rpc,
      monitor,
      decoders: decodersFor(record.chainId),
      watcher: undefined as never,
    };
    entry.watcher = createChainWatcher({
      chain: record,
      store,
      rpc,
      decoders: (address) => entry.decoders.get(address),
      onRows: (rows) => {
        batcher.addRows(rows);
        events.emit('rows', rows);
      },
      onHead: (headBlock) => events.emit('head', record.chainId, headBlock),
      onReorg: (reorg) => {
        recordReorg(reorg);
        publishDrift(true);
        events.emit('reorg', reorg);
      },
      crossCheck: (blockNumber) => monitor.checkNow(blockNumber),
      log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
    });
    running.set(record.chainId, entry);
    monitor.start();
    entry.watcher.start();
  }

  async function stopChain(chainId: number): Promise<void> {
    const entry = running.get(chainId);
    if (!entry) return;
    running.delete(chainId);
    driftHistory.forget(chainId);
    await Promise.all([entry.watcher.stop(), entry.monitor.stop()]);
    entry.rpc.close();
  }

  async function restartChain(chainId: number): Promise<void> {
    await stopChain(chainId);
    const record = store.findChain(chainId);
    if (record) startChain(record);
  }

  function refreshDecoders(chainId: number): void {
    const entry = running.get(chainId);
    if (!entry) return;
    entry.decoders = decodersFor(chainId);
    entry.watcher.wake();
  }

  for (const chain of store.listChains()) startChain(chain);

  // ---- wire shapes ----------------------------------------------------------------------

  function toWireChain(chain: ChainRecord): Chain {
    const nativeCurrency = nativeCurrencyOf(chain.chainId);
    return {
      ...chain,
      rpcUrls: chain.rpcUrls.map(displayUrl),
      ...(nativeCurrency ? { nativeCurrency } : {}),
    };
  }

  function toWireContract(contract: ContractRecord): WatchedContract {
    return {
      id: contract.id,
      chainId: contract.chainId,
      address: contract.address,
      name: contract.name,
      startBlock: contract.startBlock,
      abi: contract.abi,
      eventNames: [
        ...new Set(eventSignaturesOf(contract.abi as never).map((event) => event.eventName)),
      ],
      indexedThrough: contract.indexedThrough,
      ...(contract.retention ? { retention: contract.retention } : {}),
      ...(contract.token ? { token: contract.token } : {}),
      ...(contract.proxy ? { proxy: contract.proxy } : {}),
    };
  }

  function pushConfig(): void {
    options.push('config.changed', {
      chains: store.listChains().map(toWireChain),
      contracts: store.listContracts().map(toWireContract),
    });
    // A chain added or removed changes the drift list too; views should not wait for the timer.
    publishDrift(true);
  }

  // The per-minute chart groups the events of the last half hour: a query over the whole recent
  // range that, run every second during a backfill, cost as much as a tenth of the inserts.
  const eventsPerMinuteCache = new Map<
    number,
    { at: number; buckets: ChainStatus['eventsPerMinute'] }
  >();
  function recentEventsPerMinute(chainId: number): ChainStatus['eventsPerMinute'] {
    const cached = eventsPerMinuteCache.get(chainId);
    const phase = running.get(chainId)?.watcher.status().phase;
    const maxAgeMs = phase === 'backfilling' ? 15_000 : 2_000;
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.buckets;
    const buckets = store.eventsPerMinute(chainId, 30);
    eventsPerMinuteCache.set(chainId, { at: Date.now(), buckets });
    return buckets;
  }

  function chainStatuses(): ChainStatus[] {
    const counts = store.countEvents();
    return store.listChains().map((chain) => {
      const watcher = running.get(chain.chainId)?.watcher;
      const base = watcher?.status();
      return {
        chainId: chain.chainId,
        name: chain.name,
        headBlock: base?.headBlock ?? null,
        indexedThrough: base?.indexedThrough ?? null,
        lag: base?.lag ?? null,
        backfill: base?.backfill ?? {
          fromBlock: 0,
          targetBlock: 0,
          doneBlocks: 0,
          totalBlocks: 0,
          progress: 1,
          rangeBlocks: null,
          rangeShrunk: null,
        },
        phase: base?.phase ?? 'idle',
        rpc: base?.rpc ?? [],
        eventsPerMinute: recentEventsPerMinute(chain.chainId),
        totalEvents: counts.get(chain.chainId) ?? 0,
        lastError: base?.lastError ?? null,
      };
    });
  }

  // ---- drift ----------------------------------------------------------------------------

  /** A configured chain's watcher, RPC pool and decoders. */
  function runningChain(chainId: number): RunningChain {
    const entry = running.get(chainId);
    if (entry) return entry;
    store.requireChain(chainId);
    throw new VigilError('INTERNAL', `Chain ${chainId} is configured but not being watched.`);
  }

  function reconcileDependencies(chainId: number): ReconcileDependencies {
    const entry = runningChain(chainId);
    return {
      chainId,
      confirmations: entry.record.confirmations,
      store,
      rpc: entry.rpc,
      sizer: entry.watcher.sizer,
      decoders: (address) => entry.decoders.get(address),
    };
  }

  function chainDrift(chain: ChainRecord): ChainDrift {
    const entry = running.get(chain.chainId);
    const status = entry?.watcher.status();
    const headBlock = status?.headBlock ?? null;
    const indexedThrough = status?.indexedThrough ?? null;
    const confirmedThrough =
      headBlock === null || indexedThrough === null
        ? null
        : Math.max(0, Math.min(indexedThrough, headBlock - chain.confirmations));
    const lastReorg = store.listReorgs(chain.chainId, 1)[0] ?? null;
    return {
      chainId: chain.chainId,
      name: chain.name,
      headBlock,
      indexedThrough,
      confirmedThrough,
      confirmations: chain.confirmations,
      lagBlocks: status?.lag ?? null,
      lagSeconds: entry?.watcher.lagSeconds() ?? null,
      history: driftHistory.samples(chain.chainId),
      // The pool knows the URLs with their keys; views get them redacted.
      providers: (entry?.rpc.providers() ?? []).map((provider) => ({
        ...provider,
        url: redactUrl(provider.url),
        reason: provider.reason === null ? null : redactUrlsIn(provider.reason),
        lastError: provider.lastError === null ? null : redactUrlsIn(provider.lastError),
      })),
      disagreements: (entry?.monitor.disagreements() ?? []).map((disagreement) => ({
        ...disagreement,
        hashes: disagreement.hashes.map((hash) => ({ ...hash, url: redactUrl(hash.url) })),
        suspects: disagreement.suspects.map(redactUrl),
      })),
      reconciliations: store.listReconciliations({ chainId: chain.chainId, limit: 20 }),
      reorgCount: store.countReorgs(chain.chainId),
      lastReorg,
    };
  }

  function sampleDrift(): void {
    const at = Date.now();
    for (const chain of store.listChains()) {
      const watcher = running.get(chain.chainId)?.watcher;
      const status = watcher?.status();
      driftHistory.record(chain.chainId, {
        at,
        headBlock: status?.headBlock ?? null,
        indexedThrough: status?.indexedThrough ?? null,
        lagBlocks: status?.lag ?? null,
        lagSeconds: watcher?.lagSeconds() ?? null,
      });
    }
  }

  function publishDrift(force = false): void {
    const chains = store.listChains().map(chainDrift);
    const json = JSON.stringify(chains);
    if (!force && json === lastDriftJson) return;
    lastDriftJson = json;
    options.push('drift.changed', { chains });
  }

  async function runReconciliation(
    chainId: number,
    fromBlock?: number,
    toBlock?: number,
  ): Promise<Reconciliation> {
    const deps = reconcileDependencies(chainId);
    const range = reconcileRange(deps, fromBlock, toBlock);
    let saved: Reconciliation;
    try {
      saved = store.saveReconciliation(await compareRange(deps, range.fromBlock, range.toBlock));
    } catch (error) {
      saved = store.saveReconciliation({
        chainId,
        at: Date.now(),
        ...range,
        storedCount: 0,
        chainCount: 0,
        missing: [],
        extra: [],
        status: 'failed',
        error: (error as Error).message.split('\n')[0] ?? 'unknown error',
      });
    }
    if (saved.status === 'mismatch') {
      log.error(
        `Reconciliation of chain ${chainId} blocks ${saved.fromBlock}–${saved.toBlock}: ${saved.chainCount} events on the chain, ${saved.storedCount} stored; ${saved.missing.length} missing, ${saved.extra.length} extra.`,
      );
    }
    publishDrift(true);
    return saved;
  }

  async function runRepair(id: number): Promise<Reconciliation> {
    const previous = store.listReconciliations({ id, limit: 1 })[0];
    if (!previous)
      throw new VigilError('NOT_FOUND', `No reconciliation has id ${id}.`, { field: 'id' });
    const deps = reconcileDependencies(previous.chainId);
    const result = await repairRange(deps, previous.fromBlock, previous.toBlock);
    const changed = [...result.removed, ...result.added];
    if (changed.length > 0) batcher.addRows(changed);
    const saved = store.saveReconciliation(
      { ...result.recheck, status: result.recheck.status === 'ok' ? 'repaired' : 'mismatch' },
      id,
    );
    publishDrift(true);
    return saved;
  }

  // ---- validation shared by the API and workspace import --------------------------------

  /**
   * `allowInward`: the operator allowed RPC URLs on inward addresses for this request (see
   * chains/rpc-destinations.ts); checked before any request goes to them.
   */
  async function validateChain(
    input: ChainsAddInput,
    allowInward: boolean,
    field = '',
  ): Promise<ChainRecord> {
    if (store.findChain(input.chainId)) {
      throw new VigilError('ALREADY_EXISTS', `Chain ${input.chainId} is already configured.`, {
        field: `${field}chainId`,
      });
    }
    await checkRpcDestinations(input.rpcUrls, { allowInward, field });
    try {
      await verifyRpcUrls(input.chainId, input.rpcUrls);
    } catch (error) {
      if (error instanceof VigilError && field && error.field) {
        throw new VigilError(error.code, error.message, {
          field: `${field}${error.field}`,
          details: error.details ?? {},
        });
      }
      throw error;
    }
    return {
      chainId: input.chainId,
      name: input.name,
      // Verified with their keys; stored without them.
      rpcUrls: await Promise.all(input.rpcUrls.map((url) => options.urlSecrets.protect(url))),
      confirmations: input.confirmations ?? defaultConfirmations(input.chainId),
      ...(input.explorerUrl ? { explorerUrl: input.explorerUrl } : {}),
    };
  }

  /** Runs `use` with the chain's RPC pool: the watcher's, or one opened for this (a pending chain). */
  async function withChainRpc<T>(
    chain: ChainRecord,
    use: (pool: RpcPool) => Promise<T>,
  ): Promise<T> {
    const pool =
      running.get(chain.chainId)?.rpc ??
      createRpcPool(chain.rpcUrls.map((url) => options.urlSecrets.reveal(url)));
    try {
      return await use(pool);
    } finally {
      if (!running.has(chain.chainId)) pool.close();
    }
  }

  async function chainHead(chain: ChainRecord): Promise<number> {
    try {
      return await withChainRpc(chain, async (pool) =>
        Number.parseInt(await pool.request<string>('eth_blockNumber'), 16),
      );
    } catch (error) {
      throw new VigilError(
        'RPC_UNREACHABLE',
        redactUrlsIn(
          `Could not read the head block of chain ${chain.chainId} (${chain.rpcUrls.map(displayUrl).join(', ')}): ${(error as Error).message}`,
        ),
        { field: 'chainId' },
      );
    }
  }

  /** A proxy as first seen: what the given ABI covers of what it delegates to, no upgrades yet. */
  function newProxy({ selectors, ...detected }: ProxyInfo, abi: unknown[]): ContractProxy {
    return {
      ...detected,
      abiCovers: implementationsCovered(detected.implementations, abi, selectors),
      upgrades: [],
    };
  }

  async function validateContract(
    input: ContractsAddInput,
    field = '',
    pendingChains: ChainRecord[] = [],
  ): Promise<Omit<ContractRecord, 'indexedThrough'>> {
    const chain =
      store.findChain(input.chainId) ??
      pendingChains.find((pending) => pending.chainId === input.chainId);
    if (!chain) {
      throw new VigilError(
        'NOT_FOUND',
        `Chain ${input.chainId} is not configured; add the chain first.`,
        {
          field: `${field}chainId`,
        },
      );
    }
    const address = getAddress(input.address.toLowerCase());
    const givenAbi = parseAbiInput(input.abi, `${field}abi`) as unknown[];
    const implementationAbi =
      input.implementationAbi === undefined
        ? []
        : (parseAbiInput(input.implementationAbi, `${field}implementationAbi`) as unknown[]);
    const id = `${input.chainId}:${address.toLowerCase()}`;
    if (store.findContract(id)) {
      throw new VigilError(
        'ALREADY_EXISTS',
        `${address} is already watched on chain ${input.chainId}.`,
        {
          field: `${field}address`,
        },
      );
    }
    const head = await chainHead(chain);
    // A proxy is watched at its own address with its implementation's events decoded too.
    const detected = await withChainRpc(chain, (pool) =>
      detectProxy(pool, { chainId: chain.chainId, address, head, field: `${field}address` }),
    );
    const abi = detected
      ? mergeAbis(proxyEvents(detected.kind), givenAbi, implementationAbi)
      : mergeAbis(givenAbi, implementationAbi);
    const startBlock =
      input.startBlock ??
      (await withChainRpc(chain, (pool) =>
        findCreationBlock(pool, {
          chainId: chain.chainId,
          address,
          head,
          field: `${field}address`,
        }),
      ));
    if (startBlock > head) {
      throw new VigilError(
        'START_BLOCK_IN_FUTURE',
        `Start block ${startBlock} is after chain ${input.chainId}'s head block ${head}.`,
        { field: `${field}startBlock`, details: { startBlock, headBlock: head } },
      );
    }
    const artifactName =
      typeof input.abi === 'object' && input.abi !== null && !Array.isArray(input.abi)
        ? (input.abi as { contractName?: unknown }).contractName
        : undefined;
    const name =
      input.name?.trim() ||
      (typeof artifactName === 'string' && artifactName) ||
      `Contract ${address.slice(0, 6)}…${address.slice(-4)}`;
    return {
      id,
      chainId: input.chainId,
      address,
      name,
      abi,
      startBlock,
      ...(input.retention ? { retention: input.retention } : {}),
      ...(detected ? { proxy: newProxy(detected, abi) } : {}),
    };
  }

  /** `fromStartFile`: the workspace file the operator started Vigil with, not a client's text. */
  async function applyWorkspace(
    workspace: Workspace,
    source: string,
    fromStartFile: boolean,
    /** A `source: ./path` folder as it may be read, or a refusal (see intake/project-roots.ts). */
    projectFolder: (path: string, field: string) => string,
    /**
     * Signers the caller adds right after this import is saved (an import's keystores), and
     * secrets the operator typed for it (workspace.importFrom).
     */
    pending: {
      signers: readonly string[];
      secretValues: Readonly<Record<string, string>>;
    } = { signers: [], secretValues: {} },
  ): Promise<WorkspaceApplySummary> {
    const allowInwardRpc = fromStartFile || (options.allowPrivateRpc ?? false);
    // Everything is checked before anything is saved, so a bad entry changes nothing.
    const newChains: ChainRecord[] = [];
    let chainsUnchanged = 0;
    for (const [index, chain] of workspace.chains.entries()) {
      if (store.findChain(chain.chainId)) chainsUnchanged++;
      else
        newChains.push(
          await validateChain(chain as ChainsAddInput, allowInwardRpc, `chains[${index}].`),
        );
    }
    const newContracts: Omit<ContractRecord, 'indexedThrough'>[] = [];
    let contractsUnchanged = 0;
    // The file's decimals and symbol are the operator's, as contracts.setToken sets them; on a
    // contract already watched they replace what is stored when they differ.
    const tokenSettings: { id: string; token: TokenDisplayInfo; changes: FieldChanges }[] = [];
    for (const [index, contract] of workspace.contracts.entries()) {
      const { token, ...addInput } = contract;
      const id = `${contract.chainId}:${contract.address.toLowerCase()}`;
      const existing = store.findContract(id);
      if (existing) contractsUnchanged++;
      else {
        // A `source:` is fetched or read only for a contract this import adds.
        const resolved = await resolveWorkspaceContract(addInput, index, source, {
          fetchVerified: (input) => verifiedSources.fetchAbi(input, `contracts[${index}].source`),
          projectFolder,
        });
        newContracts.push(
          await validateContract(resolved as ContractsAddInput, `contracts[${index}].`, newChains),
        );
      }
      if (!token) continue;
      const setting = { ...token, source: 'operator' as const };
      const changes = describeChanges({ token: existing?.token ?? null }, { token: setting }, [
        'token',
      ]);
      if (Object.keys(changes).length > 0) tokenSettings.push({ id, token: setting, changes });
    }
    // Sections of other capabilities (transactions, alert rules) are checked too, against what
    // exists and what this import adds.
    const sections = [];
    for (const service of services)
      if (service.workspace)
        sections.push(
          await service.workspace.prepare(workspace, {
            contracts: newContracts,
            chains: newChains.map((chain) => chain.chainId),
            signers: pending.signers,
            secretValues: pending.secretValues,
            source,
          }),
        );
    const summary: WorkspaceApplySummary = {
      chainsAdded: newChains.length,
      chainsUnchanged,
      contractsAdded: newContracts.length,
      contractsUnchanged,
      transactionsProposed: 0,
      transactionsUnchanged: 0,
      rulesAdded: 0,
      rulesUnchanged: 0,
      policiesAdded: 0,
      policiesChanged: 0,
      policiesUnchanged: 0,
      schedulesAdded: 0,
      schedulesUnchanged: 0,
      ...Object.assign({}, ...sections.map((section) => section.summary)),
    };
    // One journal entry for the whole import: it lands entirely or not at all.
    store.execute(
      {
        type: 'batch',
        commands: [
          ...newChains.map((chain) => ({ type: 'chain.add' as const, chain })),
          ...newContracts.map((contract) => ({ type: 'contract.add' as const, contract })),
          ...tokenSettings.map(({ id, token }) => ({ type: 'contract.token' as const, id, token })),
          ...sections.flatMap((section) => section.commands),
        ],
      },
      [
        byOperator('workspace.imported', `workspace:${source}`, { file: source, ...summary }),
        ...newChains.map((chain) => chainAddedAudit(chain)),
        ...newContracts.map((contract) => contractAddedAudit(contract)),
        ...tokenSettings.map(({ id, changes }) =>
          byOperator('contract.changed', `contract:${id}`, { changes }),
        ),
        ...sections.flatMap((section) => section.audit),
      ],
    );
    for (const chain of newChains) startChain(chain);
    for (const contract of newContracts) {
      refreshDecoders(contract.chainId);
      tokenDisplays.readMissing(contract.chainId);
    }
    if (newChains.length || newContracts.length || tokenSettings.length) pushConfig();
    for (const section of sections) await section.applied();
    return summary;
  }

  function chainAddedAudit(chain: ChainRecord): AuditDraft {
    return byOperator('chain.added', `chain:${chain.chainId}`, {
      name: chain.name,
      rpcUrls: chain.rpcUrls.map(displayUrl),
      confirmations: chain.confirmations,
      ...(chain.explorerUrl ? { explorerUrl: chain.explorerUrl } : {}),
    });
  }

  function contractAddedAudit(contract: Omit<ContractRecord, 'indexedThrough'>): AuditDraft {
    return byOperator('contract.added', `contract:${contract.id}`, {
      chainId: contract.chainId,
      address: contract.address,
      name: contract.name,
      startBlock: contract.startBlock,
      ...(contract.proxy
        ? { proxy: { kind: contract.proxy.kind, implementations: contract.proxy.implementations } }
        : {}),
      events: [
        ...new Set(eventSignaturesOf(contract.abi as never).map((event) => event.signature)),
      ],
    });
  }

  // ---- requests -------------------------------------------------------------------------

  async function addContract(input: ContractsAddInput): Promise<WatchedContract> {
    const contract = await validateContract(input);
    if (store.findContract(contract.id)) {
      throw new VigilError(
        'ALREADY_EXISTS',
        `${contract.address} is already watched on chain ${contract.chainId}.`,
        {
          field: 'address',
        },
      );
    }
    store.execute({ type: 'contract.add', contract }, [contractAddedAudit(contract)]);
    refreshDecoders(contract.chainId);
    tokenDisplays.readMissing(contract.chainId);
    pushConfig();
    return toWireContract(store.findContract(contract.id)!);
  }

  const watchHandlers: {
    [N in RequestName]?: (input: never, call?: CallContext) => Promise<unknown> | unknown;
  } = {
    async 'chains.add'(input: ChainsAddInput, call?: CallContext): Promise<Chain> {
      const record = await validateChain(
        input,
        (options.allowPrivateRpc ?? false) || call?.approvedBy !== undefined,
      );
      // The RPC checks took time; another request may have added the chain meanwhile.
      if (store.findChain(record.chainId)) {
        throw new VigilError('ALREADY_EXISTS', `Chain ${record.chainId} is already configured.`, {
          field: 'chainId',
        });
      }
      store.execute({ type: 'chain.add', chain: record }, [chainAddedAudit(record)]);
      startChain(record);
      pushConfig();
      return toWireChain(record);
    },
    'chains.list': () => store.listChains().map(toWireChain),
    'chains.presets': (input: { query?: string; limit?: number } | undefined) =>
      searchChainPresets(input ?? {}),
    async 'chains.remove'(input: { chainId: number }) {
      store.requireChain(input.chainId);
      await stopChain(input.chainId);
      const contracts = store.listContracts(input.chainId);
      store.execute({ type: 'chain.remove', chainId: input.chainId }, [
        byOperator('chain.removed', `chain:${input.chainId}`, {
          name: store.findChain(input.chainId)?.name,
          contractsRemoved: contracts.map((contract) => contract.id),
        }),
      ]);
      pushConfig();
      return { removed: true };
    },
    'contracts.add': addContract,
    'contracts.list': () => store.listContracts().map(toWireContract),
    async 'contracts.creationBlock'(input: { chainId: number; address: string }) {
      const chain = store.requireChain(input.chainId);
      const address = getAddress(input.address.toLowerCase());
      return {
        startBlock: await withChainRpc(chain, (pool) =>
          findCreationBlock(pool, { chainId: chain.chainId, address }),
        ),
      };
    },
    'contracts.remove'(input: { id: string }) {
      const contract = store.findContract(input.id);
      if (!contract)
        throw new VigilError('NOT_FOUND', `No watched contract has id ${input.id}.`, {
          field: 'id',
        });
      store.execute({ type: 'contract.remove', id: input.id }, [
        byOperator('contract.removed', `contract:${input.id}`, {
          chainId: contract.chainId,
          address: contract.address,
          name: contract.name,
        }),
      ]);
      refreshDecoders(contract.chainId);
      pushConfig();
      return { removed: true };
    },
    'events.query'(input: EventSearchQuery) {
      return searchEvents(
        {
          store: {
            findContract: (id) => store.findContract(id),
            queryEvents: queryWithCurrentAbi(store, currentAbiRows),
          },
          transactionOf: (chainId, hash) => searchTransactions.get(chainId, hash),
        },
        {
          ...input,
          ...(input.address === undefined
            ? {}
            : { address: getAddress(input.address.toLowerCase()) }),
        },
      );
    },
    'status.get': () => ({ chains: chainStatuses(), safeMode: safeMode.state() }),
    async 'workspace.import'(input: { yaml: string; fileName?: string }) {
      const fileName = input.fileName ?? 'workspace.yaml';
      const workspace = parseWorkspace(input.yaml, {
        fileName,
        readFile: (path) => {
          throw new VigilError(
            'WORKSPACE_INVALID',
            `${fileName}: the ABI file ${path} cannot be read from an imported text; put the ABI inline, or start Vigil with --workspace pointing at the file.`,
          );
        },
      });
      // The text comes from a client: its folders must be ones the operator chose.
      return applyWorkspace(workspace, fileName, false, (path, field) =>
        projectRoots.resolve(path, field),
      );
    },
    'workspace.export': () => ({
      yaml: serializeWorkspace(
        Object.assign(
          {
            // A workspace file is shared and kept in git: provider keys stay out of it.
            chains: store.listChains().map(toWireChain),
            contracts: store.listContracts(),
          },
          ...services.map((service) => service.workspace?.export() ?? {}),
        ),
      ),
    }),
    'drift.get'(input: { chainId?: number } | undefined) {
      const chains =
        input?.chainId === undefined ? store.listChains() : [store.requireChain(input.chainId)];
      return { chains: chains.map(chainDrift) };
    },
    'reorgs.list'(input: { chainId?: number; limit?: number } | undefined) {
      return { reorgs: store.listReorgs(input?.chainId, input?.limit ?? 100) };
    },
    'reconcile.run'(input: { chainId: number; fromBlock?: number; toBlock?: number }) {
      return runReconciliation(input.chainId, input.fromBlock, input.toBlock);
    },
    'reconcile.repair'(input: { id: number }) {
      return runRepair(input.id);
    },
  };

  // ---- services -------------------------------------------------------------------------

  const chainAccess: ChainAccess = {
    rpc: (chainId) => runningChain(chainId).rpc,
    sync(chainId) {
      const watcher = running.get(chainId)?.watcher;
      if (!watcher) return undefined;
      const status = watcher.status();
      return {
        headBlock: status.headBlock,
        indexedThrough: status.indexedThrough,
        lagBlocks: status.lag,
        lagSeconds: watcher.lagSeconds(),
      };
    },
  };
  // The transactions behind searched events (tx.* conditions, address searches), cached apart
  // from the alert rules' so a long search does not push theirs out.
  const searchTransactions = createTransactionFetcher(chainAccess, 20_000);
  const context: ServiceContext = {
    store,
    log,
    actor,
    push: options.push,
    events,
    chains: chainAccess,
  };
  const keychain = options.keychain ?? createOsKeychain();
  const signers = createSignerService(context, {
    keychain,
    ...(options.balanceRefreshMs === undefined
      ? {}
      : { balanceRefreshMs: options.balanceRefreshMs }),
  });
  const gate = options.personGate ?? createWebAuthnGate(store);
  const gatePolicy: GatePolicy = { allowPrivateRpc: options.allowPrivateRpc ?? false };
  // The live audit log is checked at every start; a broken chain is reported loudly and left
  // exactly as it is, for whoever investigates. The head kept in the keychain is compared first,
  // before this start appends anything.
  const secrets = options.integrity?.secrets;
  const headProblem = checkAuditHead(store, options.integrity?.keptAuditHead);
  const auditStartCheck = checkLiveLogAtStart(store, log);
  const startCheck = auditStartCheck.verification;
  const safeMode = createSafeMode({
    store,
    push: options.push,
    log,
    reasons: [
      ...(secrets?.key === 'lost'
        ? [
            'The OS keychain holds no MAC key for this data directory, though its records carry MACs (the keychain was reset, or the directory was copied from elsewhere): nothing in it could be checked. It was read as found and sealed again under a new key.',
          ]
        : []),
      ...store.recovery.integrityProblems.map((problem) => problem.message),
      ...(headProblem ? [headProblem] : []),
      ...(startCheck.intact
        ? []
        : [`The audit log failed its check at start: ${startCheck.message}`]),
      ...auditStartCheck.replayProblems.map((problem) => `Audit replay: ${problem}.`),
      ...auditStartCheck.damagedSegments.map(
        (segment) => `Sealed audit file ${segment.file} ${segment.reason}.`,
      ),
    ],
    quarantined: [
      ...store.recovery.integrityProblems.flatMap((problem) =>
        problem.quarantinedTo ? [problem.quarantinedTo] : [],
      ),
      ...(auditStartCheck.evidenceFolder ? [auditStartCheck.evidenceFolder] : []),
    ],
  });
  const safeAccounts = createSafeAccounts(context, {
    watchContract: async (input) => {
      await addContract(input);
    },
    ...(options.safeRefreshMs === undefined ? {} : { intervalMs: options.safeRefreshMs }),
  });
  const txQueue = createTxQueueService(context, {
    refreshSafe: (id) => safeAccounts.refresh(id),
    ...(options.safeFollowMs === undefined ? {} : { safeFollowMs: options.safeFollowMs }),
    ...(options.safeServiceUrls ? { safeServiceUrls: options.safeServiceUrls } : {}),
    vault: signers.vault,
    safeMode,
    ...(secrets ? { approvalMac: secrets.mac } : {}),
    ...(options.staleApprovalMs === undefined ? {} : { staleApprovalMs: options.staleApprovalMs }),
    ...(options.txStuckAfterMs === undefined ? {} : { stuckAfterMs: options.txStuckAfterMs }),
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
    ...(options.multiSendCallOnly ? { multiSendCallOnly: options.multiSendCallOnly } : {}),
    policyApprover: createPolicyApprover(store, options.now),
  });
  const tokenDisplays = createTokenDisplays({
    store,
    actor,
    log,
    rpcOf: (chainId) => running.get(chainId)?.rpc,
    pushConfig,
    toWireContract,
  });
  for (const chain of store.listChains()) tokenDisplays.readMissing(chain.chainId);
  const verifiedSources = createVerifiedSources({
    store,
    actor,
    keys: createExplorerKeys(store, keychain),
    ...(options.verifiedSourceUrls ? { urls: options.verifiedSourceUrls } : {}),
    ...(options.verifiedSourceTimeoutMs === undefined
      ? {}
      : { timeoutMs: options.verifiedSourceTimeoutMs }),
  });
  const projectRoots = createProjectRoots(options.projectRoots ?? []);
  // Requests of other rooms that only a person may make: automation's and schedules'.
  const gateDescribers = {
    ...automationGateDescribers,
    ...scheduleGateDescribers,
    ...workspaceImportGateDescribers({ projectRoots, env: process.env }),
  };
  const services: EngineService[] = [
    verifiedSources,
    { handlers: { 'contracts.projectRoots': () => ({ roots: projectRoots.list() }) } },
    createWorkspaceImports({
      store,
      projectRoots,
      // Secrets and URLs named by environment variable are read where Vigil runs.
      env: process.env,
      applyWorkspace: (workspace, source, pending) =>
        applyWorkspace(
          workspace,
          source,
          false,
          (path, field) => projectRoots.resolve(path, field),
          pending,
        ),
      importSigner: async (privateKey, label) =>
        signers.handlers['signers.import']!({ privateKey, label }, {}),
    }),
    tokenDisplays,
    { handlers: watchHandlers as RequestHandlers },
    {
      handlers: {
        'integrity.status': () => safeMode.state(),
        'integrity.acknowledgeSafeMode': (_input, call) =>
          safeMode.acknowledge(call?.approvedBy?.name ?? actor),
      } as RequestHandlers,
    },
    createWatchConfigUpdates({
      store,
      actor,
      restartChain,
      pushConfig,
      toWireContract,
      refreshDecoders,
      toWireChain,
      urlSecrets: options.urlSecrets,
      allowPrivateRpc: options.allowPrivateRpc ?? false,
    }),
    createAuditService(
      context,
      auditStartCheck,
      secrets && {
        async publicKey() {
          const { publicKeyPem } = await secrets.exportKeyPair();
          return {
            algorithm: 'Ed25519' as const,
            publicKeyPem,
            fingerprint: publicKeyFingerprint(publicKeyPem),
          };
        },
        sign: async (bytes) => signExport(bytes, (await secrets.exportKeyPair()).privateKeyPem),
      },
    ),
    signers,
    txQueue,
    createAlertService(context, {
      proposals: txQueue,
      secrets: createSecretRefs(store, keychain),
      ...(options.now ? { now: options.now } : {}),
      ...(options.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
    }),
    // The challenge step runs the prechecks too, before the person's passkey is asked.
    createApprovalsService(
      context,
      gate,
      (name, input) => precheck(name, input),
      gatePolicy,
      gateDescribers,
    ),
    createImplementationAbis({
      store,
      actor,
      projectRoots,
      verifiedSources,
      refreshDecoders,
      pushConfig,
      toWireContract,
    }),
    createProjectDiscovery({
      store,
      actor,
      projectRoots,
      withChainRpc,
      validateContract: (input) => validateContract(input),
      contractAddedAudit,
      refreshDecoders,
      pushConfig,
    }),
    createProxyChecks(context, {
      toWireContract,
      pushConfig,
      ...(options.proxyCheckIntervalMs === undefined
        ? {}
        : { intervalMs: options.proxyCheckIntervalMs }),
    }),
    safeAccounts,
    createAutomationService(context, options.now ? { now: options.now } : {}),
    createScheduleService(context, {
      queue: txQueue,
      ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
    createStoreHealthService({
      store,
      push: options.push,
      ...(options.storeHealthIntervalMs === undefined
        ? {}
        : { intervalMs: options.storeHealthIntervalMs }),
    }),
  ];
  const handlers = mergeHandlers(services);
  const precheck = mergePrechecks(services);

  store.recordAudit([
    {
      actor: SYSTEM_ACTOR,
      action: 'app.started',
      subject: 'app',
      details: {
        operator: actor,
        auditIntact: startCheck.intact,
        ...(startCheck.intact ? {} : { auditBreak: startCheck.message }),
        journalEntriesReplayed: store.recovery.journalEntriesReplayed,
        snapshotSource: store.recovery.snapshotSource,
        ...(store.recovery.adoptedMacs ? { macsAdded: true } : {}),
        ...(safeMode.state().active ? { safeMode: safeMode.state().reasons } : {}),
      },
    },
  ]);

  // ---- timers ---------------------------------------------------------------------------

  function maybeSnapshot(force = false): void {
    const now = Date.now();
    // An export blocks this thread for its duration; keep that to about 5% of the time. Chain
    // data lost with an unsaved tail is fetched again, so fewer snapshots cost no correctness.
    const spacing = Math.max(snapshotMinIntervalMs, lastSnapshotMs * 20);
    if (!store.dirty || (!force && now - lastSnapshotAt < spacing)) return;
    try {
      const result = store.snapshot();
      lastSnapshotMs = result.milliseconds;
      lastSnapshotAt = Date.now();
    } catch (error) {
      log.error(`Snapshot failed: ${(error as Error).message}`);
    }
  }

  function publishStatus(): void {
    const chains = chainStatuses();
    const json = JSON.stringify(chains);
    if (json === lastStatusJson) return;
    lastStatusJson = json;
    options.push('status.changed', { chains });
  }

  // Final chain data is sealed into segments, and ranges lost with a damaged segment are
  // fetched again, a little at a time between the watcher's own work.
  let refetching = false;
  function maintainChainData(): void {
    try {
      store.maintainChainData();
    } catch (error) {
      log.error(`Sealing chain data failed: ${(error as Error).message}`);
    }
    if (refetching) return;
    const range = store.pendingRefetches().find((pending) => running.has(pending.chainId));
    if (!range) return;
    refetching = true;
    repairRange(reconcileDependencies(range.chainId), range.fromBlock, range.toBlock)
      .then((result) => {
        store.refetched(range);
        if (result.added.length > 0) batcher.addRows(result.added);
        log.info(
          `Fetched chain ${range.chainId} blocks ${range.fromBlock}–${range.toBlock} again after a damaged segment: ${result.added.length} events restored.`,
        );
      })
      .catch((error: unknown) =>
        log.warn(`Fetching a lost range again failed; retrying later: ${(error as Error).message}`),
      )
      .finally(() => (refetching = false));
  }

  // Retention deletes whole stretches of sealed history, each deletion an audit entry. A crash
  // between the manifest swap and the entry loses the entry, never the deletion's consistency.
  function applyRetention(): void {
    try {
      const deletions = store.applyRetention(Math.floor(Date.now() / 1000));
      if (deletions.length === 0) return;
      store.recordAudit(
        deletions.map((deletion) => ({
          actor: SYSTEM_ACTOR,
          action: auditActions.retentionDeleted,
          subject: `contract:${deletion.contractId}`,
          details: {
            rows: deletion.rows,
            segment: deletion.segmentFile,
            fromBlock: deletion.fromBlock,
            toBlock: deletion.toBlock,
            retention: store.findContract(deletion.contractId)?.retention ?? null,
          },
        })),
      );
    } catch (error) {
      log.error(`Applying retention failed: ${(error as Error).message}`);
    }
  }

  const snapshotTimer = setInterval(() => maybeSnapshot(), 500);
  const retentionTimer = setInterval(applyRetention, options.retentionIntervalMs ?? 60 * 60_000);
  const maintainTimer = setInterval(maintainChainData, options.maintainIntervalMs ?? 1_000);
  const statusTimer = setInterval(publishStatus, options.statusIntervalMs ?? 1_000);
  const driftTimer = setInterval(() => {
    sampleDrift();
    publishDrift();
  }, options.driftIntervalMs ?? 2_000);
  // Now and then, a recent stretch of each chain is checked against the chain on its own.
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 10 * 60_000;
  const reconcileTimer =
    reconcileIntervalMs > 0
      ? setInterval(() => {
          for (const chain of store.listChains()) {
            const indexedThrough = running.get(chain.chainId)?.watcher.status().indexedThrough;
            if (indexedThrough === null || indexedThrough === undefined) continue;
            void runReconciliation(
              chain.chainId,
              Math.max(0, indexedThrough - 1_000),
              indexedThrough,
            ).catch(() => undefined);
          }
        }, reconcileIntervalMs)
      : undefined;

  return {
    async handle(name, input, caller) {
      const handler = handlers[name] as
        ((input: unknown, call: CallContext) => unknown) | undefined;
      if (!handler) throw new VigilError('UNKNOWN_METHOD', `Unknown method ${name}.`);
      await precheck(name, input);
      // A request only a person may make passes the gate first, whoever sent it.
      const subject = describeGatedRequest(name, input as never, store, gatePolicy, gateDescribers);
      if (!subject) return handler(input, caller ? { caller } : {});
      const approvedBy = await gate.confirm(
        subject,
        (input as { approval?: ApprovalProof }).approval,
        caller,
      );
      store.recordAudit([
        {
          actor,
          action: auditActions.approvalGiven,
          subject: `approver:${approvedBy.credentialId}`,
          details: {
            request: name,
            digest: subject.digest,
            approver: approvedBy.name,
            gate: gate.kind,
          },
        },
      ]);
      return handler(input, { ...(caller ? { caller } : {}), approvedBy });
    },
    async applyWorkspaceFile(path) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new VigilError(
          'WORKSPACE_INVALID',
          `Cannot read the workspace file ${path}: ${(error as Error).message}`,
        );
      }
      const baseDir = dirname(resolve(path));
      return applyWorkspace(
        parseWorkspace(text, {
          fileName: path,
          readFile: (abiPath) => readFileSync(resolve(baseDir, abiPath), 'utf8'),
        }),
        path,
        true,
        // The operator's own file (given on the command line): the folders it names were chosen
        // by them, and discovery may read them from now on.
        (folder) => projectRoots.allow(folder),
      );
    },
    allowProjectRoot: (path) => projectRoots.allow(path),
    async close() {
      clearInterval(snapshotTimer);
      clearInterval(maintainTimer);
      clearInterval(retentionTimer);
      clearInterval(statusTimer);
      clearInterval(driftTimer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await Promise.all([...running.keys()].map(stopChain));
      for (const service of services) await service.close?.();
      batcher.flush();
      batcher.stop();
      store.recordAudit([
        { actor: SYSTEM_ACTOR, action: 'app.stopped', subject: 'app', details: {} },
      ]);
      store.close();
      // The last head (app.stopped) reaches the keychain before the process may end.
      await options.integrity?.headKeeper.flush();
    },
  };
}
