// Rules that put a transaction proposal into the queue when they fire (a top-up when a keeper
// runs low, a pause when a guardian event comes). The proposal waits for approval by hand like
// any other. Its source names the firing, so a restart never proposes twice for one firing, and
// a firing whose proposal was lost in a crash gets it after the restart.
import type { Logger } from '../ports/index.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Store, StoredFiring } from '../store/index.ts';
import type { TxQueueService } from '../txqueue/index.ts';
import type { FiringLedger } from './firing-ledger.ts';
import type { RuleDefinition } from './rule-shapes.ts';

export type ProposalQueue = Pick<TxQueueService, 'checkProposal' | 'propose' | 'hasProposalFrom'>;

/** `rule:<id>:<firing>`, and a revision suffix when a retracted event came back and fired again. */
export function proposalSource(firing: Pick<StoredFiring, 'ruleId' | 'id' | 'revision'>): string {
  return `rule:${firing.ruleId}:${firing.id}${firing.revision > 1 ? `.r${firing.revision}` : ''}`;
}

/** Checks a rule's proposal as the queue would, naming fields under `propose.`. */
export async function checkRuleProposal(
  queue: ProposalQueue | undefined,
  propose: NonNullable<RuleDefinition['propose']>,
  field: string,
): Promise<void> {
  if (!queue)
    throw new VigilError('INVALID_INPUT', 'This Vigil has no transaction queue to propose into.', {
      field: `${field}propose`,
    });
  try {
    await queue.checkProposal(propose);
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw new VigilError(error.code, `${field}propose: ${error.message}`, {
      field: `${field}propose${error.field ? `.${error.field}` : ''}`,
      ...(error.details ? { details: error.details } : {}),
    });
  }
}

export interface RuleProposerDependencies {
  queue: ProposalQueue | undefined;
  store: Store;
  ledger: FiringLedger;
  log: Logger;
  /** Something was annotated: flush. */
  changed: () => void;
}

export function createRuleProposer(deps: RuleProposerDependencies) {
  const inFlight = new Set<string>();

  function proposeFor(firing: StoredFiring, definition: RuleDefinition): void {
    const queue = deps.queue;
    const input = definition.propose;
    if (!queue || !input) return;
    const source = proposalSource(firing);
    if (inFlight.has(source) || queue.hasProposalFrom(source)) return;
    inFlight.add(source);
    queue
      .propose(input, source, SYSTEM_ACTOR)
      .then(
        (tx) => deps.ledger.annotate(firing.ruleId, firing.subject, { proposal: { txId: tx.id } }),
        (error: unknown) => {
          const message = (error as Error).message.split('\n')[0]!;
          deps.log.warn(
            `Rule ${firing.ruleId} fired but could not propose its transaction: ${message}`,
          );
          deps.ledger.annotate(firing.ruleId, firing.subject, { proposal: { error: message } });
        },
      )
      .finally(() => {
        inFlight.delete(source);
        deps.changed();
      });
  }

  return {
    proposeFor,
    /** Firings of rules with a proposal that have none yet (a crash came between): propose now. */
    catchUp(rules: { id: string; definition: RuleDefinition; armedAt: number | null }[]): void {
      for (const rule of rules) {
        if (!rule.definition.propose || rule.armedAt === null) continue;
        for (const firing of deps.store.alerts.listFirings({
          ruleId: rule.id,
          now: Date.now(),
          limit: 20,
        })) {
          if (
            firing.firedAt < rule.armedAt ||
            // Only firings that still stand: a resolved or retracted one no longer asks for it.
            (firing.state !== 'fired' && firing.state !== 'tentative')
          )
            continue;
          if (firing.measure && 'proposal' in firing.measure) continue;
          proposeFor(firing, rule.definition);
        }
      }
    },
  };
}
