// The OS keychain reached from the engine's worker thread through the thread that started it.
// keytar is a native module that registers GLib types when it loads; loaded into a second
// worker thread of the same process (an engine stopped and started again, as the desktop app
// may do and tests do) it could hang the start. So keytar is loaded in one thread per process,
// the one that starts engines, and workers ask it over their message port. The secret crosses
// the port inside one process; it is never written anywhere on the way.
import type { ContractError } from '../../ipc/contract.ts';
import { VigilError, toContractError } from '../errors/index.ts';
import { createOsKeychain, type Keychain } from './keychain.ts';

export type KeychainRequest =
  | { op: 'set'; service: string; account: string; secret: string }
  | { op: 'get'; service: string; account: string }
  | { op: 'remove'; service: string; account: string };

export type KeychainAnswer =
  { ok: true; value: string | null | boolean | undefined } | { ok: false; error: ContractError };

/** A keychain whose every operation is `ask`ed of the thread holding keytar. */
export function keychainOverChannel(
  service: string,
  ask: (request: KeychainRequest) => Promise<KeychainAnswer>,
): Keychain {
  const perform = async (request: KeychainRequest): Promise<unknown> => {
    const answer = await ask(request);
    if (answer.ok) return answer.value;
    throw new VigilError(answer.error.code, answer.error.message, answer.error);
  };
  return {
    set: async (account, secret) => {
      await perform({ op: 'set', service, account, secret });
    },
    get: async (account) => (await perform({ op: 'get', service, account })) as string | null,
    remove: async (account) => (await perform({ op: 'remove', service, account })) as boolean,
  };
}

/** Carries out a worker's request with keytar loaded in this thread. Never throws. */
export async function answerKeychainRequest(request: KeychainRequest): Promise<KeychainAnswer> {
  const keychain = createOsKeychain(request.service);
  try {
    switch (request.op) {
      case 'set':
        await keychain.set(request.account, request.secret);
        return { ok: true, value: undefined };
      case 'get':
        return { ok: true, value: await keychain.get(request.account) };
      case 'remove':
        return { ok: true, value: await keychain.remove(request.account) };
    }
  } catch (error) {
    return { ok: false, error: toContractError(error) };
  }
}
