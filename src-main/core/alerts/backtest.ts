// A rule run over the stored history with the same matcher live rules use: what it would have
// fired on, and what its cooldown would have suppressed (judged by block time). Pages through
// the store, so a large history never sits in memory at once.
import type { RequestOutput } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { createEventMatcher, firingEvent } from './event-matcher.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import type { TransactionFetcher } from './transaction-fetcher.ts';

export type BacktestResult = RequestOutput<'alerts.backtest'>;

export interface BacktestOptions {
  fromBlock?: number;
  toBlock?: number;
  /** How many matches to list; the counts cover all. */
  limit: number;
}

const PAGE_ROWS = 1_000;

const notBacktestable = {
  lag: 'how far behind the store is',
  transaction: 'the transactions in the queue',
  balance: "a signer's balance",
  'failed-call': 'the receipts of new blocks (the store keeps no failed transactions)',
} as const;

export async function backtestRule(
  definition: RuleDefinition,
  deps: { store: Store; transactions: TransactionFetcher },
  options: BacktestOptions,
): Promise<BacktestResult> {
  if (definition.kind !== 'event' && definition.kind !== 'silence')
    throw new VigilError(
      'INVALID_INPUT',
      `A ${definition.kind} rule judges ${notBacktestable[definition.kind]} as it is now, which is not kept as history; there is nothing to backtest. Enable it and it judges from then on.`,
      { field: 'kind' },
    );
  const matcher = createEventMatcher(definition, {
    findContract: (id) => deps.store.findContract(id),
  });
  const result: BacktestResult = {
    scanned: 0,
    matched: 0,
    wouldFire: 0,
    matches: [],
    truncated: false,
    gaps: [],
  };
  const cooldownMs = definition.cooldownSeconds * 1000;
  let lastFiredAt = -Infinity;
  let previousMatchAt: number | undefined;
  let cursor: string | undefined;
  do {
    const page = deps.store.queryEvents({
      contractId: matcher.contract.id,
      eventName: matcher.resolved.event.name,
      ...(options.fromBlock === undefined ? {} : { fromBlock: options.fromBlock }),
      ...(options.toBlock === undefined ? {} : { toBlock: options.toBlock }),
      limit: PAGE_ROWS,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const row of page.rows) {
      result.scanned++;
      const transaction = matcher.needsTransaction
        ? await deps.transactions.get(row.chainId, row.transactionHash)
        : undefined;
      if (!matcher.matches(row, transaction)) continue;
      result.matched++;
      const at = (row.blockTimestamp ?? 0) * 1000;
      if (definition.kind === 'silence') {
        if (previousMatchAt !== undefined && at - previousMatchAt > definition.withinSeconds * 1000)
          result.gaps.push({
            from: previousMatchAt,
            to: at,
            seconds: (at - previousMatchAt) / 1000,
          });
        previousMatchAt = at;
      }
      const suppressed = cooldownMs > 0 && at - lastFiredAt < cooldownMs;
      if (!suppressed) {
        lastFiredAt = at;
        if (definition.kind === 'event') result.wouldFire++;
      }
      if (result.matches.length < options.limit)
        result.matches.push({ event: firingEvent(row), suppressed });
      else result.truncated = true;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  // A silence rule fires once per silent stretch, not per event.
  if (definition.kind === 'silence') result.wouldFire = result.gaps.length;
  return result;
}
