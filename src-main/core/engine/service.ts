// How a capability plugs into the engine: it answers some of the contract's requests and may
// need closing. The engine merges every service's handlers into one table; a request name
// answered twice is a wiring mistake caught at start.
import type { Logger, PushListener } from '../app.ts';
import type { RequestName, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';
import type { RpcPool } from '../chains/index.ts';
import type { Store } from '../store/index.ts';
import type { EngineEvents } from './engine-events.ts';

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

/** What the engine knows of each running chain, for capabilities that are not the watcher. */
export interface ChainAccess {
  /** The RPC pool of a configured chain; throws NOT_FOUND for one that is not configured. */
  rpc(chainId: number): RpcPool;
  /** Head, indexed-through and lag as the chain's watcher sees them now. */
  sync(chainId: number):
    | {
        headBlock: number | null;
        indexedThrough: number | null;
        lagBlocks: number | null;
        lagSeconds: number | null;
      }
    | undefined;
}

/** What every service is created with. */
export interface ServiceContext {
  store: Store;
  log: Logger;
  /** The operator's profile name: the actor of audit entries for their requests. */
  actor: string;
  push: PushListener;
  events: EngineEvents;
  chains: ChainAccess;
}
