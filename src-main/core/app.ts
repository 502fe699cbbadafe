// The composition root: the one place that wires capabilities together. Electron's entry and
// headless mode both call createVigil and speak to it only through the contract server.
import type { PushName, PushPayload, RequestName } from '../ipc/contract.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type PushListener = <N extends PushName>(name: N, payload: PushPayload<N>) => void;

export interface VigilCore {
  /** Runs one already-validated request; throws VigilError on a bad one. */
  call(name: RequestName, input: unknown): Promise<unknown>;
  /** Batched pushes for every connected view; returns its unsubscribe. */
  onPush(listener: PushListener): () => void;
  close(): Promise<void>;
}

export interface CreateVigilOptions {
  dataDir: string;
  workspaceFile?: string;
  log?: Logger;
}
