// Rules that put a transaction proposal into the queue when they fire (a top-up when a keeper
// runs low, a pause when a guardian event comes). The proposal waits for approval by hand like
// any other. Its source names the firing, so a restart never proposes twice for one firing, and
// a firing whose proposal was lost in a crash gets it after the restart.
import type { Abi } from 'viem';
import type { AutomationPolicy, RuleProposeInput } from '../../ipc/contract.ts';
import { encodeFunctionCall } from '../abi/index.ts';
import type { Logger } from '../ports/index.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Store, StoredFiring } from '../store/index.ts';
import type { ProposeInput, TxQueueService } from '../txqueue/index.ts';
import type { FiringLedger, FiringRule } from './firing-ledger.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import {
  checkProposalTemplates,
  substituteTemplates,
  type TemplateContext,
} from './rule-templates.ts';

export type ProposalQueue = Pick<
  TxQueueService,
  'checkProposal' | 'propose' | 'hasProposalFrom' | 'withdraw'
>;

/** `rule:<id>:<firing>`, and a revision suffix when a retracted event came back and fired again. */
export function proposalSource(firing: Pick<StoredFiring, 'ruleId' | 'id' | 'revision'>): string {
  return `rule:${firing.ruleId}:${firing.id}${firing.revision > 1 ? `.r${firing.revision}` : ''}`;
}

/** A contract a workspace import adds: not watched yet when the import's proposals are checked. */
export interface PendingContract {
  /** `<chainId>:<lowercase address>`. */
  id: string;
  chainId: number;
  abi: unknown[];
}

/** What a proposal of a workspace import may target that the queue does not know yet. */
export interface PendingTargets {
  contracts: readonly PendingContract[];
  /** Whether the address is a signer in this Vigil's keychain. */
  hasSigner(address: string): boolean;
}

/** What a rule's proposal is checked against besides the queue: its event, ABIs and policies. */
export interface RuleProposalContext extends TemplateContext {
  findPolicy(id: string): AutomationPolicy | undefined;
  /**
   * Contracts the same workspace import adds (a rule's or a schedule's proposal may call one):
   * the queue encodes only for contracts already watched, so a proposal to one of these is
   * encoded here with its ABI and its signer checked, and the rest is left to the queue's check
   * when it is proposed.
   */
  pending?: PendingTargets;
}

/** The contracts a workspace import adds, with the signers of the store's keychain. */
export function pendingTargets(
  store: Pick<Store, 'findSigner'>,
  contracts: readonly PendingContract[],
): PendingTargets {
  return { contracts, hasSigner: (address) => store.findSigner(address) !== undefined };
}

function pendingContractAt(
  pending: PendingTargets | undefined,
  chainId: number,
  address: string | undefined,
): PendingContract | undefined {
  if (!pending || address === undefined) return undefined;
  const id = `${chainId}:${address.toLowerCase()}`;
  return pending.contracts.find((contract) => contract.id === id);
}

/** A proposal to a contract the import adds: what can be checked before it is watched. */
function checkPendingProposal(
  proposal: ProposeInput,
  target: PendingContract,
  pending: PendingTargets,
  field: string,
): void {
  if (proposal.function)
    encodeFunctionCall(target.abi as Abi, proposal.function, `${field}propose.function`);
  if (proposal.from === undefined || !pending.hasSigner(proposal.from))
    throw new VigilError(
      'NOT_FOUND',
      `${field}propose.from: ${proposal.from ?? 'nothing'} is not a signer in this Vigil's keychain.`,
      { field: `${field}propose.from` },
    );
}

/** The policy a proposal executes under exists and sends from its signer on its chain. */
function checkExecute(
  propose: RuleProposeInput,
  context: RuleProposalContext,
  field: string,
): void {
  if (!propose.execute) return;
  const at = `${field}propose.execute.policy`;
  const policy = context.findPolicy(propose.execute.policy);
  if (!policy)
    throw new VigilError(
      'NOT_FOUND',
      `${at}: no automation policy has id ${propose.execute.policy}.`,
      {
        field: at,
      },
    );
  if (propose.safe !== undefined)
    throw new VigilError(
      'INVALID_INPUT',
      `${at}: a Safe proposal is approved by its owners, never by a policy.`,
      { field: at },
    );
  if (
    policy.chainId !== propose.chainId ||
    propose.from === undefined ||
    policy.signer.toLowerCase() !== propose.from.toLowerCase()
  )
    throw new VigilError(
      'INVALID_INPUT',
      `${at}: policy ${policy.id} sends from ${policy.signer} on chain ${policy.chainId}; this proposal is from ${propose.from ?? '(no signer)'} on chain ${propose.chainId}.`,
      { field: at },
    );
}

/**
 * Checks a rule's proposal as the queue would (templates typed first), naming fields under
 * `propose.`; a proposal to a contract the same workspace import adds, as far as it can be
 * before the contract is watched (see `pending`).
 */
export async function checkRuleProposal(
  queue: Pick<ProposalQueue, 'checkProposal'> | undefined,
  propose: RuleProposeInput,
  field: string,
  context: RuleProposalContext,
): Promise<void> {
  if (!queue)
    throw new VigilError('INVALID_INPUT', 'This Vigil has no transaction queue to propose into.', {
      field: `${field}propose`,
    });
  checkExecute(propose, context, field);
  const { pending } = context;
  const abiOf = (chainId: number, address: string): Abi | undefined =>
    context.abiOf(chainId, address) ??
    (pendingContractAt(pending, chainId, address)?.abi as Abi | undefined);
  const proposal = checkProposalTemplates(propose, { ...context, abiOf }, `${field}propose.`);
  const target = pendingContractAt(pending, propose.chainId, propose.to);
  if (target) return checkPendingProposal(proposal, target, pending!, field);
  try {
    await queue.checkProposal(proposal);
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw new VigilError(error.code, `${field}propose: ${error.message}`, {
      field: `${field}propose${error.field ? `.${error.field}` : ''}`,
      ...(error.details ? { details: error.details } : {}),
    });
  }
}

/** The reason a proposal is withdrawn when the event that fired its rule is gone. */
export const WITHDRAWN_REASON = 'its triggering event was removed by a reorg';

const SENT_OR_ON_ITS_WAY: ReadonlySet<string> = new Set([
  'approved',
  'signed',
  'sent',
  'mined',
  'confirmed',
  'failed',
]);

function proposalTxId(firing: StoredFiring): number | undefined {
  const proposal = (firing.measure as { proposal?: { txId?: unknown } } | null)?.proposal;
  return typeof proposal?.txId === 'number' ? proposal.txId : undefined;
}

export interface RuleProposerDependencies {
  queue: ProposalQueue | undefined;
  store: Store;
  ledger: FiringLedger;
  log: Logger;
  /** Something was annotated: flush. */
  changed: () => void;
  /** A running rule as the ledger fires it, to tell the operator about a reorged send. */
  findRule(id: string): FiringRule | undefined;
}

export function createRuleProposer(deps: RuleProposerDependencies) {
  const inFlight = new Set<string>();

  /**
   * A transaction already sent (or on its way) for this same event by an earlier firing: one of
   * this firing's earlier revisions, or a firing a reorg retracted whose event (the same
   * transaction's log, now in another block) came back. Its id, or undefined.
   */
  function sentForSameEvent(firing: StoredFiring): number | undefined {
    const sentTx = (txId: number | undefined): number | undefined => {
      const tx = txId === undefined ? undefined : deps.store.findTransaction(txId);
      return tx && SENT_OR_ON_ITS_WAY.has(tx.status) ? tx.id : undefined;
    };
    for (let revision = 1; revision < firing.revision; revision++) {
      const sent = sentTx(deps.store.firstTransactionFrom(proposalSource({ ...firing, revision })));
      if (sent !== undefined) return sent;
    }
    const event = firing.event;
    if (!event) return undefined;
    const retracted = deps.store.alerts.listFirings({
      ruleId: firing.ruleId,
      state: 'retracted',
      now: Date.now(),
      limit: 100,
    });
    for (const earlier of retracted) {
      if (
        earlier.id === firing.id ||
        earlier.event?.chainId !== event.chainId ||
        earlier.event.transactionHash.toLowerCase() !== event.transactionHash.toLowerCase() ||
        // Its log index may move with the block; the same transaction and contract is enough
        // to leave it to a person (the cautious side).
        earlier.event.address.toLowerCase() !== event.address.toLowerCase()
      )
        continue;
      const sent = sentTx(proposalTxId(earlier));
      if (sent !== undefined) return sent;
    }
    return undefined;
  }

  function proposeFor(firing: StoredFiring, definition: RuleDefinition): void {
    const queue = deps.queue;
    const input = definition.propose;
    if (!queue || !input) return;
    const source = proposalSource(firing);
    if (inFlight.has(source) || queue.hasProposalFrom(source)) return;
    inFlight.add(source);
    // An event a reorg took back and brought back fires again; if what its first firing sent is
    // already on its way, a policy must not send it a second time: a person decides.
    const sentBefore = input.execute ? sentForSameEvent(firing) : undefined;
    Promise.resolve()
      .then(() =>
        queue.propose(
          {
            ...substituteTemplates(input, firing.event),
            ...(sentBefore === undefined
              ? {}
              : {
                  note: `The same event fired again after a reorg; transaction ${sentBefore} was already sent for it, so this one waits for a person.`,
                }),
          },
          source,
          SYSTEM_ACTOR,
          input.execute && sentBefore === undefined ? { executeUnder: input.execute.policy } : {},
        ),
      )
      .then(
        (tx) => {
          deps.ledger.annotate(firing.ruleId, firing.subject, { proposal: { txId: tx.id } });
          // A reorg may have taken the event back while this was being proposed.
          const now = deps.ledger.current(firing.ruleId, firing.subject);
          if (now?.state === 'retracted')
            withdrawFor({ ...now, measure: { proposal: { txId: tx.id } } });
        },
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

  /**
   * The event behind a firing was removed by a reorg: its transaction is withdrawn if it still
   * waits; if it was already approved or sent, the operator is told by a firing of its own.
   */
  function withdrawFor(firing: StoredFiring): void {
    // A crash may have come between proposing and noting it on the firing: found by its source.
    const txId = proposalTxId(firing) ?? deps.store.firstTransactionFrom(proposalSource(firing));
    if (!deps.queue || txId === undefined) return;
    const tx = deps.queue.withdraw(txId, WITHDRAWN_REASON);
    if (!tx || tx.status === 'rejected' || !SENT_OR_ON_ITS_WAY.has(tx.status)) return;
    const rule = deps.findRule(firing.ruleId);
    if (!rule) return;
    deps.log.error(
      `Rule ${firing.ruleId}: transaction ${tx.id} was already ${tx.status} when a reorg removed the event that proposed it.`,
    );
    deps.ledger.fire(
      // Never suppressed by the rule's cooldown: nothing is taken back on chain by itself.
      { ...rule, severity: 'critical', cooldownSeconds: 0 },
      {
        subject: `reorged-after-send:tx:${tx.id}`,
        summary: `Transaction ${tx.id}${tx.hash ? ` (${tx.hash})` : ''} was already ${tx.status} when a reorg removed the event that fired ${rule.name}; it is not reverted: look at it.`,
        chainId: tx.chainId,
        event: firing.event,
        measure: { reorgedAfterSend: { txId: tx.id, status: tx.status, hash: tx.hash } },
      },
    );
    deps.changed();
  }

  return {
    proposeFor,
    withdrawFor,
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
