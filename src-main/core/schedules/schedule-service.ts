// The schedule requests: listed with their next slot and last run, saved (checked as the queue
// would check each slot's proposal), removed, enabled and disabled, every change audited; and
// the runner that proposes at each slot. A schedule needs no person to save: each proposal it
// makes waits for one, unless the policy it names approves it (and that policy needed one).
import type { Abi } from 'viem';
import type {
  AutomationPolicy,
  Schedule,
  ScheduleInput,
  WorkspacePolicy,
} from '../../ipc/contract.ts';
import { encodeFunctionCall } from '../abi/index.ts';
import { checkRuleProposal, ruleSlug } from '../alerts/index.ts';
import { auditActions, type AuditDraft } from '../audit-chain/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { Store, StoredSchedule } from '../store/index.ts';
import {
  createScheduleRunner,
  type ScheduleCrashPoint,
  type ScheduleQueue,
} from './schedule-runner.ts';
import { parseCron } from './slots.ts';

export interface ScheduleServiceOptions {
  queue: ScheduleQueue | undefined;
  now?: () => number;
  crashPoint?: (point: ScheduleCrashPoint) => void;
}

const scheduleSubject = (id: string): string => `schedule:${id}`;

export function requireSchedule(store: Store, id: string): StoredSchedule {
  const schedule = store.schedules.findSchedule(id);
  if (!schedule) throw new VigilError('NOT_FOUND', `No schedule has id ${id}.`, { field: 'id' });
  return schedule;
}

/** What an audit entry shows of a schedule: what it was saved as, without its bookkeeping. */
export function scheduleTerms(schedule: StoredSchedule): Record<string, unknown> {
  const { armedAt: _armedAt, createdAt: _createdAt, updatedAt: _updatedAt, ...terms } = schedule;
  return terms;
}

const sameTiming = (a: StoredSchedule, b: StoredSchedule): boolean =>
  a.cron === b.cron && a.everySeconds === b.everySeconds && a.timezone === b.timezone;

type PendingContract = { id: string; chainId: number; abi: unknown[] };

/**
 * Everything a schedule is checked for on save, with nothing written: its cron expression, the
 * policy it names, and its proposal as the queue would check it. A proposal to a contract that
 * the same workspace import adds is encoded with that contract's ABI instead. `field` prefixes
 * every error's field (`schedules[2].`).
 */
export async function checkSchedule(
  store: Store,
  queue: ScheduleQueue | undefined,
  input: ScheduleInput,
  field = '',
  pendingContracts: readonly PendingContract[] = [],
  /** Policies the same workspace import adds: a schedule may execute under one of them. */
  pendingPolicies: readonly WorkspacePolicy[] = [],
): Promise<void> {
  if (input.cron !== undefined) parseCron(input.cron, input.timezone, `${field}cron`);
  // Only what checking reads of a policy (its id, chain and signer) is needed of a pending one.
  const findPolicy = (id: string): AutomationPolicy | undefined =>
    store.automation.findPolicy(id) ??
    (pendingPolicies.find((policy) => (policy.id ?? ruleSlug(policy.name)) === id) as
      AutomationPolicy | undefined);
  if (input.execute && !findPolicy(input.execute.policy))
    throw new VigilError(
      'NOT_FOUND',
      `${field}execute.policy: no automation policy has id ${input.execute.policy}. Save the policy first (automation.policies.save), or leave execute out to have each proposal wait for a person.`,
      { field: `${field}execute.policy` },
    );
  const { propose } = input;
  // Contract ids are `<chainId>:<lowercase address>`.
  const pending = pendingContracts.find(
    (contract) => contract.id === `${propose.chainId}:${propose.to?.toLowerCase()}`,
  );
  if (!pending)
    // Checked as a rule's proposal is (the policy fits its signer and chain), with no event.
    return checkRuleProposal(
      queue,
      { ...propose, ...(input.execute ? { execute: input.execute } : {}) },
      field,
      {
        event: null,
        abiOf: (chainId, address) =>
          store.findContract(`${chainId}:${address.toLowerCase()}`)?.abi as Abi | undefined,
        findPolicy,
      },
    );
  if (propose.function)
    encodeFunctionCall(pending.abi as Abi, propose.function, `${field}propose.function`);
  if (propose.from === undefined || !store.findSigner(propose.from))
    throw new VigilError(
      'NOT_FOUND',
      `${field}propose.from: ${propose.from ?? 'nothing'} is not a signer in this Vigil's keychain.`,
      { field: `${field}propose.from` },
    );
}

/** The schedule `input` would save, checked in full (cron, policy, the proposal); writes nothing. */
export async function scheduleToSave(
  store: Store,
  queue: ScheduleQueue | undefined,
  input: ScheduleInput,
  now: number,
): Promise<{ schedule: StoredSchedule; existing: StoredSchedule | undefined }> {
  await checkSchedule(store, queue, input);
  const id = input.id ?? ruleSlug(input.name);
  const existing = store.schedules.findSchedule(id);
  const { id: _id, approval: _approval, ...fields } = input;
  const schedule: StoredSchedule = {
    id,
    ...fields,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    armedAt: now,
  };
  // Slots already counted stay counted unless the timing changed or the schedule was off.
  if (existing && existing.enabled && schedule.enabled && sameTiming(existing, schedule))
    schedule.armedAt = existing.armedAt;
  return { schedule, existing };
}

export function createScheduleService(
  context: ServiceContext,
  options: ScheduleServiceOptions,
): EngineService {
  const { store, actor, log } = context;
  const now = options.now ?? Date.now;
  const runner = createScheduleRunner({
    store,
    queue: options.queue,
    log,
    now,
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
  });

  function toWire(schedule: StoredSchedule): Schedule {
    const { armedAt: _armedAt, ...fields } = schedule;
    return {
      ...fields,
      nextSlotAt: runner.nextSlotOf(schedule),
      lastRun: store.schedules.lastRun(schedule.id) ?? null,
    };
  }

  // Slots missed while Vigil was not running: caught up (or recorded skipped) now.
  void runner.start();
  return {
    prechecks: {
      // Nobody is asked to approve a schedule that would be refused.
      'automation.schedules.save': async (input) =>
        void (await scheduleToSave(store, options.queue, input, now())),
      'automation.schedules.setEnabled': (input) => void requireSchedule(store, input.id),
    },
    handlers: {
      'automation.schedules.list': () => ({
        schedules: store.schedules.listSchedules().map(toWire),
      }),
      async 'automation.schedules.save'(input) {
        const { schedule, existing } = await scheduleToSave(store, options.queue, input, now());
        const subject = scheduleSubject(schedule.id);
        const audit: AuditDraft[] = [
          existing
            ? {
                actor,
                action: auditActions.scheduleChanged,
                subject,
                details: { before: scheduleTerms(existing), after: scheduleTerms(schedule) },
              }
            : {
                actor,
                action: auditActions.scheduleCreated,
                subject,
                details: { schedule: scheduleTerms(schedule) },
              },
        ];
        if (existing && existing.enabled !== schedule.enabled)
          audit.push({
            actor,
            action: schedule.enabled ? auditActions.scheduleEnabled : auditActions.scheduleDisabled,
            subject,
            details: {},
          });
        store.execute({ type: 'schedule.save', schedule }, audit);
        void runner.changed(schedule.id);
        return toWire(requireSchedule(store, schedule.id));
      },
      'automation.schedules.remove'(input) {
        const schedule = requireSchedule(store, input.id);
        store.execute({ type: 'schedule.remove', id: schedule.id }, [
          {
            actor,
            action: auditActions.scheduleRemoved,
            subject: scheduleSubject(schedule.id),
            details: { schedule: scheduleTerms(schedule) },
          },
        ]);
        void runner.changed(schedule.id);
        return { removed: true as const };
      },
      'automation.schedules.setEnabled'(input) {
        const schedule = requireSchedule(store, input.id);
        if (schedule.enabled === input.enabled) return toWire(schedule);
        store.execute(
          { type: 'schedule.enabled', id: schedule.id, enabled: input.enabled, armedAt: now() },
          [
            {
              actor,
              action: input.enabled ? auditActions.scheduleEnabled : auditActions.scheduleDisabled,
              subject: scheduleSubject(schedule.id),
              details: {},
            },
          ],
        );
        void runner.changed(schedule.id);
        return toWire(requireSchedule(store, schedule.id));
      },
      'automation.schedules.runs'(input) {
        if (input.id !== undefined) requireSchedule(store, input.id);
        return {
          runs: store.schedules.listRuns({
            ...(input.id === undefined ? {} : { scheduleId: input.id }),
            limit: input.limit ?? 100,
          }),
        };
      },
    },
    workspace: {
      // Imported schedules start disabled: a file someone hands over does not start proposing
      // (or, under a policy, sending) until a person here enables it. One whose id exists is
      // left as it is, as with rules.
      async prepare(workspace, pending) {
        const schedules: StoredSchedule[] = [];
        const at = now();
        for (const [index, input] of workspace.schedules.entries()) {
          const id = input.id ?? ruleSlug(input.name);
          if (store.schedules.findSchedule(id) || schedules.some((added) => added.id === id))
            continue;
          await checkSchedule(
            store,
            options.queue,
            input,
            `schedules[${index}].`,
            pending.contracts,
            workspace.policies,
          );
          const { id: _id, approval: _approval, ...fields } = input;
          schedules.push({
            id,
            ...fields,
            enabled: false,
            createdAt: at,
            updatedAt: at,
            armedAt: at,
          });
        }
        return {
          commands: schedules.map((schedule) => ({ type: 'schedule.save' as const, schedule })),
          audit: schedules.map((schedule) => ({
            actor,
            action: auditActions.scheduleCreated,
            subject: scheduleSubject(schedule.id),
            details: { schedule: scheduleTerms(schedule), from: 'workspace' },
          })),
          summary: {
            schedulesAdded: schedules.length,
            schedulesUnchanged: workspace.schedules.length - schedules.length,
          },
          applied: () => {},
        };
      },
      export: () => ({ schedules: store.schedules.listSchedules().map(workspaceSchedule) }),
    },
    close: () => runner.close(),
  };
}

/** A stored schedule as the workspace file writes it; it is imported disabled whatever it was. */
export function workspaceSchedule(schedule: StoredSchedule): Record<string, unknown> {
  const { enabled: _enabled, ...fields } = scheduleTerms(schedule);
  return fields;
}
