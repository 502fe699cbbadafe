// The engine worker thread's entry: opens the store, runs the engine, and answers main.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../app.ts';
import { toContractError } from '../errors/index.ts';
import { createDialogGate, type GateSubject } from '../approvals/index.ts';
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
  const { dataDir, actor, tuning, personGate } = workerData as EngineWorkerData;
  /** Dialogs main is showing for the desktop gate, by id. */
  const asked = new Map<number, (approved: boolean) => void>();
  let nextAsk = 1;
  const askMain = (subject: GateSubject): Promise<boolean> =>
    new Promise((resolve) => {
      const id = nextAsk++;
      asked.set(id, resolve);
      send({ type: 'ask-person', id, subject });
    });
  let engine: Engine;
  try {
    const store = await openStore(dataDir, log);
    // Fault injection for crash tests of serve as a child process, which has no other way in.
    const crashAt = process.env['VIGIL_CRASH_AT'];
    engine = createEngine({
      ...tuning,
      store,
      log,
      actor,
      ...(personGate === 'dialog' ? { personGate: createDialogGate(askMain, actor) } : {}),
      // Die like kill -9 at a named step boundary.
      ...(crashAt
        ? { crashPoint: (point) => point === crashAt && process.kill(process.pid, 'SIGKILL') }
        : {}),
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
        reply(
          Promise.resolve().then(() => engine.handle(message.name, message.input, message.caller)),
        );
        return;
      case 'person-answer':
        asked.get(message.id)?.(message.approved);
        asked.delete(message.id);
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
