// The renderer's one door to main. Picks the transport once at start: the preload's bridge in
// Electron, otherwise a WebSocket to the headless server. Both have the same VigilApi shape.
import type { Envelope, RequestInput, RequestName, RequestOutput, VigilApi } from '@contract';
import { useConnection } from './connection.ts';
import { withPasskeyApproval } from './passkeys.ts';
import { createWebSocketTransport, takeFragmentToken } from './websocket-transport.ts';
import { validatePushInDev } from './validate-push.ts';
import { withOperatorMessage } from './error-text.ts';

/** Every refusal reaches the views with a message written for the operator (error-text.ts). */
function withReadableErrors(api: VigilApi): VigilApi {
  return {
    call: async (name, input) => withOperatorMessage(await api.call(name, input)),
    subscribe: api.subscribe,
  };
}

function createClient(): VigilApi {
  const bridge = window.vigil;
  if (bridge) {
    useConnection.setState({ state: 'open', sessionCount: 1 });
    return withReadableErrors({
      call: (name, input) => bridge.call(name, input),
      subscribe: (name, listener) =>
        bridge.subscribe(name, (payload) => {
          validatePushInDev(name, payload);
          listener(payload);
        }),
    });
  }
  return withReadableErrors(withPasskeyApproval(createWebSocketTransport(takeFragmentToken())));
}

export const vigil: VigilApi = createClient();

/** Thrown by callOrThrow; keeps the contract's error so forms can point at error.field. */
export class ContractCallError extends Error {
  constructor(readonly error: import('@contract').ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
  }
}

/** For loaders that only care about the value: unwraps the envelope or throws. */
export async function callOrThrow<N extends RequestName>(
  name: N,
  input: RequestInput<N>,
): Promise<RequestOutput<N>> {
  const envelope: Envelope<RequestOutput<N>> = await vigil.call(name, input);
  if (!envelope.ok) throw new ContractCallError(envelope.error);
  return envelope.value;
}

export { useConnection } from './connection.ts';

/** True inside the desktop app (the preload's bridge), where files are saved through a dialog. */
export const isDesktop = window.vigil !== undefined;

/**
 * Headless mode: the address of an export the server wrote to its exports folder. The browser
 * downloads it as an attachment; its session cookie is the credential, so no token is in the URL.
 */
export function exportDownloadUrl(fileName: string): string {
  return `/exports/${encodeURIComponent(fileName)}`;
}
