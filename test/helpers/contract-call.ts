// Calls the contract server in-process, as the UI would, and fails loudly on an error envelope.
import type { ContractServer } from '../../src-main/ipc/server.ts';

export async function callOk<T>(server: ContractServer, name: string, input?: unknown): Promise<T> {
  const envelope = await server.handle(name, input);
  if (!envelope.ok)
    throw new Error(`${name} failed: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value as T;
}
