// The real core in this process (engine worker, store on disk, OS keychain), spoken to through
// the contract server exactly as Electron's IPC or the headless server would, with every push
// and response kept so tests can search them.
import { createVigil, type VigilCore } from '../../src-main/core/app.ts';
import type { EngineTuning } from '../../src-main/core/engine/index.ts';
import { createContractServer, type ContractServer } from '../../src-main/ipc/server.ts';
import type { ContractError } from '../../src-main/ipc/contract.ts';
import type { Caller } from '../../src-main/core/app.ts';
import { asPerson, makePerson, type Person } from './person.ts';
import { CALL_TIMEOUT_MS } from './serve.ts';
import { makeLogger, makeTempDir } from './temp-dir.ts';

/** A browser on this machine with its page at `origin`, as the headless server describes it. */
export function webCallerFor(origin: string): Caller {
  return {
    kind: 'web',
    origins: [origin],
    rpIds: [new URL(origin).hostname],
    loopback: true,
    tls: false,
    origin,
  };
}

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
  /** Calls as the operator: a request only a person may make is approved by `person`. */
  call<T = unknown>(name: string, input?: unknown): Promise<T>;
  /** Calls with the session's authority alone, no person behind it (what a script can do). */
  callAsNobody<T = unknown>(name: string, input?: unknown): Promise<T>;
  /** The operator's passkey, enrolled on first need. */
  person: Person;
  /** How the test's calls reach the core: a browser on this machine at `person.origin`. */
  caller: Caller;
  /** The contract error a call fails with; throws if it succeeds. */
  refused(name: string, input?: unknown): Promise<ContractError>;
  /** Stops the core; the data directory is deleted unless the test gave it or keeps it. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export async function startVigilInProcess(
  options: {
    dataDir?: string;
    profile?: string;
    tuning?: EngineTuning;
    person?: Person;
    /** The engine's clock offset, moved on by the test (createClockOffset). */
    clockOffset?: SharedArrayBuffer;
  } = {},
): Promise<VigilUnderTest> {
  const person = options.person ?? makePerson(options.profile ?? 'alice');
  const caller = webCallerFor(person.origin);
  const temp = options.dataDir ? undefined : makeTempDir();
  const dataDir = options.dataDir ?? temp!.path;
  const log = makeLogger();
  const core = await createVigil({
    dataDir,
    profile: options.profile ?? 'alice',
    log,
    // Every test's anvil is on this machine: allowed as an operator running their own node
    // would start Vigil (--allow-private-rpc), unless the test's tuning says otherwise.
    tuning: { allowPrivateRpc: true, ...options.tuning },
    ...(options.clockOffset ? { clockOffset: options.clockOffset } : {}),
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
    return Promise.race([server.handle(name, input, caller), timeout]).finally(() =>
      clearTimeout(timer),
    );
  };
  const rawCall = async <T>(name: string, input?: unknown): Promise<T> => {
    const envelope = await handle(name, input);
    responses.push(envelope);
    if (!envelope.ok) throw new CallError(envelope.error);
    return envelope.value as T;
  };
  const personCall = asPerson(rawCall, person);
  return {
    core,
    server,
    dataDir,
    log,
    pushes,
    responses,
    call: personCall,
    callAsNobody: rawCall,
    person,
    caller,
    async refused(name, input) {
      try {
        const value = await personCall(name, input);
        throw new Error(`${name} was expected to fail but answered ${JSON.stringify(value)}`);
      } catch (error) {
        if (error instanceof CallError) return error.error;
        throw error;
      }
    },
    async close({ keepDataDir = false } = {}) {
      unsubscribe();
      await core.close();
      if (!keepDataDir) temp?.remove();
    },
  };
}
