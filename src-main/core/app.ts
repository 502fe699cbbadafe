// The composition root: the one place that wires capabilities together. Electron's entry and
// headless mode both call createVigil and speak to it only through the contract server.
import { chmodSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { RequestName } from '../ipc/contract.ts';
import type { Caller, GateSubject } from './approvals/index.ts';
import type { EngineTuning } from './engine/index.ts';
import type { Logger, PushListener } from './ports/index.ts';

export type { Logger, PushListener } from './ports/index.ts';
export type { Caller, GateSubject } from './approvals/index.ts';

export interface VigilCore {
  /** Runs one already-validated request; throws VigilError on a bad one. */
  call(name: RequestName, input: unknown, caller?: Caller): Promise<unknown>;
  /** call, answered with the value as JSON text: what a headless client reads, made once. */
  callAsJson(name: RequestName, input: unknown, caller?: Caller): Promise<string>;
  /** Batched pushes for every connected view; returns its unsubscribe. */
  onPush(listener: PushListener): () => void;
  /**
   * Lets project discovery read a folder the operator picked in the desktop app's folder dialog
   * (main calls it; no request of the contract can). Answers the folder's real path.
   */
  allowProjectRoot(path: string): Promise<string>;
  close(): Promise<void>;
}

export interface CreateVigilOptions {
  dataDir: string;
  workspaceFile?: string;
  /** The operator's profile name, the actor of their audit entries; the OS user by default. */
  profile?: string;
  log?: Logger;
  /** Shorter timings for tests; the defaults suit an operator. */
  tuning?: EngineTuning;
  /**
   * The desktop app's person gate: a native dialog main raises from main's own record. Without
   * it (headless) a person approves with an enrolled passkey.
   */
  askPerson?: (subject: GateSubject) => Promise<boolean>;
  /**
   * Tests only: milliseconds added to the engine's clock, in shared memory the test moves on
   * (see engine/engine-clock.ts), so a rule about elapsed time is shown without waiting.
   */
  clockOffset?: SharedArrayBuffer;
}

/** The profile name used when none is given: VIGIL_PROFILE, else the OS user name. */
export function defaultProfile(): string {
  const fromEnv = process.env['VIGIL_PROFILE']?.trim();
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(`warning: ${message}`),
  error: (message) => console.error(`error: ${message}`),
};

/**
 * The data directory holds the journal, the audit log and the workspace: readable by this user
 * only. The directory is made (or tightened to) 0700, and the process's umask makes every file
 * Vigil creates from now on 0600 (a worker thread cannot set the umask; main does it first).
 */
function keepDataDirPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  process.umask(0o077);
}

export async function createVigil(options: CreateVigilOptions): Promise<VigilCore> {
  const log = options.log ?? consoleLogger;
  keepDataDirPrivate(options.dataDir);
  const { startEngine } = await import('./engine/index.ts');
  const engine = await startEngine(
    options.dataDir,
    options.profile ?? defaultProfile(),
    log,
    options.tuning,
    options.askPerson,
    options.clockOffset,
  );
  if (options.workspaceFile) {
    try {
      const summary = await engine.applyWorkspaceFile(options.workspaceFile);
      log.info(
        `Workspace ${options.workspaceFile}: ${summary.chainsAdded} chain(s) and ${summary.contractsAdded} contract(s) added, ${summary.chainsUnchanged + summary.contractsUnchanged} already present${summary.transactionsProposed > 0 ? `; ${summary.transactionsProposed} transaction(s) proposed, awaiting approval` : ''}.`,
      );
    } catch (error) {
      await engine.close();
      throw error;
    }
  }
  return {
    call: (name, input, caller) => engine.call(name, input, caller),
    callAsJson: (name, input, caller) => engine.callAsJson(name, input, caller),
    onPush: (listener) => engine.onPush(listener),
    allowProjectRoot: (path) => engine.allowProjectRoot(path),
    close: () => engine.close(),
  };
}
