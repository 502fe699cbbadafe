// Rules about a condition rather than an event (lag, silence, and later balance): while the
// condition holds it is one episode, fired once when it starts and resolved when it clears. The
// open episode is a durable firing, so a restart neither fires it again nor forgets to clear it.
import type { FiringLedger, FiringRule } from './firing-ledger.ts';

export interface EpisodeReading {
  /** The condition holds (for as long as the rule asks). */
  active: boolean;
  summary: string;
  chainId: number | null;
  measure: Record<string, unknown>;
}

export interface EpisodeTracker {
  /** A reading of undefined means "cannot tell now" (the chain is not synced): nothing changes. */
  update(reading: EpisodeReading | undefined, now: number): void;
}

export function createEpisodeTracker(rule: FiringRule, ledger: FiringLedger): EpisodeTracker {
  let openSubject = ledger
    .live()
    .find((firing) => firing.ruleId === rule.id && firing.subject.startsWith('episode:'))?.subject;
  return {
    update(reading, now) {
      if (reading === undefined) return;
      if (reading.active && openSubject === undefined) {
        openSubject = `episode:${now}`;
        ledger.fire(rule, {
          subject: openSubject,
          summary: reading.summary,
          chainId: reading.chainId,
          measure: { ...reading.measure, startedAt: now },
        });
      } else if (!reading.active && openSubject !== undefined) {
        ledger.resolve(rule.id, openSubject, { ...reading.measure, endedAt: now });
        openSubject = undefined;
      }
    },
  };
}
