// Schedules: a transaction proposed at each slot of a cron expression or an interval, each slot
// exactly once across restarts and crashes, missed slots caught up or recorded as skipped. The door.
export {
  createScheduleService,
  requireSchedule,
  scheduleToSave,
  type ScheduleServiceOptions,
} from './schedule-service.ts';
export { slotSource, type ScheduleCrashPoint, type ScheduleQueue } from './schedule-runner.ts';
export {
  MISSED_REASON,
  planDueSlots,
  slotAfter,
  slotsBetween,
  SUPERSEDED_REASON,
  type SlotPlan,
  type SlotTiming,
} from './slots.ts';
export { scheduleGateDescribers } from './gate-describers.ts';
