// The real core in this process (engine worker, store on disk, OS keychain), spoken to through
// the contract server exactly as Electron's IPC or the headless server would, with every push
// and response kept so tests can search them.
import { createVigil, type VigilCore } from '../../src-main/core/app.ts';
import type { EngineTuning } from '../../src-main/core/engine/index.ts';
import { createContractServer, type ContractServer } from '../../src-main/ipc/server.ts';
import type { ContractError } from '../../src-main/ipc/contract.ts';
import { CALL_TIMEOUT_MS } from './serve.ts';
import { makeLogger, makeTempDir } from './temp-dir.ts';

export class CallError extends Error {
  constructor(readonly error: ContractError) {
    super(`${error.code}: ${error.message}`);
  }
}

export interface VigilUnderTest {
  core: VigilCore;
  server: ContractServer;
  dataDir: string;
  log: ReturnType<typeof makeLogger>;
  pushes: { name: string; payload: unknown }[];
  responses: unknown[];
  call<T = unknown>(name: string, input?: unknown): Promise<T>;
  /** The contract error a call fails with; throws if it succeeds. */
  refused(name: string, input?: unknown): Promise<ContractError>;
  /** Stops the core; the data directory is deleted unless the test gave it or keeps it. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export async function startVigilInProcess(
  options: { dataDir?: string; profile?: string; tuning?: EngineTuning } = {},
): Promise<VigilUnderTest> {
  const temp = options.dataDir ? undefined : makeTempDir();
  const dataDir = options.dataDir ?? temp!.path;
  const log = makeLogger();
  const core = await createVigil({
    dataDir,
    profile: options.profile ?? 'alice',
    log,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  const server = createContractServer(core);
  const pushes: VigilUnderTest['pushes'] = [];
  const unsubscribe = core.onPush((name, payload) => pushes.push({ name, payload }));
  const responses: unknown[] = [];
  /** The server's answer, or an error naming the method when none comes in time. */
  const handle = (name: string, input: unknown) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name} got no answer from Vigil in ${CALL_TIMEOUT_MS} ms`)),
        CALL_TIMEOUT_MS,
      );
    });
    return Promise.race([server.handle(name, input), timeout]).finally(() => clearTimeout(timer));
  };
  return {
    core,
    server,
    dataDir,
    log,
    pushes,
    responses,
    async call<T>(name: string, input?: unknown): Promise<T> {
      const envelope = await handle(name, input);
      responses.push(envelope);
      if (!envelope.ok) throw new CallError(envelope.error);
      return envelope.value as T;
    },
    async refused(name, input) {
      const envelope = await handle(name, input);
      responses.push(envelope);
      if (envelope.ok)
        throw new Error(
          `${name} was expected to fail but answered ${JSON.stringify(envelope.value)}`,
        );
      return envelope.error;
    },
    async close({ keepDataDir = false } = {}) {
      unsubscribe();
      await core.close();
      if (!keepDataDir) temp?.remove();
    },
  };
}
