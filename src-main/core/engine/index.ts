export { startEngine, type EngineClient } from './engine-client.ts';
export type { EngineTuning, WorkspaceApplySummary } from './engine.ts';
export { advanceClockOffset, createClockOffset } from './engine-clock.ts';
