// Main's side of the engine: starts the worker thread and turns its messages into promises
// and push callbacks.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger, PushListener } from '../ports/index.ts';
import type { RequestName } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { answerKeychainRequest } from '../keychain/index.ts';
import type { Caller, GateSubject } from '../approvals/index.ts';
import type { StoreRecovery } from '../store/index.ts';
import type { EngineTuning, WorkspaceApplySummary } from './engine.ts';
import type { EngineToMain, EngineWorkerData, MainToEngine } from './messages.ts';

export interface EngineClient {
  readonly recovery: StoreRecovery;
  call(name: RequestName, input: unknown, caller?: Caller): Promise<unknown>;
  /** call, answered with the value as JSON text (for a client that reads JSON). */
  callAsJson(name: RequestName, input: unknown, caller?: Caller): Promise<string>;
  applyWorkspaceFile(path: string): Promise<WorkspaceApplySummary>;
  /** A folder the operator picked in a dialog; answers its real path. */
  allowProjectRoot(path: string): Promise<string>;
  onPush(listener: PushListener): () => void;
  close(): Promise<void>;
}

/** The worker's script: the TypeScript source through tsx in development, the bundle when built. */
function engineWorkerUrl(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-dev.mjs', import.meta.url);
  // Built: out/main/engine-worker.js, next to the entry or one folder up from a shared chunk.
  for (const candidate of ['./engine-worker.js', '../engine-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`engine-worker.js not found next to ${import.meta.url}; run npm run build`);
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export async function startEngine(
  dataDir: string,
  actor: string,
  log: Logger,
  tuning?: EngineTuning,
  /** The desktop app's native dialog; without it a person approves with a passkey (WebAuthn). */
  askPerson?: (subject: GateSubject) => Promise<boolean>,
  /** A test's clock offset (see engine-clock.ts); the engine reads Date.now without it. */
  clockOffset?: SharedArrayBuffer,
): Promise<EngineClient> {
  const worker = new Worker(engineWorkerUrl(), {
    workerData: {
      dataDir,
      actor,
      ...(tuning ? { tuning } : {}),
      personGate: askPerson ? 'dialog' : 'webauthn',
      ...(clockOffset ? { clockOffset } : {}),
    } satisfies EngineWorkerData,
  });
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: unknown) => void }
  >();
  const listeners = new Set<PushListener>();
  let nextId = 1;
  let exited = false;

  const recovery = await new Promise<StoreRecovery>((resolve, reject) => {
    worker.on('message', (message: EngineToMain) => {
      switch (message.type) {
        case 'ready':
          resolve(message.recovery);
          return;
        case 'fatal':
          reject(new VigilError(message.error.code, message.error.message, message.error));
          return;
        case 'result': {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (!waiter) return;
          if (message.ok) waiter.resolve('json' in message ? message.json : message.value);
          else
            waiter.reject(new VigilError(message.error.code, message.error.message, message.error));
          return;
        }
        case 'push':
          for (const listener of listeners) listener(message.name, message.payload as never);
          return;
        case 'log':
          log[message.level](message.message, message.fields);
          return;
        case 'keychain': {
          const { id } = message;
          void answerKeychainRequest(message.request).then((answer) => {
            if (!exited)
              worker.postMessage({ type: 'keychain-answer', id, answer } satisfies MainToEngine);
          });
          return;
        }
        case 'ask-person': {
          const { id } = message;
          const answer = (approved: boolean): void =>
            worker.postMessage({ type: 'person-answer', id, approved } satisfies MainToEngine);
          // No dialog (cannot happen with the dialog gate) or a failed one: not approved.
          (askPerson ? askPerson(message.subject) : Promise.resolve(false)).then(answer, () =>
            answer(false),
          );
          return;
        }
      }
    });
    worker.on('error', (error) => {
      log.error(`The engine thread crashed: ${error.stack ?? error.message}`);
      reject(error);
    });
    worker.on('exit', (code) => {
      exited = true;
      for (const waiter of pending.values()) {
        waiter.reject(new VigilError('INTERNAL', `The engine thread stopped (exit code ${code}).`));
      }
      pending.clear();
    });
  });

  function send<T>(message: Distribute<MainToEngine>): Promise<T> {
    if (exited) return Promise.reject(new VigilError('INTERNAL', 'The engine thread has stopped.'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  }

  return {
    recovery,
    call: (name, input, caller) =>
      send({ type: 'call', name, input, ...(caller ? { caller } : {}) }),
    callAsJson: (name, input, caller) =>
      send({ type: 'call', name, input, ...(caller ? { caller } : {}), asJson: true }),
    applyWorkspaceFile: (path) => send({ type: 'applyWorkspaceFile', path }),
    allowProjectRoot: (path) => send({ type: 'allowProjectRoot', path }),
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (exited) return;
      await send({ type: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
