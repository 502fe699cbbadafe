// Reconciliation: refetch a stored range from the chain and compare it with the store, event by
// event (block hash and log index); a mismatch names what is missing and what is extra, and a
// repair makes the range equal to the chain.
import type { Reconciliation } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { fetchLogsInRanges } from './fetch-logs.ts';
import { toStoredEvents, type ContractDecoders } from './log-rows.ts';
import type { RangeSizer } from './range-sizer.ts';

export interface ReconcileDependencies {
  chainId: number;
  confirmations: number;
  store: Store;
  rpc: RpcPool;
  sizer: RangeSizer;
  decoders: ContractDecoders;
}

/** At most this many identities are kept per side in a result; counts stay exact. */
const LISTED_DIFFERENCES = 500;

function indexedContracts(deps: ReconcileDependencies, fromBlock: number, toBlock: number) {
  return deps.store
    .contractCursors(deps.chainId)
    .filter((cursor) => cursor.cursor >= toBlock && cursor.startBlock <= fromBlock);
}

/** The whole range every watched contract has indexed, or the part of it asked for. */
export function reconcileRange(
  deps: ReconcileDependencies,
  fromBlock?: number,
  toBlock?: number,
): { fromBlock: number; toBlock: number } {
  const cursors = deps.store.contractCursors(deps.chainId);
  if (cursors.length === 0) {
    throw new VigilError(
      'NOT_FOUND',
      `Chain ${deps.chainId} has no watched contracts to reconcile.`,
      { field: 'chainId' },
    );
  }
  const indexedThrough = Math.min(...cursors.map((cursor) => cursor.cursor));
  const from = fromBlock ?? Math.max(...cursors.map((cursor) => cursor.startBlock));
  const to = toBlock ?? indexedThrough;
  if (to > indexedThrough) {
    throw new VigilError(
      'INVALID_INPUT',
      `toBlock ${to} is beyond what is indexed on chain ${deps.chainId} (${indexedThrough}).`,
      {
        field: 'toBlock',
      },
    );
  }
  if (from > to) {
    throw new VigilError(
      'INVALID_INPUT',
      `fromBlock ${from} is after toBlock ${to}: nothing to reconcile.`,
      { field: 'fromBlock' },
    );
  }
  return { fromBlock: from, toBlock: to };
}

async function canonicalEvents(deps: ReconcileDependencies, fromBlock: number, toBlock: number) {
  const contracts = indexedContracts(deps, fromBlock, toBlock);
  const head = Number.parseInt(await deps.rpc.request<string>('eth_blockNumber'), 16);
  const logs = await fetchLogsInRanges(
    deps.rpc,
    deps.sizer,
    contracts.map((contract) => contract.address),
    fromBlock,
    toBlock,
  );
  return {
    contracts,
    events: toStoredEvents(deps.chainId, logs, deps.decoders, head - deps.confirmations),
  };
}

export async function compareRange(
  deps: ReconcileDependencies,
  fromBlock: number,
  toBlock: number,
): Promise<Omit<Reconciliation, 'id'>> {
  const { contracts, events } = await canonicalEvents(deps, fromBlock, toBlock);
  const stored = deps.store.storedIdentities(
    deps.chainId,
    contracts.map((contract) => contract.id),
    fromBlock,
    toBlock,
  );
  const key = (event: { blockHash: string; logIndex: number }): string =>
    `${event.blockHash}:${event.logIndex}`;
  const storedKeys = new Set(stored.map(key));
  const chainKeys = new Set(events.map(key));
  const identity = (event: {
    blockNumber: number;
    blockHash: string;
    logIndex: number;
    transactionHash: string;
  }) => ({
    blockNumber: event.blockNumber,
    blockHash: event.blockHash,
    logIndex: event.logIndex,
    transactionHash: event.transactionHash,
  });
  const missing = events.filter((event) => !storedKeys.has(key(event))).map(identity);
  const extra = stored.filter((event) => !chainKeys.has(key(event))).map(identity);
  const equal = missing.length === 0 && extra.length === 0;
  return {
    chainId: deps.chainId,
    at: Date.now(),
    fromBlock,
    toBlock,
    storedCount: stored.length,
    chainCount: events.length,
    missing: missing.slice(0, LISTED_DIFFERENCES),
    extra: extra.slice(0, LISTED_DIFFERENCES),
    status: equal ? 'ok' : 'mismatch',
    error: null,
  };
}

/** Makes the range equal to the chain, then compares again; returns the rows that changed. */
export async function repairRange(deps: ReconcileDependencies, fromBlock: number, toBlock: number) {
  const { contracts, events } = await canonicalEvents(deps, fromBlock, toBlock);
  const changed = deps.store.applyCanonicalRange({
    chainId: deps.chainId,
    contractIds: contracts.map((contract) => contract.id),
    fromBlock,
    toBlock,
    events,
    blocks: [],
  });
  return {
    removed: changed.removed,
    added: changed.added,
    recheck: await compareRange(deps, fromBlock, toBlock),
  };
}
