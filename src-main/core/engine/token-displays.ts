// How each watched contract's amounts read. Vigil reads decimals() and symbol() from the chain
// once per contract (when it is added, or at the first start that can reach its chain) and keeps
// the answer; the operator can set them by hand for tokens that lie or lack them, and clear that
// to read the chain again. The operator's setting is audited; a read from the chain is a fact
// about the contract, not an action, and is not.
import type { WatchedContract } from '../../ipc/contract.ts';
import type { Logger } from '../ports/index.ts';
import type { RpcPool } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import type { ContractRecord, Store } from '../store/index.ts';
import { readTokenDisplay } from '../tokens/index.ts';
import type { EngineService } from './service.ts';
import { describeChanges } from './watch-config-updates.ts';

export interface TokenDisplayDependencies {
  store: Store;
  actor: string;
  log: Logger;
  /** The running chain's RPC pool, if the chain runs. */
  rpcOf(chainId: number): RpcPool | undefined;
  pushConfig(): void;
  toWireContract(contract: ContractRecord): WatchedContract;
}

export interface TokenDisplays extends EngineService {
  /** Reads the contracts of a chain that have no token display yet; in the background. */
  readMissing(chainId: number): void;
}

export function createTokenDisplays(deps: TokenDisplayDependencies): TokenDisplays {
  const { store } = deps;
  const reading = new Set<string>();
  let closed = false;

  async function readOne(contract: ContractRecord): Promise<void> {
    const pool = deps.rpcOf(contract.chainId);
    if (!pool || reading.has(contract.id)) return;
    reading.add(contract.id);
    try {
      const token = await readTokenDisplay(
        (method, params) => pool.request(method, params),
        contract.address,
      );
      // Set by the operator (or removed) while the chain answered: theirs stands.
      const current = store.findContract(contract.id);
      if (closed || !current || current.token) return;
      store.execute({ type: 'contract.token', id: contract.id, token }, []);
      deps.pushConfig();
    } catch (error) {
      // Unreachable now; the next start (or the next contract added on the chain) tries again.
      deps.log.warn(
        `Reading decimals and symbol of ${contract.name} (${contract.address}): ${(error as Error).message.split('\n')[0]}`,
      );
    } finally {
      reading.delete(contract.id);
    }
  }

  return {
    readMissing(chainId) {
      for (const contract of store.listContracts(chainId))
        if (!contract.token) void readOne(contract);
    },
    handlers: {
      async 'contracts.setToken'(input) {
        const before = store.findContract(input.id);
        if (!before)
          throw new VigilError('NOT_FOUND', `No watched contract has id ${input.id}.`, {
            field: 'id',
          });
        const token = input.token === null ? null : { ...input.token, source: 'operator' as const };
        const changes = describeChanges({ token: before.token ?? null }, { token }, ['token']);
        if (Object.keys(changes).length > 0)
          store.execute({ type: 'contract.token', id: before.id, token }, [
            {
              actor: deps.actor,
              action: 'contract.changed',
              subject: `contract:${before.id}`,
              details: { changes },
            },
          ]);
        if (token === null) await readOne(store.findContract(before.id)!);
        deps.pushConfig();
        return deps.toWireContract(store.findContract(before.id)!);
      },
    },
    close() {
      closed = true;
    },
  };
}
