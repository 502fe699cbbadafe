// Alerts as an engine service: runs the enabled rules on the watcher's rows and a tick, records
// firings through the ledger, hands their deliveries to the queue, and answers the alerts.*
// requests. Its state lives in the store, so a restart picks up open episodes, matches waiting
// for confirmations and deliveries still pending.
import type { Abi, AbiEvent } from 'viem';
import type { AlertRule, EventRow, PushPayload } from '../../ipc/contract.ts';
import { auditActions, type AuditDraft } from '../audit/index.ts';
import type { EngineService, ServiceContext, WorkspaceSection } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import { isSecretRef, type SecretRefs } from '../keys/index.ts';
import type { StoredFiring, StoredRule } from '../store/index.ts';
import { backtestRule } from './backtest.ts';
import {
  createDeliveryQueue,
  fetchHttpPost,
  type HttpPost,
  type RetryPolicy,
} from './delivery-queue.ts';
import {
  listConditionFields,
  resolveEvent,
  reviewCondition,
  type ContractForCondition,
} from './event-condition.ts';
import { createFiringLedger, type FiringRule } from './firing-ledger.ts';
import {
  auditedDefinition,
  prepareRule,
  toWireRule,
  withEnabled,
  type PrepareRuleContext,
} from './rule-definition.ts';
import type { RuleDefinition, ValidRuleInput } from './rule-shapes.ts';
import { ruleKinds } from './rule-kinds.ts';
import { ruleSlug } from '../rule-syntax/index.ts';
import {
  isIndexedThrough,
  rowEventKey,
  type RuleKindContext,
  type RuleRunner,
} from './rule-runner.ts';
import { createBlockFetcher } from './block-fetcher.ts';
import { createTransactionFetcher } from './transaction-fetcher.ts';
import {
  checkRuleProposal,
  pendingTargets,
  createRuleProposer,
  type ProposalQueue,
  type RuleProposalContext,
} from './rule-proposals.ts';
import { guardWebhookDestinations } from './webhook-destination.ts';
import { workspaceRules } from './workspace-rules.ts';

export interface AlertServiceOptions {
  /** The transaction queue rules propose into; without it, rules cannot propose. */
  proposals?: ProposalQueue;
  now?: () => number;
  http?: HttpPost;
  tickMs?: number;
  retry?: Partial<RetryPolicy>;
  env?: Record<string, string | undefined>;
  /** Webhooks to loopback, private, link-local and metadata addresses; refused unless allowed. */
  allowPrivateWebhooks?: boolean;
  /** Where webhook secrets are kept: the keychain; rules store references to them. */
  secrets: SecretRefs;
}

export interface AlertService extends EngineService {
  workspace: WorkspaceSection;
}

type AlertsChanged = PushPayload<'alerts.changed'>;

export function createAlertService(
  context: ServiceContext,
  options: AlertServiceOptions,
): AlertService {
  const { store, log, chains } = context;
  const now = options.now ?? Date.now;
  const ledger = createFiringLedger({ store, now });
  const transactions = createTransactionFetcher(chains);
  const blocks = createBlockFetcher(chains);
  let deliveriesChanged = false;
  const queue = createDeliveryQueue({
    store,
    log,
    now,
    http: guardWebhookDestinations(options.http ?? fetchHttpPost, {
      allowPrivate: options.allowPrivateWebhooks ?? false,
    }),
    revealSecret: (stored) => options.secrets.reveal(stored),
    notify: (notification) => context.push('alerts.notification', notification),
    changed: () => {
      deliveriesChanged = true;
      schedulePush();
    },
    ...(options.retry ? { retry: options.retry } : {}),
  });

  const kindContext: RuleKindContext = {
    findContract: (id) => store.findContract(id),
    chainExists: (chainId) => store.findChain(chainId) !== undefined,
    signerExists: (address) => store.findSigner(address) !== undefined,
  };

  // ---- running rules ----------------------------------------------------------------------

  let runners = new Map<string, RuleRunner>();
  let runnersByEvent = new Map<string, RuleRunner[]>();
  /** Running rules that propose a transaction when they fire. */
  let proposing = new Map<string, RuleDefinition>();
  /** Those rules as the ledger fires them (to tell of a send a reorg left behind). */
  let firingRules = new Map<string, FiringRule>();
  const problems = new Map<string, string>();
  let contractsSeen = '';
  /** Counts startRules calls: a runner of an earlier one has been replaced. */
  let generation = 0;

  function startRules(): void {
    flush();
    const started = ++generation;
    runners = new Map();
    runnersByEvent = new Map();
    proposing = new Map();
    firingRules = new Map();
    problems.clear();
    contractsSeen = store.alerts.contractIds();
    for (const rule of store.alerts.listRules()) {
      if (!rule.enabled) continue;
      const definition = rule.definition as RuleDefinition;
      const firingRule: FiringRule = {
        id: rule.id,
        name: rule.name,
        kind: rule.kind,
        severity: definition.severity,
        channels: definition.channels,
        cooldownSeconds: definition.cooldownSeconds,
      };
      if (definition.propose) {
        proposing.set(rule.id, definition);
        firingRules.set(rule.id, firingRule);
      }
      try {
        const runner = ruleKinds[definition.kind].start(
          {
            ...firingRule,
            definition,
            armedAt: rule.armedAt,
            armedBlock: rule.armedBlock,
          },
          {
            store,
            chains,
            ledger,
            transactions,
            blocks,
            log,
            now,
            changed: () => queueMicrotask(flush),
            replaced: () => generation !== started,
          },
        );
        runners.set(rule.id, runner);
        if (runner.eventKey !== undefined)
          runnersByEvent.set(runner.eventKey, [
            ...(runnersByEvent.get(runner.eventKey) ?? []),
            runner,
          ]);
      } catch (error) {
        const message = (error as Error).message;
        problems.set(rule.id, message);
        log.warn(`Alert rule ${rule.id} cannot run: ${message}`);
      }
    }
    flush();
  }

  function onRows(rows: readonly EventRow[]): void {
    if (runnersByEvent.size === 0) return;
    const perRunner = new Map<RuleRunner, EventRow[]>();
    for (const row of rows) {
      const interested = runnersByEvent.get(rowEventKey(row));
      if (!interested) continue;
      for (const runner of interested) {
        const list = perRunner.get(runner);
        if (list) list.push(row);
        else perRunner.set(runner, [row]);
      }
    }
    for (const [runner, list] of perRunner) {
      // One rule's failure must not keep the rows from the others.
      try {
        runner.onRows?.(list);
      } catch (error) {
        log.error(`An alert rule failed on new rows: ${(error as Error).stack ?? error}`);
      }
    }
    flush();
  }

  /** Tentative firings settle against the store: confirmed there, or gone from an indexed range. */
  function settleTentative(): void {
    for (const firing of ledger.live()) {
      if (firing.state !== 'tentative' || !firing.event) continue;
      const { chainId, blockHash, logIndex, blockNumber, contractId } = firing.event;
      if (!store.findContract(contractId)) continue;
      const row = store.eventByIdentity(chainId, blockHash, logIndex);
      if (row?.status === 'confirmed') ledger.confirm(firing.ruleId, firing.subject);
      else if ((!row || row.status === 'removed') && isIndexedThrough(chains, chainId, blockNumber))
        ledger.retract(
          firing.ruleId,
          firing.subject,
          `block ${blockNumber} (${blockHash}) is no longer on chain ${chainId}`,
        );
    }
  }

  /** Hands something to every running rule, one rule's failure kept from the others. */
  function dispatch(deliver: (runner: RuleRunner) => void): void {
    for (const runner of runners.values()) {
      try {
        deliver(runner);
      } catch (error) {
        log.error(`An alert rule failed: ${(error as Error).stack ?? error}`);
      }
    }
    flush();
  }

  function tick(): void {
    // Contracts added or removed change which rules can run.
    if (store.alerts.contractIds() !== contractsSeen) startRules();
    const at = now();
    settleTentative();
    dispatch((runner) => runner.onTick?.(at));
  }

  // ---- recording and pushing ----------------------------------------------------------------

  const pendingPush: AlertsChanged = {
    firings: [],
    unacknowledged: 0,
    rulesChanged: false,
    deliveriesChanged: false,
  };
  let pushScheduled = false;

  let closed = false;
  let pushTimer: ReturnType<typeof setTimeout> | undefined;

  function schedulePush(): void {
    if (pushScheduled || closed) return;
    pushScheduled = true;
    // A few pushes a second at most, each carrying everything that changed.
    pushTimer = setTimeout(() => {
      pushScheduled = false;
      if (closed) return;
      context.push('alerts.changed', {
        firings: pendingPush.firings.splice(0),
        unacknowledged: store.alerts.countUnacknowledged(now()),
        rulesChanged: pendingPush.rulesChanged,
        deliveriesChanged: pendingPush.deliveriesChanged || deliveriesChanged,
      });
      pendingPush.rulesChanged = false;
      pendingPush.deliveriesChanged = false;
      deliveriesChanged = false;
    }, 200).unref?.();
  }

  function flush(): void {
    if (!ledger.hasPending) return;
    try {
      const { firings, fired, deliveries } = ledger.flush();
      pendingPush.firings.push(...firings);
      for (const firing of fired) {
        const definition = proposing.get(firing.ruleId);
        if (definition) proposer.proposeFor(firing, definition);
      }
      for (const firing of firings)
        if (firing.state === 'retracted' && proposing.has(firing.ruleId))
          proposer.withdrawFor(firing);
      if (deliveries.length > 0) {
        pendingPush.deliveriesChanged = true;
        queue.enqueue(deliveries);
      }
      schedulePush();
    } catch (error) {
      log.error(
        `Could not record alert firings (kept for the next try): ${(error as Error).message}`,
      );
    }
  }

  function rulesChanged(): void {
    startRules();
    pendingPush.rulesChanged = true;
    schedulePush();
  }

  // ---- rules ---------------------------------------------------------------------------------

  /** What a rule's proposal is checked against: the rule's event, watched ABIs, policies. */
  function proposalContext(
    input: ValidRuleInput,
    findContract: (id: string) => ContractForCondition | undefined,
  ): RuleProposalContext {
    let event: AbiEvent | null = null;
    if (input.kind === 'event') {
      const contract = findContract(input.contractId);
      try {
        if (contract) event = resolveEvent(contract, input.eventName).event;
      } catch {
        // prepareRule names the problem with the event, with its field.
      }
    }
    return {
      event,
      abiOf: (chainId, address) => {
        const contract = findContract(`${chainId}:${address.toLowerCase()}`);
        return contract ? (contract.abi as Abi) : undefined;
      },
      findPolicy: (id) => store.automation.findPolicy(id),
    };
  }

  function prepareContext(
    existing: StoredRule | undefined,
    heads: ReadonlyMap<number, number | null>,
    field = '',
  ): PrepareRuleContext {
    return {
      ...kindContext,
      now: now(),
      existing,
      headBlock: (chainId) => heads.get(chainId) ?? chains.sync(chainId)?.headBlock ?? null,
      env: options.env ?? process.env,
      field,
    };
  }

  /**
   * The chains' heads as the chains report them now. A rule enabled now fires for what comes
   * after this; the watcher's own view of the head can be a poll behind.
   */
  async function currentHeads(chainIds: Iterable<number>): Promise<Map<number, number | null>> {
    const heads = new Map<number, number | null>();
    await Promise.all(
      [...new Set(chainIds)].map(async (chainId) => {
        try {
          heads.set(
            chainId,
            Number.parseInt(await chains.rpc(chainId).request<string>('eth_blockNumber'), 16),
          );
        } catch {
          heads.set(chainId, chains.sync(chainId)?.headBlock ?? null);
        }
      }),
    );
    return heads;
  }

  /** The chain a rule input or definition watches, if it names one that is configured. */
  function chainOfRule(settings: RuleDefinition | ValidRuleInput): number[] {
    const chainId = ruleKinds[settings.kind].chainOf(settings as never, kindContext);
    return chainId === null || !store.findChain(chainId) ? [] : [chainId];
  }

  function uniqueRuleId(name: string, taken: (id: string) => boolean): string {
    const base = ruleSlug(name);
    let id = base;
    for (let n = 2; taken(id); n++) id = `${base}-${n}`;
    return id;
  }

  function problemOf(rule: StoredRule): string | null {
    const known = problems.get(rule.id);
    if (known) return known;
    const definition = rule.definition as RuleDefinition;
    if ('contractId' in definition && !store.findContract(definition.contractId))
      return `The contract ${definition.contractId} is no longer watched.`;
    if (definition.kind === 'lag' && !store.findChain(definition.chainId))
      return `Chain ${definition.chainId} is no longer configured.`;
    return null;
  }

  function wireRule(rule: StoredRule, stats = store.alerts.ruleFiringStats()): AlertRule {
    const ruleStats = stats.get(rule.id);
    return toWireRule(
      rule,
      { count: ruleStats?.count ?? 0, lastFiredAt: ruleStats?.lastNotifiedAt ?? null },
      problemOf(rule),
    );
  }

  function wireRules(): AlertRule[] {
    const stats = store.alerts.ruleFiringStats();
    return store.alerts.listRules().map((rule) => wireRule(rule, stats));
  }

  /**
   * The rule with each webhook secret moved into the keychain and a reference kept in its place;
   * a secret equal to the one the same URL had keeps that reference, so an unchanged rule stays
   * unchanged.
   */
  async function secretsInKeychain(rule: StoredRule, existing: StoredRule | undefined) {
    const definition = rule.definition as RuleDefinition;
    const before = (existing?.definition as RuleDefinition | undefined)?.channels ?? [];
    const channels = await Promise.all(
      definition.channels.map(async (channel) => {
        if (channel.type !== 'webhook' || isSecretRef(channel.secret)) return channel;
        for (const old of before)
          if (
            old.type === 'webhook' &&
            old.url === channel.url &&
            (await options.secrets.reveal(old.secret).catch(() => null)) === channel.secret
          )
            return { ...channel, secret: old.secret };
        return { ...channel, secret: await options.secrets.put(channel.secret) };
      }),
    );
    return {
      ...rule,
      definition: { ...definition, channels } as unknown as Record<string, unknown>,
    };
  }

  function findRuleOrFail(id: string): StoredRule {
    const rule = store.alerts.findRule(id);
    if (!rule) throw new VigilError('NOT_FOUND', `No alert rule has id ${id}.`, { field: 'id' });
    return rule;
  }

  function ruleAudit(before: StoredRule | undefined, after: StoredRule): AuditDraft[] {
    const drafts: AuditDraft[] = [];
    const subject = `rule:${after.id}`;
    const details = auditedDefinition(after);
    if (!before)
      drafts.push({ actor: context.actor, action: auditActions.ruleCreated, subject, details });
    // Judged on the stored definition: a new webhook secret is a change even when the audit
    // entry, which shows only its last characters, reads the same.
    else if (
      before.name !== after.name ||
      JSON.stringify(before.definition) !== JSON.stringify(after.definition)
    )
      drafts.push({ actor: context.actor, action: auditActions.ruleChanged, subject, details });
    if (after.enabled !== (before?.enabled ?? false))
      drafts.push({
        actor: context.actor,
        action: after.enabled ? auditActions.ruleEnabled : auditActions.ruleDisabled,
        subject,
        details: { armedAt: after.armedAt, armedBlock: after.armedBlock },
      });
    return drafts;
  }

  /** Validates a rule input, as the editor has it, without saving; for backtests. */
  function definitionOf(input: ValidRuleInput): RuleDefinition {
    const id = input.id ?? 'backtest';
    const existing = store.alerts.findRule(id);
    return prepareRule(id, input, prepareContext(existing, new Map())).rule
      .definition as RuleDefinition;
  }

  // ---- requests ------------------------------------------------------------------------------

  const firingCursor = {
    encode: (firing: { firedAt: number; id: string }) =>
      Buffer.from(JSON.stringify([firing.firedAt, firing.id])).toString('base64url'),
    decode(cursor: string): { firedAt: number; id: string } {
      try {
        const [firedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
          number,
          string,
        ];
        if (Number.isSafeInteger(firedAt) && typeof id === 'string') return { firedAt, id };
      } catch {
        // below
      }
      throw new VigilError(
        'INVALID_INPUT',
        'cursor: not a cursor this list returned; pass back nextCursor unchanged.',
        {
          field: 'cursor',
        },
      );
    },
  };

  const service: AlertService = {
    handlers: {
      'alerts.rules.list': () => ({ rules: wireRules() }),
      async 'alerts.rules.save'(input) {
        if (input.propose)
          await checkRuleProposal(
            options.proposals,
            input.propose,
            '',
            proposalContext(input, (contractId) => store.findContract(contractId)),
          );
        const heads = input.enabled ? await currentHeads(chainOfRule(input)) : new Map();
        const id =
          input.id ??
          uniqueRuleId(input.name, (candidate) => store.alerts.findRule(candidate) !== undefined);
        const existing = store.alerts.findRule(id);
        const prepared = prepareRule(id, input, prepareContext(existing, heads));
        const { generatedSecrets } = prepared;
        const rule = await secretsInKeychain(prepared.rule, existing);
        const audit = ruleAudit(existing, rule);
        if (audit.length > 0 || !existing) {
          store.execute({ type: 'alert.rule.save', rule }, audit);
          rulesChanged();
        }
        return { rule: wireRule(findRuleOrFail(id)), generatedSecrets };
      },
      async 'alerts.rules.setEnabled'(input) {
        const existing = findRuleOrFail(input.id);
        const heads = input.enabled
          ? await currentHeads(chainOfRule(existing.definition as RuleDefinition))
          : new Map();
        const rule = withEnabled(existing, input.enabled, prepareContext(existing, heads));
        if (rule !== existing) {
          store.execute({ type: 'alert.rule.save', rule }, ruleAudit(existing, rule));
          rulesChanged();
        }
        return wireRule(rule);
      },
      'alerts.rules.remove'(input) {
        const existing = findRuleOrFail(input.id);
        store.execute({ type: 'alert.rule.remove', id: input.id }, [
          {
            actor: context.actor,
            action: auditActions.ruleRemoved,
            subject: `rule:${input.id}`,
            details: auditedDefinition(existing),
          },
        ]);
        rulesChanged();
        return { removed: true as const };
      },
      'alerts.firings.list'(input) {
        const limit = input?.limit ?? 200;
        const firings = store.alerts.listFirings({
          ...(input?.ruleId === undefined ? {} : { ruleId: input.ruleId }),
          ...(input?.state === undefined ? {} : { state: input.state }),
          ...(input?.unacknowledged ? { unacknowledged: true } : {}),
          ...(input?.cursor === undefined ? {} : { before: firingCursor.decode(input.cursor) }),
          now: now(),
          limit: limit + 1,
        });
        const page = firings.slice(0, limit);
        return {
          firings: page,
          ...(firings.length > limit ? { nextCursor: firingCursor.encode(page.at(-1)!) } : {}),
          unacknowledged: store.alerts.countUnacknowledged(now()),
        };
      },
      'alerts.ack'(input) {
        const open: StoredFiring[] = [];
        for (const id of input.ids) {
          const firing = store.alerts.findFiring(id);
          if (!firing)
            throw new VigilError('NOT_FOUND', `No firing has id ${id}.`, { field: 'ids' });
          if (firing.acknowledgedAt === null) open.push(firing);
        }
        if (open.length === 0) return { acknowledged: 0 };
        const at = now();
        store.execute(
          {
            type: 'alert.firing.acknowledge',
            ids: open.map((firing) => firing.id),
            at,
            by: context.actor,
          },
          open.map((firing) => ({
            actor: context.actor,
            action: auditActions.alertAcknowledged,
            subject: `firing:${firing.id}`,
            details: { rule: firing.ruleId, state: firing.state, summary: firing.summary },
          })),
        );
        pendingPush.firings.push(...open.map((firing) => store.alerts.findFiring(firing.id)!));
        schedulePush();
        return { acknowledged: open.length };
      },
      'alerts.snooze'(input) {
        if (!store.alerts.findFiring(input.id))
          throw new VigilError('NOT_FOUND', `No firing has id ${input.id}.`, { field: 'id' });
        store.execute({
          type: 'alert.firing.snooze',
          id: input.id,
          until: now() + input.minutes * 60_000,
        });
        const firing = store.alerts.findFiring(input.id)!;
        pendingPush.firings.push(firing);
        schedulePush();
        // A snoozed firing comes back by itself: the count is pushed again when it wakes.
        setTimeout(schedulePush, input.minutes * 60_000 + 50).unref?.();
        return firing;
      },
      'alerts.deliveries.list'(input) {
        return {
          deliveries: store.alerts
            .listDeliveries({
              ...(input?.firingId === undefined ? {} : { firingId: input.firingId }),
              ...(input?.ruleId === undefined ? {} : { ruleId: input.ruleId }),
              limit: input?.limit ?? 200,
            })
            .map(
              ({ target: _target, body: _body, updatedAt: _updatedAt, ...delivery }) => delivery,
            ),
        };
      },
      async 'alerts.backtest'(input) {
        let definition: RuleDefinition;
        if (input.rule) definition = definitionOf(input.rule as ValidRuleInput);
        else if (input.id !== undefined)
          definition = findRuleOrFail(input.id).definition as RuleDefinition;
        else
          throw new VigilError(
            'INVALID_INPUT',
            'Give the id of a saved rule, or the rule itself.',
            {
              field: 'rule',
            },
          );
        return backtestRule(
          definition,
          { store, transactions },
          {
            limit: input.limit ?? 500,
            ...(input.fromBlock === undefined ? {} : { fromBlock: input.fromBlock }),
            ...(input.toBlock === undefined ? {} : { toBlock: input.toBlock }),
          },
        );
      },
      'alerts.conditions.check'(input) {
        const contract = store.findContract(input.contractId);
        if (!contract)
          throw new VigilError('NOT_FOUND', `No watched contract has id ${input.contractId}.`, {
            field: 'contractId',
          });
        const resolved = resolveEvent(contract, input.eventName);
        const review = reviewCondition(
          resolved,
          input.condition !== undefined
            ? { condition: input.condition }
            : { text: input.text ?? '' },
        );
        return {
          ok: review.problems.length === 0,
          text: review.text,
          condition: review.condition,
          problems: review.problems.map(({ code: _code, ...problem }) => problem),
          fields: listConditionFields(resolved.fields),
        };
      },
    },

    workspace: workspaceRules({
      store,
      async prepare(id, input, field, pendingContracts, pending) {
        const findContract = (contractId: string) =>
          store.findContract(contractId) ??
          pendingContracts.find((contract) => contract.id === contractId);
        if (input.propose)
          await checkRuleProposal(options.proposals, input.propose, field, {
            ...proposalContext(input, findContract),
            // The call may target a contract this same import adds: not watched yet.
            pending: pendingTargets(store, pendingContracts),
          });
        const base = prepareContext(undefined, new Map(), field);
        const { rule } = prepareRule(id, input, {
          ...base,
          // What the operator typed for this import stands in for the environment.
          env: { ...base.env, ...pending.secretValues },
          findContract,
          chainExists: (chainId) =>
            kindContext.chainExists(chainId) || pending.chains.includes(chainId),
          signerExists: (address) =>
            kindContext.signerExists(address) ||
            pending.signers.some((signer) => signer.toLowerCase() === address.toLowerCase()),
        });
        return secretsInKeychain(rule, store.alerts.findRule(id));
      },
      ruleAudit,
      applied: rulesChanged,
    }),

    close() {
      closed = true;
      clearTimeout(pushTimer);
      clearInterval(tickTimer);
      unsubscribeRows();
      unsubscribeTransactions();
      unsubscribeBalances();
      unsubscribeHeads();
      flush();
      queue.close();
    },
  };

  // ---- start ----------------------------------------------------------------------------------

  const proposer = createRuleProposer({
    queue: options.proposals,
    store,
    ledger,
    log,
    changed: () => queueMicrotask(flush),
    findRule: (id) => firingRules.get(id),
  });
  startRules();
  queue.start();
  proposer.catchUp(
    store.alerts
      .listRules()
      .flatMap((rule) =>
        rule.enabled
          ? [{ id: rule.id, definition: rule.definition as RuleDefinition, armedAt: rule.armedAt }]
          : [],
      ),
  );
  const unsubscribeRows = context.events.on('rows', onRows);
  const unsubscribeTransactions = context.events.on('tx', (tx) =>
    dispatch((runner) => runner.onTransaction?.(tx)),
  );
  const unsubscribeBalances = context.events.on('balance', (chainId, address, balance) =>
    dispatch((runner) => runner.onBalance?.(chainId, address, balance)),
  );
  const unsubscribeHeads = context.events.on('head', (chainId, headBlock) =>
    dispatch((runner) => runner.onHead?.(chainId, headBlock)),
  );
  const tickTimer = setInterval(tick, options.tickMs ?? 1_000);
  return service;
}
