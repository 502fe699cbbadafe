// Changing a configured chain or watched contract in place: `chains.update` (name, RPC URLs,
// confirmation depth) and `contracts.update` (name, retention). New RPC URLs are checked exactly as
// chains.add checks them; the chain's watcher restarts when how it reaches or confirms the chain
// changed. Each change is one journaled command with a `chain.changed` / `contract.changed`
// audit entry whose details say what changed, before → after. Nothing changed, nothing recorded.
import type { Chain, WatchedContract } from '../../ipc/contract.ts';
import { checkRpcDestinations, verifyRpcUrls } from '../chains/index.ts';
import { eventSignaturesOf, parseAbiInput } from '../abi/index.ts';
import { mergeAbis } from '../intake/index.ts';
import type { OperatorCommand } from '../store/index.ts';
import { displayUrl, type UrlSecrets } from '../keys/index.ts';
import { VigilError } from '../errors/index.ts';
import type { ChainRecord, ContractRecord, Store } from '../store/index.ts';
import type { EngineService } from './service.ts';

export interface WatchConfigUpdateDependencies {
  store: Store;
  /** The operator's profile name. */
  actor: string;
  /** Stops the chain's watcher and starts it again from the stored record. */
  restartChain(chainId: number): Promise<void>;
  /** Tells every view the lists changed. */
  pushConfig(): void;
  toWireContract(contract: ContractRecord): WatchedContract;
  /** The chain's watcher decodes with the contracts' ABIs as stored now. */
  refreshDecoders(chainId: number): void;
  toWireChain(chain: ChainRecord): Chain;
  urlSecrets: UrlSecrets;
  /** --allow-private-rpc: inward RPC URLs need no person (see chains/rpc-destinations.ts). */
  allowPrivateRpc: boolean;
}

const eventsOf = (abi: readonly unknown[]): string[] => [
  ...new Set(eventSignaturesOf(abi as never).map((event) => event.signature)),
];

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** The fields whose values differ between two records, each as {from, to}. */
export function describeChanges<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      changes[field] = { from: before[field], to: after[field] };
  }
  return changes;
}

export function createWatchConfigUpdates(deps: WatchConfigUpdateDependencies): EngineService {
  const { store, actor } = deps;
  return {
    handlers: {
      async 'chains.update'(input, call): Promise<Chain> {
        const before = store.requireChain(input.chainId);
        // A URL sent back as views show it (its key redacted) stands for the stored one.
        const given = input.rpcUrls?.map(
          (url) => before.rpcUrls.find((stored) => displayUrl(stored) === url) ?? url,
        );
        const requested = {
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(given === undefined ? {} : { rpcUrls: given }),
          ...(input.confirmations === undefined ? {} : { confirmations: input.confirmations }),
        };
        if (
          given &&
          Object.keys(describeChanges(before, { ...before, ...requested }, ['rpcUrls'])).length
        ) {
          // Stored URLs were allowed when added; a new inward one needs the operator's word.
          const stored = new Set(before.rpcUrls);
          await checkRpcDestinations(
            given.filter((url) => !stored.has(url)).map((url) => deps.urlSecrets.reveal(url)),
            { allowInward: deps.allowPrivateRpc || call?.approvedBy !== undefined },
          );
          await verifyRpcUrls(
            input.chainId,
            given.map((url) => deps.urlSecrets.reveal(url)),
          );
          requested.rpcUrls = await Promise.all(given.map((url) => deps.urlSecrets.protect(url)));
        }
        // The RPC checks took time; read the record again so a change made meanwhile is kept.
        const current = store.requireChain(input.chainId);
        const { explorerUrl: _previousExplorer, ...rest } = current;
        const explorerUrl =
          input.explorerUrl === undefined ? current.explorerUrl : (input.explorerUrl ?? undefined);
        const next: ChainRecord = {
          ...rest,
          ...requested,
          ...(explorerUrl === undefined ? {} : { explorerUrl }),
        };
        const changes = describeChanges(
          { explorerUrl: null, ...current },
          { explorerUrl: null, ...next },
          ['name', 'rpcUrls', 'confirmations', 'explorerUrl'],
        );
        if (Object.keys(changes).length === 0) return deps.toWireChain(current);
        // The audit log keeps which providers, never their keys.
        const audited = changes['rpcUrls']
          ? {
              ...changes,
              rpcUrls: {
                from: current.rpcUrls.map(displayUrl),
                to: next.rpcUrls.map(displayUrl),
              },
            }
          : changes;
        store.execute({ type: 'chain.update', chain: next }, [
          {
            actor,
            action: 'chain.changed',
            subject: `chain:${next.chainId}`,
            details: { name: next.name, changes: audited },
          },
        ]);
        if (changes['rpcUrls'] || changes['confirmations']) await deps.restartChain(next.chainId);
        deps.pushConfig();
        return deps.toWireChain(next);
      },
      'contracts.update'(input): WatchedContract {
        const contract = store.findContract(input.id);
        if (!contract)
          throw new VigilError('NOT_FOUND', `No watched contract has id ${input.id}.`, {
            field: 'id',
          });
        const name = input.name ?? contract.name;
        const retention =
          input.retention === undefined ? contract.retention : (input.retention ?? undefined);
        const changes = describeChanges(
          { ...contract, retention: contract.retention ?? null },
          { ...contract, name, retention: retention ?? null },
          ['name', 'retention'],
        );
        // A proxy's new implementation: its ABI joins the contract's, and the upgrade is loaded.
        const commands: OperatorCommand[] = [];
        if (input.implementationAbi !== undefined) {
          const given = parseAbiInput(input.implementationAbi, 'implementationAbi') as unknown[];
          const abi = mergeAbis(contract.abi, given);
          const proxy = contract.proxy
            ? { ...contract.proxy, abiCovers: contract.proxy.implementations }
            : null;
          const before = eventsOf(contract.abi);
          const after = eventsOf(abi);
          if (after.length !== before.length) changes['events'] = { from: before, to: after };
          if (JSON.stringify(proxy?.abiCovers) !== JSON.stringify(contract.proxy?.abiCovers))
            changes['abiCovers'] = { from: contract.proxy?.abiCovers, to: proxy?.abiCovers };
          if (changes['events'] || changes['abiCovers'])
            commands.push({ type: 'contract.definition', id: contract.id, abi, proxy });
        }
        if (Object.keys(changes).length === 0) return deps.toWireContract(contract);
        const command = { type: 'contract.update', id: contract.id, name } as const;
        commands.unshift({ ...command, retention: retention ?? null });
        store.execute({ type: 'batch', commands }, [
          {
            actor,
            action: 'contract.changed',
            subject: `contract:${contract.id}`,
            details: {
              chainId: contract.chainId,
              address: contract.address,
              name,
              changes,
            },
          },
        ]);
        if (commands.length > 1) deps.refreshDecoders(contract.chainId);
        deps.pushConfig();
        return deps.toWireContract(store.findContract(contract.id)!);
      },
    },
  };
}
