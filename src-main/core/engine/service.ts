// How a capability plugs into the engine: it answers some of the contract's requests and may
// need closing. The engine merges every service's handlers into one table; a request name
// answered twice is a wiring mistake caught at start.
import type { Logger, PushListener } from '../ports/index.ts';
import type { RequestName, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';
import type { ApprovedBy, Caller } from '../ports/index.ts';
import type { RpcPool } from '../chains/index.ts';
import type { AuditDraft } from '../audit-chain/index.ts';
import type { OperatorCommand, Store } from '../store/index.ts';
import type { SerializeWorkspaceInput, Workspace } from '../workspace/index.ts';
import type { EngineEvents } from './engine-events.ts';

/** What a handler may know of the call besides its input. */
export interface CallContext {
  /** Who is on the other end, as the transport knows. */
  caller?: Caller;
  /** For a gated request (see approvals/gated-requests.ts): the person who approved it. */
  approvedBy?: ApprovedBy;
}

export type RequestHandler<N extends RequestName> = (
  input: ValidatedInput<N>,
  call?: CallContext,
) => Promise<RequestOutput<N>> | RequestOutput<N>;

export type RequestHandlers = { [N in RequestName]?: RequestHandler<N> };

/**
 * Checks a request must pass before a person is asked to approve it (and again when it runs), so
 * nobody approves what would be refused anyway: removing a signer that still holds funds.
 */
export type RequestPrechecks = {
  [N in RequestName]?: (input: ValidatedInput<N>) => Promise<void> | void;
};

export interface EngineService {
  handlers: RequestHandlers;
  prechecks?: RequestPrechecks;
  /** The service's part of workspace files (rules …), when it has one. */
  workspace?: WorkspaceSection;
  /** Stops timers and in-flight work; the store is closed after every service. */
  close?(): Promise<void> | void;
}

/** A service's section of the workspace file. */
export interface WorkspaceSection {
  /**
   * Checks the section of an imported workspace and says what saving it takes; saves nothing.
   * `pending` holds the contracts the same import adds. Throws a VigilError naming the field.
   */
  prepare(
    workspace: Workspace,
    pending: {
      contracts: readonly { id: string; chainId: number; name: string; abi: unknown[] }[];
      /** The ids of the chains the same import adds (a balance rule may name one). */
      chains: readonly number[];
      /** Signers the same import adds once the workspace is saved (keystores already opened). */
      signers?: readonly string[];
      /**
       * Secrets the operator typed for this import, by the environment variable the files name:
       * read in place of Vigil's environment (workspace.importFrom's secretValues).
       */
      secretValues?: Readonly<Record<string, string>>;
      /** The file's name, for error messages. */
      source: string;
    },
  ): Promise<{
    commands: OperatorCommand[];
    audit: AuditDraft[];
    summary: Record<string, number>;
    /** Called once the import is saved (and awaited: the import answers after it). */
    applied(): void | Promise<void>;
  }>;
  /** The section's part of an exported workspace. */
  export(): Partial<SerializeWorkspaceInput>;
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

/** Every service's prechecks as one function; a request without one passes. */
export function mergePrechecks(
  services: readonly EngineService[],
): (name: RequestName, input: unknown) => Promise<void> {
  const merged: Record<string, (input: unknown) => Promise<void> | void> = {};
  for (const service of services)
    for (const [name, check] of Object.entries(service.prechecks ?? {}))
      merged[name] = check as (input: unknown) => Promise<void> | void;
  return async (name, input) => {
    await merged[name]?.(input);
  };
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
