// Failed-call rules: a transaction to one of the watched addresses that failed on chain (receipt
// status 0), whoever sent it. Failed transactions emit no logs, so the log watcher never sees
// them: the rule reads each new block the chain's head passes (with its transactions) and the
// receipts of those sent to its addresses. Only blocks after the rule was armed (by block, or by
// timestamp when its chain's head was unknown then), from where it had read to (kept in the
// store, so a restart reads what came while Vigil was down) or CATCH_UP_BLOCKS behind the head
// the first time, so the cost follows the chain, not its history. Fires once per
// transaction (subject `chainId:txHash`, so reading a block again after a restart finds the
// firing and does nothing); a firing whose block a reorg replaced is taken back.
import { getAddress } from 'viem';
import type { FetchedBlock } from './block-fetcher.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import {
  requireChain,
  type RuleKind,
  type RuleRunner,
  type RunnableRule,
  type RunnerDependencies,
} from './rule-runner.ts';

type FailedCallSettings = Extract<RuleDefinition, { kind: 'failed-call' }>;

/** How far behind the head reading starts (after a restart, or when it fell behind). */
export const CATCH_UP_BLOCKS = 64;
/** Blocks read per head, so one slow chain cannot queue up unbounded work. */
const BLOCKS_PER_ROUND = 16;
/**
 * How far behind the head the rule still reads every block (after a long downtime, or a slow
 * RPC); beyond it the oldest blocks are skipped, with a warning.
 */
export const MAX_BEHIND_BLOCKS = 10_000;
/** How many blocks read between two saves of the read position. */
const SAVE_EVERY_BLOCKS = 32;

interface FailedCall {
  transactionHash: string;
  from: string;
  to: string;
  value: string;
  blockNumber: number;
  blockHash: string;
  blockTimestamp: number;
}

export const failedCallRuleKind: RuleKind<FailedCallSettings> = {
  validate(settings, context, field) {
    requireChain(context, settings.chainId, field);
    const addresses = [...new Set(settings.addresses.map((a) => getAddress(a.toLowerCase())))];
    return { ...settings, addresses };
  },
  chainOf: (settings) => settings.chainId,
  start: (rule, deps) => startFailedCallRule(rule, deps),
};

function startFailedCallRule(rule: RunnableRule, deps: RunnerDependencies): RuleRunner {
  const settings = rule.definition as FailedCallSettings;
  const { chainId } = settings;
  const watched = new Set(settings.addresses.map((address) => address.toLowerCase()));
  /** Found, waiting for their block to be deep enough to fire (or to confirm a tentative firing). */
  const waiting = new Map<string, FailedCall & { fired: boolean }>();
  let nextBlock: number | null = null;
  /** The hashes of the blocks read lately, to find a reorg that replaced one of them. */
  const readHashes = new Map<number, string>();
  /** Where the rule had read to, kept across restarts (a meta entry of the operator data). */
  const positionKey = `failed-call.next-block:${rule.id}`;
  let savedPosition: number | undefined = Number(deps.store.meta(positionKey) ?? Number.NaN);
  if (!Number.isSafeInteger(savedPosition)) savedPosition = undefined;
  let busy = false;
  let latestHead = -1;

  const subjectOf = (hash: string): string => `${chainId}:${hash.toLowerCase()}`;
  const chainDepth = (): number => deps.store.findChain(chainId)?.confirmations ?? 0;
  const nameOf = (address: string): string =>
    deps.store.findContract(`${chainId}:${address.toLowerCase()}`)?.name ?? address;

  const fire = (call: FailedCall, tentative: boolean): void => {
    deps.ledger.fire(rule, {
      subject: subjectOf(call.transactionHash),
      summary: `Transaction ${call.transactionHash} from ${call.from} to ${nameOf(call.to)} failed on chain ${chainId} (block ${call.blockNumber}).`,
      chainId,
      measure: { ...call },
      tentative,
    });
  };

  // Tentative firings of an earlier run wait again for their block's depth.
  for (const firing of deps.ledger.live())
    if (firing.ruleId === rule.id && firing.state === 'tentative' && firing.measure)
      waiting.set(firing.subject, { ...(firing.measure as unknown as FailedCall), fired: true });

  async function failedIn(block: FetchedBlock): Promise<FailedCall[]> {
    // A rule armed while its chain's head was unknown is armed by time, as event rules are.
    if (rule.armedBlock === null && block.timestamp < Math.floor(rule.armedAt! / 1000)) return [];
    const sent = block.transactions.filter((tx) => tx.to && watched.has(tx.to.toLowerCase()));
    const failed: FailedCall[] = [];
    for (const tx of sent)
      if (!(await deps.blocks.succeeded(chainId, tx.hash)))
        failed.push({
          transactionHash: tx.hash,
          from: getAddress(tx.from),
          to: getAddress(tx.to!),
          value: BigInt(tx.value).toString(),
          blockNumber: block.number,
          blockHash: block.hash,
          blockTimestamp: block.timestamp,
        });
    return failed;
  }

  function found(call: FailedCall): void {
    // A runner the rules were started again over (its rule disabled, say) fires nothing more.
    if (deps.replaced()) return;
    const subject = subjectOf(call.transactionHash);
    const standing = deps.ledger.current(rule.id, subject);
    if (standing && standing.state !== 'retracted') return;
    if (settings.confirmations === 0) {
      const tentative = chainDepth() > 0;
      fire(call, tentative);
      if (tentative) waiting.set(subject, { ...call, fired: true });
    } else waiting.set(subject, { ...call, fired: false });
  }

  /** Waiting calls whose block is deep enough: fired or confirmed if it stands, else taken back. */
  async function settle(head: number): Promise<void> {
    for (const [subject, call] of waiting) {
      const depth = call.fired ? chainDepth() : settings.confirmations;
      if (head < call.blockNumber + depth) continue;
      const hash = await deps.blocks.hashAt(chainId, call.blockNumber);
      if (deps.replaced()) return;
      waiting.delete(subject);
      if (hash === call.blockHash) {
        if (call.fired) deps.ledger.confirm(rule.id, subject);
        else fire(call, false);
        continue;
      }
      if (call.fired)
        deps.ledger.retract(
          rule.id,
          subject,
          `a reorganisation of chain ${chainId} replaced block ${call.blockNumber} (${call.blockHash})`,
        );
      // The block that replaced it is read again.
      if (nextBlock !== null) nextBlock = Math.min(nextBlock, call.blockNumber);
    }
  }

  /**
   * A reorg replaced blocks already read (the newest read has another hash now): read again from
   * the first replaced one. Failures found in replaced blocks are taken back (fired) or dropped
   * (waiting); those the new blocks hold are found and fired anew.
   */
  async function rewindPastReorg(): Promise<void> {
    if (nextBlock === null || !readHashes.has(nextBlock - 1)) return;
    let from = nextBlock;
    for (let number = nextBlock - 1; readHashes.has(number); number--) {
      if ((await deps.blocks.hashAt(chainId, number)) === readHashes.get(number)) break;
      from = number;
    }
    if (from === nextBlock || deps.replaced()) return;
    deps.blocks.forget(chainId, from);
    for (const number of [...readHashes.keys()]) if (number >= from) readHashes.delete(number);
    for (const [subject, call] of waiting) {
      if (call.blockNumber < from) continue;
      waiting.delete(subject);
      if (call.fired)
        deps.ledger.retract(
          rule.id,
          subject,
          `a reorganisation of chain ${chainId} replaced block ${call.blockNumber} (${call.blockHash})`,
        );
    }
    nextBlock = from;
  }

  async function readTo(head: number): Promise<void> {
    if (nextBlock === null) {
      const armedFrom = rule.armedBlock === null ? 0 : rule.armedBlock + 1;
      nextBlock =
        savedPosition === undefined
          ? Math.max(armedFrom, head - CATCH_UP_BLOCKS + 1)
          : Math.max(armedFrom, savedPosition);
    }
    if (head - nextBlock >= MAX_BEHIND_BLOCKS) {
      deps.log.warn(
        `Rule ${rule.id}: skipped blocks ${nextBlock}–${head - MAX_BEHIND_BLOCKS} of chain ${chainId}; failed calls in them are not alerted on.`,
      );
      nextBlock = head - MAX_BEHIND_BLOCKS + 1;
    }
    await rewindPastReorg();
    const last = Math.min(head, nextBlock + BLOCKS_PER_ROUND - 1);
    while (nextBlock <= last) {
      const block = await deps.blocks.block(chainId, nextBlock);
      if (!block) break;
      for (const call of await failedIn(block)) found(call);
      readHashes.set(block.number, block.hash);
      readHashes.delete(block.number - CATCH_UP_BLOCKS);
      nextBlock++;
    }
    await settle(head);
  }

  function round(): void {
    if (busy || latestHead < 0 || deps.replaced()) return;
    busy = true;
    const head = latestHead;
    let read = false;
    readTo(head)
      .then(() => {
        read = true;
      })
      .catch((error: unknown) =>
        deps.log.warn(
          `Rule ${rule.id}: could not read blocks of chain ${chainId} for failed calls (${(error as Error).message.split('\n')[0]}); trying again.`,
        ),
      )
      .finally(() => {
        busy = false;
        deps.changed();
        // After the flush deps.changed() queued, so the position never passes a firing not yet
        // stored; nor a failure still waiting for its depth (it lives only here until fired).
        queueMicrotask(savePosition);
        // A head that came while reading, or blocks left for the next round (after a failure,
        // the next head or tick tries again).
        if (read && (latestHead > head || (nextBlock !== null && nextBlock <= latestHead))) round();
      });
  }

  function savePosition(): void {
    if (nextBlock === null || deps.replaced()) return;
    let position = nextBlock;
    for (const call of waiting.values())
      if (!call.fired) position = Math.min(position, call.blockNumber);
    // A journal entry every SAVE_EVERY_BLOCKS blocks, not every block: a restart reads again at
    // most that many blocks it had read (the ledger fires each failure once). A position that
    // went back (a reorg, a failure waiting for its depth) is saved at once.
    if (
      savedPosition !== undefined &&
      position >= savedPosition &&
      position - savedPosition < SAVE_EVERY_BLOCKS
    )
      return;
    deps.store.execute({ type: 'meta.set', key: positionKey, value: String(position) });
    savedPosition = position;
  }

  const onHead = (head: number | null | undefined): void => {
    if (head === null || head === undefined || rule.armedAt === null) return;
    latestHead = Math.max(latestHead, head);
    round();
  };
  return {
    onHead(headChain, head) {
      if (headChain === chainId) onHead(head);
    },
    // The head as the watcher knows it, for when no head event came since the rule started.
    onTick: () => onHead(deps.chains.sync(chainId)?.headBlock),
  };
}
