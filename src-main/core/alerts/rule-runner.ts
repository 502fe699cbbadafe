// How a rule runs once enabled, whatever its kind: it is handed the watcher's rows (only those of
// its contract and event, when it says which) and a tick, and reports through the firing ledger.
// A new kind (transaction status, signer balance) adds a RuleKind to rule-kinds.ts.
import type { Logger } from '../ports/index.ts';
import type { EventRow, Transaction } from '../../ipc/contract.ts';
import type { ChainAccess } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import type { FiringLedger, FiringRule } from './firing-ledger.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import type { BlockFetcher } from './block-fetcher.ts';
import type { TransactionFetcher } from './transaction-fetcher.ts';

export interface RunnableRule extends FiringRule {
  definition: RuleDefinition;
  /** When the rule was enabled (ms), and its chain's head then. */
  armedAt: number | null;
  armedBlock: number | null;
}

export interface RunnerDependencies {
  store: Store;
  chains: ChainAccess;
  ledger: FiringLedger;
  transactions: TransactionFetcher;
  blocks: BlockFetcher;
  log: Logger;
  now: () => number;
  /** Something changed outside a rows or tick call (an async fetch finished): flush soon. */
  changed: () => void;
  /**
   * The rules were started again (one was saved, enabled, removed …) since this runner started:
   * what an async fetch brings back after that is dropped, or a replaced runner could fire a
   * second episode beside its successor's, or fire a rule just disabled.
   */
  replaced: () => boolean;
}

export interface RuleRunner {
  /** `contractId|signature`: the rows this runner wants; absent for runners fed by ticks only. */
  readonly eventKey?: string;
  onRows?(rows: readonly EventRow[]): void;
  onTick?(now: number): void;
  /** A transaction of the queue was proposed or changed state (after the change is durable). */
  onTransaction?(tx: Transaction): void;
  /** A signer's native balance on a chain was read. */
  onBalance?(chainId: number, address: string, balance: bigint): void;
  /** A chain's watcher saw a new head block. */
  onHead?(chainId: number, headBlock: number): void;
}

/** What validation may look up: configured contracts and chains. */
export interface RuleKindContext {
  findContract(
    id: string,
  ): { id: string; chainId: number; name: string; abi: unknown[] } | undefined;
  chainExists(chainId: number): boolean;
  signerExists(address: string): boolean;
}

export interface RuleKind<Settings> {
  /**
   * Checks the kind's settings against what is configured and returns them normalized (a
   * condition as canonical text). Throws a VigilError naming the field, via `field(name)`.
   */
  validate(settings: Settings, context: RuleKindContext, field: (name: string) => string): Settings;
  /** The chain whose head arms the rule when it is enabled, if it has one. */
  chainOf(settings: Settings, context: RuleKindContext): number | null;
  /** The rule running; throws a VigilError when it cannot run (its contract was removed). */
  start(rule: RunnableRule, deps: RunnerDependencies): RuleRunner;
}

/** Refuses a rule naming a chain that is not configured. */
export function requireChain(
  context: RuleKindContext,
  chainId: number,
  field: (name: string) => string,
): void {
  if (!context.chainExists(chainId))
    throw new VigilError('NOT_FOUND', `Chain ${chainId} is not configured; add the chain first.`, {
      field: field('chainId'),
    });
}

/** The store holds the chain through this block: the watcher has checked the chain up to it. */
export function isIndexedThrough(
  chains: Pick<ChainAccess, 'sync'>,
  chainId: number,
  blockNumber: number,
): boolean {
  return (chains.sync(chainId)?.indexedThrough ?? -1) >= blockNumber;
}

export function rowEventKey(row: Pick<EventRow, 'contractId' | 'signature'>): string {
  return `${row.contractId}|${row.signature ?? ''}`;
}
