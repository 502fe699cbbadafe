export { startEngine, type EngineClient } from './engine-client.ts';
export type { WorkspaceApplySummary } from './engine.ts';
