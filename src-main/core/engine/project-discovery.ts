// `contracts.discover` and `contracts.discoverAdd`: the deployments a project folder records
// (see intake/project-files.ts), checked against the configured chains and the chain itself, and
// added in one step. Adding twice adds nothing; a watched contract whose ABI changed in the
// project gets the new ABI with a `contract.changed` audit entry saying which events changed.
// A proxy whose implementation (or a diamond whose facets) the same project deploys gets their
// ABIs merged in. Only folders the operator chose are read (see intake/project-roots.ts): the
// path comes from a client, and a client may be hostile.
import type { DiscoveredContract, DiscoveryResult } from '../../ipc/contract.ts';
import { eventSignaturesOf } from '../abi/index.ts';
import type { AuditDraft } from '../audit-chain/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  findCreationBlock,
  mergeAbis,
  proxyEvents,
  readProjectFiles,
  type ProjectDeployment,
  type ProjectRoots,
} from '../intake/index.ts';
import { projectImplementations, withImplementationAbis } from './implementation-abis.ts';
import type { ChainRecord, ContractRecord, OperatorCommand, Store } from '../store/index.ts';
import type { RpcPool } from '../chains/index.ts';
import type { EngineService } from './service.ts';

export interface ProjectDiscoveryDependencies {
  store: Store;
  actor: string;
  projectRoots: ProjectRoots;
  withChainRpc<T>(chain: ChainRecord, use: (pool: RpcPool) => Promise<T>): Promise<T>;
  /** Checks a contract exactly as contracts.add does (code, proxy, start block). */
  validateContract(input: {
    chainId: number;
    address: string;
    abi: unknown;
    startBlock?: number;
    name?: string;
  }): Promise<Omit<ContractRecord, 'indexedThrough'>>;
  contractAddedAudit(contract: Omit<ContractRecord, 'indexedThrough'>): AuditDraft;
  refreshDecoders(chainId: number): void;
  pushConfig(): void;
}

const eventsOf = (abi: readonly unknown[]): string[] =>
  [...new Set(eventSignaturesOf(abi as never).map((event) => event.signature))].sort();

export function createProjectDiscovery(deps: ProjectDiscoveryDependencies): EngineService {
  const { store } = deps;

  /**
   * The ABI (and proxy) a watched contract would have with the project's ABI. A proxy's ABI is
   * the union of several (its own events, its implementation's or facets', some perhaps fetched
   * from a verified source): the project's are added to it, nothing is taken away.
   */
  const nextDefinition = (
    watched: ContractRecord,
    abi: unknown[],
    deployments: readonly ProjectDeployment[],
  ): Pick<ContractRecord, 'abi' | 'proxy'> =>
    watched.proxy
      ? withImplementationAbis(
          {
            abi: mergeAbis(proxyEvents(watched.proxy.kind), watched.abi, abi),
            proxy: watched.proxy,
          },
          projectImplementations(deployments, watched.chainId, watched.proxy.implementations),
        )
      : { abi };

  async function startBlockOf(
    chain: ChainRecord,
    address: string,
    transactionHash: string | undefined,
  ): Promise<number> {
    return deps.withChainRpc(chain, async (pool) => {
      if (transactionHash) {
        const receipt = await pool
          .request<{ blockNumber?: string } | null>('eth_getTransactionReceipt', [transactionHash])
          .catch(() => null);
        if (receipt?.blockNumber) return Number.parseInt(receipt.blockNumber, 16);
      }
      // No receipt (an Ignition deployment, or a node that pruned it): ask the chain for the code.
      return findCreationBlock(pool, { chainId: chain.chainId, address });
    });
  }

  async function discover(
    path: string,
  ): Promise<{ result: DiscoveryResult; deployments: ProjectDeployment[] }> {
    const files = readProjectFiles(deps.projectRoots.resolve(path));
    const contracts: DiscoveredContract[] = [];
    const seen = new Set<string>();
    for (const deployment of files.deployments) {
      const id = `${deployment.chainId}:${deployment.address.toLowerCase()}`;
      // The same contract in two files (a broadcast and hardhat-deploy): the first one counts.
      if (seen.has(id)) continue;
      seen.add(id);
      const base = {
        id,
        name: deployment.name,
        chainId: deployment.chainId,
        address: deployment.address,
        abi: deployment.abi,
        eventNames: [
          ...new Set(eventSignaturesOf(deployment.abi as never).map((event) => event.eventName)),
        ],
        file: deployment.file,
      };
      const chain = store.findChain(deployment.chainId);
      if (!chain) {
        contracts.push({
          ...base,
          startBlock: null,
          status: 'problem',
          problem: `Chain ${deployment.chainId} is not configured in Vigil; add it first (${deployment.file}).`,
        });
        continue;
      }
      const watched = store.findContract(id);
      if (watched) {
        const next = nextDefinition(watched, deployment.abi, files.deployments);
        const changed =
          JSON.stringify(next.abi) !== JSON.stringify(watched.abi) ||
          JSON.stringify(next.proxy) !== JSON.stringify(watched.proxy);
        contracts.push({
          ...base,
          startBlock: watched.startBlock,
          status: changed ? 'abi-changed' : 'watched',
        });
        continue;
      }
      try {
        const startBlock = await startBlockOf(
          chain,
          deployment.address,
          deployment.transactionHash,
        );
        contracts.push({ ...base, startBlock, status: 'new' });
      } catch (error) {
        contracts.push({
          ...base,
          startBlock: null,
          status: 'problem',
          problem: (error as Error).message,
        });
      }
    }
    return {
      result: { layouts: files.layouts, contracts, skipped: files.skipped },
      deployments: files.deployments,
    };
  }

  return {
    handlers: {
      'contracts.discover': async (input) => (await discover(input.path)).result,
      async 'contracts.discoverAdd'(input) {
        const { result: found, deployments } = await discover(input.path);
        const byId = new Map(found.contracts.map((contract) => [contract.id, contract]));
        const commands: OperatorCommand[] = [];
        const audit: AuditDraft[] = [];
        const result = {
          added: [] as string[],
          updated: [] as string[],
          unchanged: [] as string[],
        };
        // Everything is checked before anything is saved: one bad tick adds nothing.
        for (const [index, id] of input.ids.entries()) {
          const candidate = byId.get(id.toLowerCase());
          if (!candidate)
            throw new VigilError(
              'NOT_FOUND',
              `${id} is not among the deployments found in ${input.path}.`,
              { field: `ids[${index}]` },
            );
          if (candidate.status === 'problem')
            throw new VigilError(
              'INVALID_INPUT',
              `${candidate.name} (${id}): ${candidate.problem}`,
              {
                field: `ids[${index}]`,
              },
            );
          if (candidate.status === 'watched') {
            result.unchanged.push(id);
            continue;
          }
          if (candidate.status === 'abi-changed') {
            const watched = store.findContract(candidate.id)!;
            const { abi, proxy } = nextDefinition(watched, candidate.abi, deployments);
            commands.push({
              type: 'contract.definition',
              id: watched.id,
              abi,
              proxy: proxy ?? null,
            });
            audit.push({
              actor: deps.actor,
              action: 'contract.changed',
              subject: `contract:${watched.id}`,
              details: {
                chainId: watched.chainId,
                address: watched.address,
                name: watched.name,
                source: `${input.path}/${candidate.file}`,
                changes: { events: { from: eventsOf(watched.abi), to: eventsOf(abi) } },
              },
            });
            result.updated.push(candidate.id);
            continue;
          }
          const validated = await deps.validateContract({
            chainId: candidate.chainId,
            address: candidate.address,
            abi: candidate.abi,
            name: candidate.name,
            ...(candidate.startBlock === null ? {} : { startBlock: candidate.startBlock }),
          });
          const contract = validated.proxy
            ? {
                ...validated,
                ...withImplementationAbis(
                  validated,
                  projectImplementations(
                    deployments,
                    validated.chainId,
                    validated.proxy.implementations,
                  ),
                ),
              }
            : validated;
          commands.push({ type: 'contract.add', contract });
          audit.push(deps.contractAddedAudit(contract));
          result.added.push(contract.id);
        }
        if (commands.length > 0) {
          store.execute({ type: 'batch', commands }, audit);
          for (const chainId of new Set(
            [...result.added, ...result.updated].map((id) => Number(id.split(':')[0])),
          ))
            deps.refreshDecoders(chainId);
          deps.pushConfig();
        }
        return result;
      },
    },
  };
}
