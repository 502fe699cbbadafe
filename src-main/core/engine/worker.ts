// The engine worker thread's entry: opens the store, runs the engine, and answers main.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../app.ts';
import { toContractError } from '../errors/index.ts';
import { openStore } from '../store/index.ts';
import { createEngine, type Engine } from './engine.ts';
import type { EngineToMain, EngineWorkerData, MainToEngine } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('engine/worker.ts must run in a worker thread');
const send = (message: EngineToMain): void => port.postMessage(message);

const log: Logger = {
  info: (message, fields) =>
    send({ type: 'log', level: 'info', message, ...(fields ? { fields } : {}) }),
  warn: (message, fields) =>
    send({ type: 'log', level: 'warn', message, ...(fields ? { fields } : {}) }),
  error: (message, fields) =>
    send({ type: 'log', level: 'error', message, ...(fields ? { fields } : {}) }),
};

async function main(): Promise<void> {
  const { dataDir, actor, tuning } = workerData as EngineWorkerData;
  let engine: Engine;
  try {
    // Fault injection for crash tests of serve as a child process, which has no other way in:
    // die like kill -9 at a named step boundary.
    const crashAt = process.env['VIGIL_CRASH_AT'];
    const crashPoint = crashAt
      ? (point: string) => point === crashAt && process.kill(process.pid, 'SIGKILL')
      : undefined;
    const store = await openStore(dataDir, log, {
      ...(tuning?.auditSealing ? { auditSealing: tuning.auditSealing } : {}),
      ...(crashPoint ? { crashPoint } : {}),
    });
    engine = createEngine({
      ...tuning,
      store,
      log,
      actor,
      ...(crashPoint ? { crashPoint } : {}),
      push: (name, payload) => send({ type: 'push', name, payload }),
    });
    send({ type: 'ready', recovery: store.recovery });
  } catch (error) {
    send({ type: 'fatal', error: toContractError(error) });
    return;
  }
  port!.on('message', (message: MainToEngine) => {
    const reply = (work: Promise<unknown>): void => {
      work.then(
        (value) => send({ type: 'result', id: message.id, ok: true, value }),
        (error: unknown) =>
          send({ type: 'result', id: message.id, ok: false, error: toContractError(error) }),
      );
    };
    switch (message.type) {
      case 'call':
        reply(Promise.resolve().then(() => engine.handle(message.name, message.input)));
        return;
      case 'applyWorkspaceFile':
        reply(engine.applyWorkspaceFile(message.path));
        return;
      case 'close':
        // Answer first: once the port is closed, main would never hear that closing finished.
        engine.close().then(
          () => {
            send({ type: 'result', id: message.id, ok: true, value: null });
            port!.close();
          },
          (error: unknown) =>
            send({ type: 'result', id: message.id, ok: false, error: toContractError(error) }),
        );
        return;
    }
  });
}

void main();
