// The engine worker thread's entry: opens the store, runs the engine, and answers main.
import {
  KEYCHAIN_SERVICE,
  keychainOverChannel,
  loadUrlSecrets,
  type KeychainAnswer,
  type KeychainRequest,
} from '../keys/index.ts';
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../ports/index.ts';
import { toContractError } from '../errors/index.ts';
import { createDialogGate, type GateSubject } from '../approvals/index.ts';
import { openStore } from '../store/index.ts';
import {
  createAuditHeadKeeper,
  INTEGRITY_KEYCHAIN_SERVICE,
  openDataDirSecrets,
} from '../integrity/index.ts';
import { chainDataTuning, createEngine, type Engine, type EngineTuning } from './engine.ts';
import { offsetClock } from './engine-clock.ts';
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
  const { dataDir, actor, personGate, clockOffset } = workerData as EngineWorkerData;
  // Test knob for serve as a child process (small seal thresholds, fast timers): JSON tuning.
  const tuningFromEnv = process.env['VIGIL_TUNING'];
  const tuning: EngineTuning = {
    ...(workerData as EngineWorkerData).tuning,
    ...(tuningFromEnv ? (JSON.parse(tuningFromEnv) as EngineTuning) : {}),
  };
  // Fault injection for crash tests of serve as a child process, which has no other way in.
  const crashAt = process.env['VIGIL_CRASH_AT'];
  /** Dialogs main is showing for the desktop gate. */
  const personAnswers = answersFromMain<boolean>();
  const askMain = (subject: GateSubject): Promise<boolean> =>
    personAnswers.ask((id) => send({ type: 'ask-person', id, subject }));
  /** Keychain requests main is carrying out (keytar is loaded in main's thread only). */
  const keychainAnswers = answersFromMain<KeychainAnswer>();
  const askKeychain = (request: KeychainRequest): Promise<KeychainAnswer> =>
    keychainAnswers.ask((id) => send({ type: 'keychain', id, request }));
  // Answers arrive while the engine is still starting (the directory's key is read first).
  port!.on('message', (message: MainToEngine) => {
    if (message.type === 'keychain-answer') keychainAnswers.settle(message.id, message.answer);
  });
  let engine: Engine;
  try {
    // The line is written straight to stderr (a log message would still be in the port when
    // the process dies), so a test can tell its kill landed at the named point.
    const crashPoint = crashAt
      ? (point: string) => {
          if (point !== crashAt) return;
          writeSync(2, `crash point ${point} reached\n`);
          process.kill(process.pid, 'SIGKILL');
        }
      : undefined;
    // The directory's key, and the audit head kept at the last append, come from the keychain
    // before anything of the directory is read: without a keychain Vigil does not start (it
    // would have nothing to check the directory against, and no key to sign with).
    const secrets = await openDataDirSecrets(
      dataDir,
      keychainOverChannel(INTEGRITY_KEYCHAIN_SERVICE, askKeychain),
    );
    const keptAuditHead = await secrets.readAuditHead();
    const headKeeper = createAuditHeadKeeper(secrets.writeAuditHead, (error) =>
      log.error(
        `The audit log's head could not be kept in the OS keychain: ${(error as Error).message}`,
      ),
    );
    const store = await openStore(dataDir, log, {
      integrity: secrets.storeIntegrity(),
      onAuditAppended: (head) => headKeeper.record(head),
      chainData: chainDataTuning(tuning),
      ...(tuning.auditSealing ? { auditSealing: tuning.auditSealing } : {}),
      // Die like kill -9 at a named step of the store's writes (chain data or the audit log).
      ...(crashPoint ? { crashPoint } : {}),
    });
    // Every record now carries a MAC: from here on a missing key is noticed.
    secrets.markSealed();
    const keychain = keychainOverChannel(KEYCHAIN_SERVICE, askKeychain);
    engine = createEngine({
      ...tuning,
      store,
      keychain,
      // Read before the engine starts its chains, which connect with them.
      urlSecrets: await loadUrlSecrets(store, keychain),
      log,
      actor,
      integrity: { secrets, keptAuditHead, headKeeper },
      ...(personGate === 'dialog' ? { personGate: createDialogGate(askMain, actor) } : {}),
      ...(crashPoint ? { crashPoint } : {}),
      ...(clockOffset ? { now: offsetClock(clockOffset) } : {}),
      push: (name, payload) => send({ type: 'push', name, payload }),
    });
    send({ type: 'ready', recovery: store.recovery });
  } catch (error) {
    send({ type: 'fatal', error: toContractError(error) });
    return;
  }
  port!.on('message', (message: MainToEngine) => {
    const reply = (work: Promise<unknown>, asJson = false): void => {
      work
        .then((value) =>
          send(
            // A page of a thousand events crosses to main as one string instead of a thousand
            // objects cloned here and built again there, for main to turn into JSON after all.
            asJson
              ? { type: 'result', id: message.id, ok: true, json: JSON.stringify(value ?? null) }
              : { type: 'result', id: message.id, ok: true, value },
          ),
        )
        // A failed request, or an answer that cannot cross (one JSON or a clone cannot carry):
        // answered as an error rather than left unanswered.
        .catch((error: unknown) =>
          send({ type: 'result', id: message.id, ok: false, error: toContractError(error) }),
        );
    };
    switch (message.type) {
      case 'call':
        reply(
          Promise.resolve().then(() => engine.handle(message.name, message.input, message.caller)),
          message.asJson,
        );
        return;
      case 'keychain-answer':
        return; // handled by the listener above
      case 'person-answer':
        personAnswers.settle(message.id, message.approved);
        return;
      case 'applyWorkspaceFile':
        reply(engine.applyWorkspaceFile(message.path));
        return;
      case 'allowProjectRoot':
        reply(Promise.resolve().then(() => engine.allowProjectRoot(message.path)));
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

/** Questions this thread asked main, by id, each settled once by main's answer. */
function answersFromMain<Answer>(): {
  ask(post: (id: number) => void): Promise<Answer>;
  settle(id: number, answer: Answer): void;
} {
  const waiting = new Map<number, (answer: Answer) => void>();
  let nextId = 1;
  return {
    ask: (post) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        post(id);
      }),
    settle(id, answer) {
      waiting.get(id)?.(answer);
      waiting.delete(id);
    },
  };
}

void main();
