// Searching events by what they say: a condition in the alert rules' language over one contract's
// event (`value > 1000000e18 and to == 0x…`, `tx.from == 0x…`), and "everything that touched this
// address" (in any argument, indexed or not, or as the transaction's sender or target). The store
// gives rows in page order; this filters them in main and pages with the store's own cursors, so
// the renderer never sees what did not match.
//
// A search reads history until its page is full, within a budget per request: rows read, and
// transactions fetched from the chain (tx.* and an address search need the transaction behind a
// row, which the store does not keep). A page cut short by the budget still carries a cursor, so
// "Load older" goes on where it stopped, and says how far back it has looked.
import type { EventRow } from '../../ipc/contract.ts';
import {
  compileCondition,
  conditionError,
  resolveEvent,
  reviewCondition,
  type TransactionFields,
} from '../alerts/index.ts';
import { VigilError } from '../errors/index.ts';
import { encodeCursor, positionOf, type EventsQuery, type Store } from '../store/index.ts';

export interface EventSearchQuery extends EventsQuery {
  /** A condition over the chosen contract's event (contractId and eventName are required). */
  where?: string;
  /** An address: in any argument, or the transaction's sender or target. */
  touches?: string;
}

export interface EventSearchPage {
  rows: EventRow[];
  nextCursor?: string;
  /** Rows read to make this page; set only for a search. */
  scanned?: number;
  /** The block the search had reached when the budget ran out before the page was full. */
  searchedThrough?: number;
}

export interface EventSearchDependencies {
  store: Pick<Store, 'queryEvents' | 'findContract'>;
  transactionOf(chainId: number, transactionHash: string): Promise<TransactionFields>;
  /** Per request; the defaults below unless a test needs them small. */
  budget?: { rows: number; transactions: number };
}

/** Rows read per store call, and in all per request. */
const BATCH = 2_000;
export const SEARCH_ROW_BUDGET = 50_000;
/** Transactions fetched from the chain per request (one RPC call each, cached). */
export const SEARCH_TRANSACTION_BUDGET = 400;

type Matcher = (row: EventRow, transaction: () => Promise<TransactionFields>) => Promise<boolean>;

/** Whether `value` (an argument, possibly a tuple or an array) holds the address. */
function holdsAddress(value: unknown, address: string): boolean {
  if (typeof value === 'string') return value.toLowerCase() === address;
  if (Array.isArray(value)) return value.some((item) => holdsAddress(item, address));
  if (value && typeof value === 'object')
    return Object.values(value).some((item) => holdsAddress(item, address));
  return false;
}

function conditionMatcher(deps: EventSearchDependencies, query: EventSearchQuery): Matcher {
  if (query.contractId === undefined || query.eventName === undefined)
    throw new VigilError(
      'INVALID_INPUT',
      'where: choose a contract and one of its events first; a condition reads that event’s arguments.',
      { field: 'where' },
    );
  const contract = deps.store.findContract(query.contractId);
  if (!contract)
    throw new VigilError('NOT_FOUND', `No watched contract has id ${query.contractId}.`, {
      field: 'contractId',
    });
  const resolved = resolveEvent(contract, query.eventName);
  const source = query.where ?? '';
  const review = reviewCondition(resolved, { text: source });
  if (review.problems.length > 0 || !review.condition)
    throw conditionError(review, 'where', source);
  const compiled = compileCondition(review.condition, resolved.fields, resolved.label);
  return async (row, transaction) => {
    if (row.signature !== resolved.signature) return false;
    const tx = compiled.needsTransaction ? await transaction() : undefined;
    return compiled.test({ args: row.args, tx });
  };
}

function addressMatcher(touches: string): Matcher {
  const address = touches.toLowerCase();
  return async (row, transaction) => {
    if (holdsAddress(row.args, address)) return true;
    const tx = await transaction();
    return tx.from.toLowerCase() === address || tx.to?.toLowerCase() === address;
  };
}

/** Thrown inside a scan when the transaction budget is spent: the page ends before that row. */
class BudgetSpent extends Error {}

export async function searchEvents(
  deps: EventSearchDependencies,
  query: EventSearchQuery,
): Promise<EventSearchPage> {
  const { where, touches, ...plain } = query;
  if (where === undefined && touches === undefined) return deps.store.queryEvents(plain);
  const matchers: Matcher[] = [];
  if (where !== undefined && where.trim() !== '') matchers.push(conditionMatcher(deps, query));
  if (touches !== undefined) matchers.push(addressMatcher(touches));
  if (matchers.length === 0) return deps.store.queryEvents(plain);

  const limit = plain.limit ?? 100;
  const budget = deps.budget ?? {
    rows: SEARCH_ROW_BUDGET,
    transactions: SEARCH_TRANSACTION_BUDGET,
  };
  const rows: EventRow[] = [];
  let cursor = plain.cursor;
  let scanned = 0;
  let fetched = 0;
  let lastRead: EventRow | undefined;
  const fetchedRows = new Map<string, Promise<TransactionFields>>();
  const transactionOf = (row: EventRow) => (): Promise<TransactionFields> => {
    const key = row.transactionHash.toLowerCase();
    let pending = fetchedRows.get(key);
    if (!pending) {
      if (fetched >= budget.transactions) throw new BudgetSpent();
      fetched += 1;
      pending = deps.transactionOf(row.chainId, row.transactionHash);
      fetchedRows.set(key, pending);
    }
    return pending;
  };

  for (;;) {
    const page = deps.store.queryEvents({ ...plain, limit: BATCH, ...(cursor ? { cursor } : {}) });
    for (const row of page.rows) {
      let matched: boolean;
      try {
        matched = true;
        for (const matcher of matchers) {
          if (!(await matcher(row, transactionOf(row)))) {
            matched = false;
            break;
          }
        }
      } catch (error) {
        if (!(error instanceof BudgetSpent)) throw error;
        return cutShort(rows, lastRead, scanned);
      }
      scanned += 1;
      lastRead = row;
      if (matched) {
        rows.push(row);
        if (rows.length === limit)
          return {
            rows,
            scanned,
            // More may follow unless this was the store's last row.
            ...(page.nextCursor || row !== page.rows.at(-1)
              ? { nextCursor: encodeCursor(positionOf(row)) }
              : {}),
          };
      }
      if (scanned >= budget.rows) return cutShort(rows, lastRead, scanned);
    }
    if (!page.nextCursor) return { rows, scanned };
    cursor = page.nextCursor;
  }
}

/** A page the budget ended: whatever matched, and a cursor after the last row read. */
function cutShort(
  rows: EventRow[],
  lastRead: EventRow | undefined,
  scanned: number,
): EventSearchPage {
  return {
    rows,
    scanned,
    ...(lastRead
      ? { nextCursor: encodeCursor(positionOf(lastRead)), searchedThrough: lastRead.blockNumber }
      : {}),
  };
}
