// `contracts.loadImplementationAbis`: the ABIs of what a watched proxy delegates to (its
// implementation, or every facet of an EIP-2535 diamond), each looked up by its own address in a
// verified source or in a project folder the operator chose, merged into the proxy's ABI. A
// diamond's facets are separate contracts, each verified or built on its own, so one ABI given at
// add time rarely covers them all. Stored events are read with the merged ABI from then on (see
// current-abi-rows.ts).
import type { WatchedContract } from '../../ipc/contract.ts';
import { eventSignaturesOf } from '../abi/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  mergeAbis,
  readProjectFiles,
  type ProjectDeployment,
  type ProjectRoots,
} from '../intake/index.ts';
import type { ContractRecord, Store } from '../store/index.ts';
import type { EngineService } from './service.ts';
import type { VerifiedSources } from './verified-sources.ts';

export interface LoadedImplementation {
  address: string;
  name: string;
  abi: unknown[];
}

const eventsOf = (abi: readonly unknown[]): string[] =>
  [...new Set(eventSignaturesOf(abi as never).map((event) => event.signature))].sort();

/**
 * The contract's ABI and proxy with the loaded implementations' ABIs merged in: they count as
 * covered, and their names are kept to show.
 */
export function withImplementationAbis(
  contract: Pick<ContractRecord, 'abi' | 'proxy'>,
  loaded: readonly LoadedImplementation[],
): Pick<ContractRecord, 'abi' | 'proxy'> {
  const abi = mergeAbis(contract.abi, ...loaded.map((entry) => entry.abi));
  if (!contract.proxy) return { abi };
  const names = { ...contract.proxy.names };
  for (const entry of loaded) if (entry.name) names[entry.address] = entry.name;
  return {
    abi,
    proxy: {
      ...contract.proxy,
      abiCovers: [
        ...new Set([...contract.proxy.abiCovers, ...loaded.map((entry) => entry.address)]),
      ],
      ...(Object.keys(names).length > 0 ? { names } : {}),
    },
  };
}

/** The deployments of a project that are among `addresses` on `chainId`, as loaded ABIs. */
export function projectImplementations(
  deployments: readonly ProjectDeployment[],
  chainId: number,
  addresses: readonly string[],
): LoadedImplementation[] {
  const wanted = new Set(addresses.map((address) => address.toLowerCase()));
  const found = new Map<string, LoadedImplementation>();
  for (const deployment of deployments) {
    const key = deployment.address.toLowerCase();
    if (deployment.chainId !== chainId || !wanted.has(key) || found.has(key)) continue;
    found.set(key, { address: deployment.address, name: deployment.name, abi: deployment.abi });
  }
  return addresses.flatMap((address) => found.get(address.toLowerCase()) ?? []);
}

export interface ImplementationAbisDependencies {
  store: Store;
  actor: string;
  projectRoots: ProjectRoots;
  verifiedSources: Pick<VerifiedSources, 'fetchAbi'>;
  refreshDecoders(chainId: number): void;
  pushConfig(): void;
  toWireContract(contract: ContractRecord): WatchedContract;
}

export function createImplementationAbis(deps: ImplementationAbisDependencies): EngineService {
  const { store } = deps;
  return {
    handlers: {
      async 'contracts.loadImplementationAbis'(input) {
        const contract = store.findContract(input.id);
        if (!contract)
          throw new VigilError('NOT_FOUND', `No watched contract has id ${input.id}.`, {
            field: 'id',
          });
        if (!contract.proxy || contract.proxy.implementations.length === 0)
          throw new VigilError(
            'INVALID_STATE',
            `${contract.name} (${contract.address}) delegates to nothing Vigil knows of: it is not a proxy, or was not one when it was added.`,
            { field: 'id' },
          );
        const addresses = contract.proxy.implementations;
        const loaded: LoadedImplementation[] = [];
        const missing: { address: string; reason: string }[] = [];
        const failures: VigilError[] = [];
        if (input.source === 'project') {
          const files = readProjectFiles(deps.projectRoots.resolve(input.path!));
          loaded.push(...projectImplementations(files.deployments, contract.chainId, addresses));
          for (const address of addresses)
            if (!loaded.some((entry) => entry.address === address))
              missing.push({
                address,
                reason: `${input.path} records no deployment of ${address} on chain ${contract.chainId}.`,
              });
        } else {
          // One at a time: explorers limit requests per second.
          for (const address of addresses) {
            try {
              const found = await deps.verifiedSources.fetchAbi({
                chainId: contract.chainId,
                address,
                source: input.source,
              });
              loaded.push({ address, name: found.name, abi: found.abi });
            } catch (error) {
              if (!(error instanceof VigilError)) throw error;
              failures.push(error);
              missing.push({ address, reason: error.message });
            }
          }
        }
        if (loaded.length === 0)
          throw (
            failures[0] ??
            new VigilError('NOT_FOUND', missing[0]!.reason, {
              field: 'path',
              details: { missing },
            })
          );

        const next = withImplementationAbis(contract, loaded);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        const [before, after] = [eventsOf(contract.abi), eventsOf(next.abi)];
        if (JSON.stringify(before) !== JSON.stringify(after))
          changes['events'] = { from: before, to: after };
        if (JSON.stringify(next.proxy) !== JSON.stringify(contract.proxy))
          changes['abiCovers'] = { from: contract.proxy.abiCovers, to: next.proxy!.abiCovers };
        if (Object.keys(changes).length > 0) {
          store.execute(
            { type: 'contract.definition', id: contract.id, abi: next.abi, proxy: next.proxy! },
            [
              {
                actor: deps.actor,
                action: 'contract.changed',
                subject: `contract:${contract.id}`,
                details: {
                  chainId: contract.chainId,
                  address: contract.address,
                  name: contract.name,
                  source: input.source === 'project' ? input.path : input.source,
                  loaded: loaded.map(({ address, name }) => ({ address, name })),
                  changes,
                },
              },
            ],
          );
          deps.refreshDecoders(contract.chainId);
          deps.pushConfig();
        }
        return {
          contract: deps.toWireContract(store.findContract(contract.id)!),
          loaded: loaded.map(({ address, name }) => ({ address, name })),
          missing,
        };
      },
    },
  };
}
