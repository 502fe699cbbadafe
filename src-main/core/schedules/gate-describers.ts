// Which schedule requests only a person may make: a schedule that proposes under a policy is
// automatic sending, so turning one on (saved enabled with `execute`, or enabled later) is
// approved by a person as enabling a policy is. A schedule without `execute` only proposes,
// and each of its proposals waits for a person anyway.
import { subject as gateSubject, type GateDescribers } from '../approvals/index.ts';
import { ruleSlug } from '../alerts/index.ts';
import type { StoredSchedule } from '../store/index.ts';
import { scheduleTerms } from './schedule-service.ts';

function scheduleSummary(terms: Record<string, unknown>, schedule: StoredSchedule): string[] {
  const propose = schedule.propose;
  return [
    `Schedule “${schedule.name}” (${schedule.id}) sends under policy ${schedule.execute?.policy} without a person, within its limits`,
    schedule.cron !== undefined
      ? `At each slot of ${schedule.cron} (${schedule.timezone})`
      : `Every ${schedule.everySeconds} seconds`,
    `From ${propose.from} to ${propose.to} on chain ${propose.chainId}${propose.function ? `: ${propose.function.name}(${JSON.stringify(propose.function.args).slice(1, -1)})` : ''}${propose.value ? `, value ${propose.value} wei` : ''}`,
    `Catch-up window ${String(terms['catchUpSeconds'])} seconds`,
  ];
}

const sameTerms = (a: StoredSchedule, b: StoredSchedule): boolean =>
  JSON.stringify(scheduleTerms(a)) === JSON.stringify(scheduleTerms(b));

export const scheduleGateDescribers: GateDescribers = {
  'automation.schedules.save'(input, store) {
    if (!input.enabled || !input.execute) return null;
    const { approval: _approval, id: _id, ...fields } = input;
    const id = input.id ?? ruleSlug(input.name);
    const schedule: StoredSchedule = { id, ...fields, createdAt: 0, updatedAt: 0, armedAt: 0 };
    const existing = store.schedules.findSchedule(id);
    if (existing?.enabled && sameTerms(existing, schedule)) return null;
    const terms = scheduleTerms(schedule);
    return gateSubject('automation.schedules.save', terms, scheduleSummary(terms, schedule));
  },
  'automation.schedules.setEnabled'(input, store) {
    const schedule = store.schedules.findSchedule(input.id);
    if (!input.enabled || !schedule?.execute || schedule.enabled) return null;
    const terms = scheduleTerms(schedule);
    return gateSubject('automation.schedules.enable', terms, [
      `Enable schedule ${schedule.id}: it sends on its own from now on`,
      ...scheduleSummary(terms, schedule),
    ]);
  },
};
