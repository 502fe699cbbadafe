// Event rules: a watched contract's event whose condition holds fires once per event. With
// confirmations N it waits until the store is indexed N blocks past the event's block (so the
// watcher has checked the chain above it); with 0 it fires at once, tentative until the event
// is confirmed. An event a reorg removes takes its firing back.
import type { EventRow } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { WaitingMatch } from '../store/index.ts';
import { conditionError, resolveEvent, reviewCondition } from './event-condition.ts';
import {
  createEventMatcher,
  eventSubject,
  eventSummary,
  firingEvent,
  type EventMatcher,
} from './event-matcher.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import {
  isIndexedThrough,
  type RuleKind,
  type RuleRunner,
  type RunnableRule,
  type RunnerDependencies,
} from './rule-runner.ts';

type EventSettings = Extract<RuleDefinition, { kind: 'event' }>;

/** Checks a contract event and its condition; shared by event and silence rules. */
export function validateContractEvent<
  S extends { contractId: string; eventName: string; condition: string },
>(
  settings: S,
  context: Parameters<RuleKind<S>['validate']>[1],
  field: (name: string) => string,
): S {
  const contract = context.findContract(settings.contractId);
  if (!contract)
    throw new VigilError(
      'NOT_FOUND',
      `No watched contract has id ${settings.contractId}; add the contract first.`,
      {
        field: field('contractId'),
      },
    );
  const resolved = resolveEvent(contract, settings.eventName, field('eventName'));
  const review = reviewCondition(resolved, { text: settings.condition });
  if (review.problems.length > 0)
    throw conditionError(review, field('condition'), settings.condition);
  return { ...settings, eventName: settings.eventName.trim(), condition: review.text! };
}

/** Whether an event came after the rule was armed (by block, or by time when the head was unknown). */
export function armedFor(
  rule: Pick<RunnableRule, 'armedAt' | 'armedBlock'>,
  row: EventRow,
): boolean {
  if (rule.armedAt === null) return false;
  if (rule.armedBlock !== null) return row.blockNumber > rule.armedBlock;
  // A block's timestamp is whole seconds: one stamped in the second the rule was armed may have
  // come after it (a rule added with its chain, an event mined the same second), so it counts.
  return row.blockTimestamp === null || row.blockTimestamp >= Math.floor(rule.armedAt / 1000);
}

export const eventRuleKind: RuleKind<EventSettings> = {
  validate: validateContractEvent,
  chainOf: (settings, context) => context.findContract(settings.contractId)?.chainId ?? null,
  start: (rule, deps) => startEventRule(rule, deps),
};

interface Waiting {
  row: EventRow;
  /** undefined while the transaction's fields are being fetched. */
  matched: boolean | undefined;
  fetching: boolean;
  retryAt: number;
}

function startEventRule(rule: RunnableRule, deps: RunnerDependencies): RuleRunner {
  const settings = rule.definition as EventSettings;
  const matcher: EventMatcher = createEventMatcher(settings, {
    findContract: (id) => deps.store.findContract(id),
  });
  const chainId = matcher.contract.chainId;
  const waiting = new Map<string, Waiting>();
  const toWaitingMatch = (row: EventRow): WaitingMatch => ({
    ruleId: rule.id,
    chainId: row.chainId,
    blockHash: row.blockHash,
    logIndex: row.logIndex,
    blockNumber: row.blockNumber,
  });

  /** The store is indexed far enough past the event's block for the rule's confirmations. */
  const deepEnough = (row: EventRow): boolean =>
    settings.confirmations === 0 ||
    isIndexedThrough(deps.chains, chainId, row.blockNumber + settings.confirmations);

  const fire = (row: EventRow): void => {
    // The row may have changed since it was matched; fire on the event as it is stored now.
    const current = deps.store.eventByIdentity(row.chainId, row.blockHash, row.logIndex);
    if (!current || current.status === 'removed') return;
    deps.ledger.fire(rule, {
      subject: eventSubject(current),
      summary: eventSummary(
        current,
        matcher.resolved,
        deps.store.findContract(current.contractId)?.token,
      ),
      chainId: current.chainId,
      event: firingEvent(current),
      tentative: current.status === 'pending',
    });
  };

  const fetchTransaction = (subject: string, entry: Waiting): void => {
    entry.fetching = true;
    deps.transactions.get(entry.row.chainId, entry.row.transactionHash).then(
      (transaction) => {
        entry.fetching = false;
        if (deps.replaced() || waiting.get(subject) !== entry) return;
        entry.matched = matcher.matches(entry.row, transaction);
        if (!entry.matched) {
          waiting.delete(subject);
          deps.store.alerts.updateWaiting([], [toWaitingMatch(entry.row)]);
        } else settle(subject, entry);
        deps.changed();
      },
      (error: unknown) => {
        entry.fetching = false;
        // Tried again on a later tick; the match waits (and survives a restart) meanwhile.
        entry.retryAt = deps.now() + 5_000;
        deps.log.warn(
          `Rule ${rule.id}: could not fetch transaction ${entry.row.transactionHash} on chain ${entry.row.chainId} for its tx.* condition (${(error as Error).message}); trying again.`,
        );
      },
    );
  };

  const settle = (subject: string, entry: Waiting): boolean => {
    if (!entry.matched || !deepEnough(entry.row)) return false;
    fire(entry.row);
    waiting.delete(subject);
    deps.store.alerts.updateWaiting([], [toWaitingMatch(entry.row)]);
    return true;
  };

  const consider = (row: EventRow, add: WaitingMatch[]): void => {
    const subject = eventSubject(row);
    const known = waiting.get(subject);
    if (known) {
      known.row = row;
      return;
    }
    // The condition first: most rows match no rule, and looking up a firing is a query.
    if (!matcher.needsTransaction && !matcher.matches(row)) return;
    const standing = deps.ledger.current(rule.id, subject);
    if (standing && standing.state !== 'retracted') return;
    if (matcher.needsTransaction) {
      const entry: Waiting = { row, matched: undefined, fetching: false, retryAt: 0 };
      waiting.set(subject, entry);
      add.push(toWaitingMatch(row));
      fetchTransaction(subject, entry);
      return;
    }
    if (deepEnough(row)) {
      fire(row);
      return;
    }
    waiting.set(subject, { row, matched: true, fetching: false, retryAt: 0 });
    add.push(toWaitingMatch(row));
  };

  // Matches that were waiting when Vigil stopped (saved with the events they point at).
  for (const match of deps.store.alerts.listWaiting(rule.id)) {
    const row = deps.store.eventByIdentity(match.chainId, match.blockHash, match.logIndex);
    if (!row || row.status === 'removed') deps.store.alerts.updateWaiting([], [match]);
    else {
      const entry: Waiting = {
        row,
        matched: matcher.needsTransaction ? undefined : true,
        fetching: false,
        retryAt: 0,
      };
      waiting.set(eventSubject(row), entry);
    }
  }

  return {
    eventKey: matcher.eventKey,
    onRows(rows) {
      const add: WaitingMatch[] = [];
      const remove: WaitingMatch[] = [];
      for (const row of rows) {
        const subject = eventSubject(row);
        if (row.status === 'removed') {
          if (waiting.delete(subject)) remove.push(toWaitingMatch(row));
          deps.ledger.retract(
            rule.id,
            subject,
            `a reorganisation of chain ${row.chainId} removed block ${row.blockNumber} (${row.blockHash})`,
          );
          continue;
        }
        if (row.status === 'confirmed') deps.ledger.confirm(rule.id, subject);
        if (armedFor(rule, row)) consider(row, add);
      }
      deps.store.alerts.updateWaiting(add, remove);
    },
    onTick(now) {
      for (const [subject, entry] of waiting) {
        if (entry.matched === undefined) {
          if (!entry.fetching && entry.retryAt <= now) fetchTransaction(subject, entry);
          continue;
        }
        settle(subject, entry);
      }
    },
  };
}
