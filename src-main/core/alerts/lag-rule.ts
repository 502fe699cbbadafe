// Lag rules: a chain's store more than N blocks or T seconds behind its head, for longer than D.
import { createEpisodeTracker } from './episodes.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import { requireChain, type RuleKind } from './rule-runner.ts';

type LagSettings = Extract<RuleDefinition, { kind: 'lag' }>;

export const lagRuleKind: RuleKind<LagSettings> = {
  validate(settings, context, field) {
    requireChain(context, settings.chainId, field);
    return settings;
  },
  chainOf: (settings) => settings.chainId,
  start(rule, deps) {
    const settings = rule.definition as LagSettings;
    const tracker = createEpisodeTracker(rule, deps.ledger);
    let exceededSince: number | undefined;
    return {
      onTick(now) {
        const sync = deps.chains.sync(settings.chainId);
        if (!sync) return;
        const { lagBlocks, lagSeconds } = sync;
        const overBlocks =
          settings.maxBlocks !== undefined && lagBlocks !== null && lagBlocks > settings.maxBlocks;
        const overSeconds =
          settings.maxSeconds !== undefined &&
          lagSeconds !== null &&
          lagSeconds > settings.maxSeconds;
        if (overBlocks || overSeconds) exceededSince ??= now;
        else exceededSince = undefined;
        const heldFor = exceededSince === undefined ? 0 : (now - exceededSince) / 1000;
        const measure = {
          lagBlocks,
          lagSeconds: lagSeconds === null ? null : Math.round(lagSeconds),
          headBlock: sync.headBlock,
          indexedThrough: sync.indexedThrough,
        };
        tracker.update(
          {
            active: exceededSince !== undefined && heldFor >= settings.forSeconds,
            chainId: settings.chainId,
            summary: `Chain ${settings.chainId} is ${lagBlocks ?? '?'} blocks and ${measure.lagSeconds ?? '?'} s behind its head (limit ${[
              settings.maxBlocks === undefined ? undefined : `${settings.maxBlocks} blocks`,
              settings.maxSeconds === undefined ? undefined : `${settings.maxSeconds} s`,
            ]
              .filter(Boolean)
              .join(' or ')}, for ${settings.forSeconds} s)`,
            measure,
          },
          now,
        );
      },
    };
  },
};
