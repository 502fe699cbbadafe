// How a capability plugs into the engine: it answers some of the contract's requests and may
// need closing. The engine merges every service's handlers into one table; a request name
// answered twice is a wiring mistake caught at start.
import type { RequestName, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';

export type RequestHandler<N extends RequestName> = (
  input: ValidatedInput<N>,
) => Promise<RequestOutput<N>> | RequestOutput<N>;

export type RequestHandlers = { [N in RequestName]?: RequestHandler<N> };

export interface EngineService {
  handlers: RequestHandlers;
  /** Stops timers and in-flight work; the store is closed after every service. */
  close?(): Promise<void> | void;
}

export function mergeHandlers(services: readonly EngineService[]): RequestHandlers {
  const merged: Record<string, unknown> = {};
  for (const service of services) {
    for (const [name, handler] of Object.entries(service.handlers)) {
      if (merged[name]) throw new Error(`Two services answer the request ${name}.`);
      merged[name] = handler;
    }
  }
  return merged as RequestHandlers;
}
