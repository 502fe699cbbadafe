// The schedule requests: listed with their next slot and last run, saved (checked as the queue
// would check each slot's proposal), removed, enabled and disabled, every change audited; and
// the runner that proposes at each slot. A schedule needs no person to save: each proposal it
// makes waits for one, unless the policy it names approves it (and that policy needed one).
import type { Abi } from 'viem';
import type { Schedule, ScheduleInput } from '../../ipc/contract.ts';
import { checkRuleProposal, ruleSlug } from '../alerts/index.ts';
import { auditActions, type AuditDraft } from '../audit-chain/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { Store, StoredSchedule } from '../store/index.ts';
import { createScheduleRunner, type ScheduleQueue } from './schedule-runner.ts';
import { parseCron } from './slots.ts';

export interface ScheduleServiceOptions {
  queue: ScheduleQueue | undefined;
  now?: () => number;
}

export interface ScheduleService extends EngineService {
  /** Settles once every schedule's catch-up at start has been recorded (tests wait on it). */
  started: Promise<unknown>;
}

const scheduleSubject = (id: string): string => `schedule:${id}`;

export function requireSchedule(store: Store, id: string): StoredSchedule {
  const schedule = store.schedules.findSchedule(id);
  if (!schedule) throw new VigilError('NOT_FOUND', `No schedule has id ${id}.`, { field: 'id' });
  return schedule;
}

/** What an audit entry shows of a schedule: what it was saved as, without its bookkeeping. */
function scheduleTerms(schedule: StoredSchedule): Record<string, unknown> {
  const { armedAt: _armedAt, createdAt: _createdAt, updatedAt: _updatedAt, ...terms } = schedule;
  return terms;
}

const sameTiming = (a: StoredSchedule, b: StoredSchedule): boolean =>
  a.cron === b.cron && a.everySeconds === b.everySeconds && a.timezone === b.timezone;

/** The schedule `input` would save, checked in full (cron, policy, the proposal); writes nothing. */
export async function scheduleToSave(
  store: Store,
  queue: ScheduleQueue | undefined,
  input: ScheduleInput,
  now: number,
): Promise<{ schedule: StoredSchedule; existing: StoredSchedule | undefined }> {
  if (input.cron !== undefined) parseCron(input.cron, input.timezone);
  if (input.execute && !store.automation.findPolicy(input.execute.policy))
    throw new VigilError(
      'NOT_FOUND',
      `execute.policy: no automation policy has id ${input.execute.policy}. Save the policy first (automation.policies.save), or leave execute out to have each proposal wait for a person.`,
      { field: 'execute.policy' },
    );
  // Checked as a rule's proposal is (the policy fits its signer and chain), with no event to fill.
  await checkRuleProposal(
    queue,
    { ...input.propose, ...(input.execute ? { execute: input.execute } : {}) },
    '',
    {
      event: null,
      abiOf: (chainId, address) =>
        store.findContract(`${chainId}:${address.toLowerCase()}`)?.abi as Abi | undefined,
      findPolicy: (id) => store.automation.findPolicy(id),
    },
  );
  const id = input.id ?? ruleSlug(input.name);
  const existing = store.schedules.findSchedule(id);
  const { id: _id, ...fields } = input;
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
): ScheduleService {
  const { store, actor, log } = context;
  const now = options.now ?? Date.now;
  const runner = createScheduleRunner({ store, queue: options.queue, log, now });

  function toWire(schedule: StoredSchedule): Schedule {
    const { armedAt: _armedAt, ...fields } = schedule;
    return {
      ...fields,
      nextSlotAt: runner.nextSlotOf(schedule),
      lastRun: store.schedules.lastRun(schedule.id) ?? null,
    };
  }

  const started = runner.start();
  return {
    started,
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
    close: () => runner.close(),
  };
}
