// Transaction rules: a proposal from the queue that failed on chain, was dropped, or has been
// sent and not mined for longer than T. Failed and dropped fire once per transaction; stuck is
// an episode of that transaction, resolved when it is mined, replaced or given up.
import type { Transaction } from '../../ipc/contract.ts';
import { formatNativeAmount } from '../../ipc/amounts.ts';
import { nativeCurrencyOf } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import { requireChain, type RuleKind } from './rule-runner.ts';

type TransactionSettings = Extract<RuleDefinition, { kind: 'transaction' }>;

/** Statuses after which a transaction is no longer in flight (so no longer stuck). */
const OUT_OF_FLIGHT = new Set(['mined', 'confirmed', 'failed', 'dropped', 'replaced', 'cancelled']);

function describe(tx: Transaction): string {
  const what =
    tx.call.kind === 'function' && tx.call.functionName
      ? `${tx.call.functionName} on ${tx.call.targetName ?? tx.to}`
      : tx.kind === 'transfer'
        ? `transfer of ${formatNativeAmount(tx.value, nativeCurrencyOf(tx.chainId))} to ${tx.to}`
        : `${tx.kind} to ${tx.to}`;
  return `Transaction #${tx.id} (${what}) from ${tx.from} on chain ${tx.chainId}`;
}

/** When the transaction was last sent (a rebroadcast counts as sending again). */
function sentAt(tx: Transaction): number {
  const sends = tx.timeline.filter(
    (entry) => entry.status === 'sent' || entry.status === 'rebroadcast',
  );
  return sends.at(-1)?.at ?? tx.updatedAt;
}

export const transactionRuleKind: RuleKind<TransactionSettings> = {
  validate(settings, context, field) {
    if (settings.chainId !== undefined) requireChain(context, settings.chainId, field);
    if (settings.from !== undefined && !context.signerExists(settings.from))
      throw new VigilError(
        'NOT_FOUND',
        `${settings.from} is not one of Vigil's signers; import it first, or leave from empty for every signer.`,
        {
          field: field('from'),
        },
      );
    return { ...settings, on: [...new Set(settings.on)] };
  },
  chainOf: () => null,
  start(rule, deps) {
    const settings = rule.definition as TransactionSettings;
    const watched = (tx: Transaction): boolean =>
      (settings.chainId === undefined || tx.chainId === settings.chainId) &&
      (settings.from === undefined || tx.from.toLowerCase() === settings.from.toLowerCase()) &&
      // Only what happens after the rule was enabled.
      rule.armedAt !== null &&
      tx.updatedAt >= rule.armedAt;
    const fireFor = (
      tx: Transaction,
      what: 'failed' | 'dropped' | 'stuck',
      detail: string,
    ): void => {
      if (!settings.on.includes(what)) return;
      deps.ledger.fire(rule, {
        subject: `tx:${tx.id}:${what}`,
        summary: `${describe(tx)} ${detail}`,
        chainId: tx.chainId,
        measure: {
          txId: tx.id,
          status: tx.status,
          hash: tx.hash,
          nonce: tx.nonce,
          ...(tx.failureReason ? { failureReason: tx.failureReason } : {}),
        },
      });
    };
    const settle = (tx: Transaction): void => {
      if (!watched(tx)) return;
      if (tx.status === 'failed')
        fireFor(tx, 'failed', `failed${tx.failureReason ? `: ${tx.failureReason}` : ''}.`);
      if (tx.status === 'dropped')
        fireFor(tx, 'dropped', `was dropped${tx.failureReason ? `: ${tx.failureReason}` : ''}.`);
      if (OUT_OF_FLIGHT.has(tx.status))
        deps.ledger.resolve(rule.id, `tx:${tx.id}:stuck`, {
          status: tx.status,
          endedBecause: tx.status,
        });
    };
    // What failed or was dropped while Vigil was down (or before a crash lost the firing).
    for (const tx of deps.store.listTransactions({ statuses: ['failed', 'dropped'], limit: 500 }))
      settle(tx);
    return {
      onTransaction: settle,
      onTick(now) {
        if (!settings.on.includes('stuck')) return;
        for (const tx of deps.store.listTransactions({ statuses: ['sent'], limit: 500 })) {
          if (!watched({ ...tx, updatedAt: Math.max(tx.updatedAt, sentAt(tx)) })) continue;
          const waited = (now - sentAt(tx)) / 1000;
          if (waited > settings.stuckSeconds)
            fireFor(
              tx,
              'stuck',
              `has been sent and not mined for ${Math.round(waited)} s (limit ${settings.stuckSeconds} s).`,
            );
        }
      },
    };
  },
};
