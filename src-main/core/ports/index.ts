// What the composition root hands every room: where to log and where to send pushes. Types only,
// depending on nothing but the IPC contract, so any room can take them without importing app.ts
// (which imports the engine, which imports the rooms).
import type { PushName, PushPayload } from '../../ipc/contract.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type PushListener = <N extends PushName>(name: N, payload: PushPayload<N>) => void;
