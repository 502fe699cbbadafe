// Silence rules, a dead-man's switch: no matching event within T (a keeper that stopped
// working, an oracle that stopped updating). Judged only while the chain's store is caught up,
// so a restart's backfill is not mistaken for silence.
import { VigilError } from '../errors/index.ts';
import { createEpisodeTracker } from './episodes.ts';
import { createEventMatcher } from './event-matcher.ts';
import { armedFor, validateContractEvent } from './event-rule.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import type { RuleKind } from './rule-runner.ts';

type SilenceSettings = Extract<RuleDefinition, { kind: 'silence' }>;

/** How far behind its head a chain may be for silence to be judged at all. */
const CAUGHT_UP_BLOCKS = 16;
/** How many stored events are searched (newest first) for the last match when the rule starts. */
const START_SEARCH_ROWS = 5_000;

export const silenceRuleKind: RuleKind<SilenceSettings> = {
  validate(settings, context, field) {
    const valid = validateContractEvent(settings, context, field);
    // The compiled condition knows whether `tx.` is the transaction or an argument called tx.
    if (createEventMatcher(valid, context).needsTransaction)
      throw new VigilError(
        'CONDITION_UNKNOWN_FIELD',
        `${field('condition')}: silence rules match on the event's arguments only; tx.* fields are for event rules.`,
        { field: field('condition') },
      );
    return valid;
  },
  chainOf: (settings, context) => context.findContract(settings.contractId)?.chainId ?? null,
  start(rule, deps) {
    const settings = rule.definition as SilenceSettings;
    const matcher = createEventMatcher(settings, {
      findContract: (id) => deps.store.findContract(id),
    });
    const chainId = matcher.contract.chainId;
    const tracker = createEpisodeTracker(rule, deps.ledger);
    const blockTime = (row: { blockTimestamp: number | null }): number =>
      row.blockTimestamp === null ? deps.now() : row.blockTimestamp * 1000;
    // A match at the chain's tip counts from when it is seen: block timestamps run seconds behind
    // the local clock (and a chain's clock is its own). One from further back, as a backfill
    // brings, counts from its block's time.
    const seenAt = (row: { blockNumber: number; blockTimestamp: number | null }): number => {
      const head = deps.chains.sync(chainId)?.headBlock;
      return head === null || head === undefined || row.blockNumber >= head - 1
        ? deps.now()
        : blockTime(row);
    };
    // Silence is counted from the last match after the rule was armed, or from the arming.
    let lastMatchAt = rule.armedAt ?? deps.now();
    let cursor: string | undefined;
    for (let searched = 0; searched < START_SEARCH_ROWS;) {
      const page = deps.store.queryEvents({
        contractId: matcher.contract.id,
        eventName: matcher.resolved.event.name,
        order: 'desc',
        limit: 500,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const found = page.rows.find((row) => armedFor(rule, row) && matcher.matches(row));
      if (found) {
        lastMatchAt = Math.max(lastMatchAt, blockTime(found));
        break;
      }
      searched += page.rows.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return {
      eventKey: matcher.eventKey,
      onRows(rows) {
        for (const row of rows)
          if (row.status !== 'removed' && armedFor(rule, row) && matcher.matches(row))
            lastMatchAt = Math.max(lastMatchAt, seenAt(row));
      },
      onTick(now) {
        const sync = deps.chains.sync(chainId);
        if (!sync || sync.lagBlocks === null || sync.lagBlocks > CAUGHT_UP_BLOCKS) return;
        const silentSeconds = Math.max(0, (now - lastMatchAt) / 1000);
        tracker.update(
          {
            active: silentSeconds > settings.withinSeconds,
            chainId,
            summary: `No ${matcher.resolved.label}${settings.condition ? ` matching ${settings.condition}` : ''} for ${Math.round(silentSeconds)} s (expected within ${settings.withinSeconds} s)`,
            measure: {
              lastMatchAt,
              silentSeconds: Math.round(silentSeconds),
              withinSeconds: settings.withinSeconds,
            },
          },
          now,
        );
      },
    };
  },
};
