// Watched proxies are read again now and then (and on `contracts.checkProxy`): an implementation
// slot, beacon or facet list that changed is an upgrade, recorded on the contract and audited as
// `contract.upgraded`. The upgrade's own event (Upgraded, BeaconUpgraded, DiamondCut) is decoded
// by the watcher like any other and is what the built-in alert rule fires on; this check also
// catches upgrades that emit nothing at the proxy (a beacon upgraded, a slot written directly).
import type { ContractProxy, WatchedContract } from '../../ipc/contract.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { auditActions } from '../audit-chain/index.ts';
import { VigilError } from '../errors/index.ts';
import { detectProxy, proxyChanged, upgradeEventNames } from '../intake/index.ts';
import type { ContractRecord } from '../store/index.ts';
import type { EngineService, ServiceContext } from './service.ts';

export interface ProxyCheckOptions {
  /** How often every watched proxy is read again; 0 turns the timer off. */
  intervalMs?: number;
  toWireContract(contract: ContractRecord): WatchedContract;
  pushConfig(): void;
}

/** Upgrades kept on the contract; the audit log keeps them all. */
const keptUpgrades = 20;

export function createProxyChecks(
  context: ServiceContext,
  options: ProxyCheckOptions,
): EngineService {
  const { store, log } = context;

  async function check(contract: ContractRecord): Promise<ContractRecord> {
    const before = contract.proxy;
    if (!before) return contract;
    const rpc = context.chains.rpc(contract.chainId);
    const head = Number.parseInt(await rpc.request<string>('eth_blockNumber'), 16);
    const now = await detectProxy(rpc, {
      chainId: contract.chainId,
      address: contract.address,
      head,
    });
    if (!proxyChanged({ ...before }, now)) return contract;
    const { selectors: _selectors, ...found } = now ?? {
      kind: before.kind,
      implementations: [],
    };
    const proxy: ContractProxy = {
      ...found,
      ...(before.names ? { names: before.names } : {}),
      checkedAt: head,
      abiCovers: before.abiCovers,
      upgrades: [
        ...before.upgrades,
        { detectedAt: head, from: before.implementations, to: now?.implementations ?? [] },
      ].slice(-keptUpgrades),
    };
    store.execute({ type: 'contract.definition', id: contract.id, abi: contract.abi, proxy }, [
      {
        actor: SYSTEM_ACTOR,
        action: auditActions.contractUpgraded,
        subject: `contract:${contract.id}`,
        details: {
          chainId: contract.chainId,
          address: contract.address,
          kind: proxy.kind,
          detectedAt: head,
          from: before.implementations,
          to: proxy.implementations,
          abiLoaded: proxy.implementations.every((address) => proxy.abiCovers.includes(address)),
        },
      },
    ]);
    log.info(
      `Proxy ${contract.name} (${contract.address}) on chain ${contract.chainId} now delegates to ${proxy.implementations.join(', ') || 'nothing'} (was ${before.implementations.join(', ')}).`,
    );
    options.pushConfig();
    return store.findContract(contract.id)!;
  }

  let checking = false;
  async function checkAll(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      for (const contract of store.listContracts())
        if (contract.proxy)
          await check(contract).catch((error: unknown) =>
            log.warn(
              `Checking proxy ${contract.address} on chain ${contract.chainId} failed; trying again later: ${(error as Error).message}`,
            ),
          );
    } finally {
      checking = false;
    }
  }

  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const timer = intervalMs > 0 ? setInterval(() => void checkAll(), intervalMs) : undefined;

  function requireProxy(id: string): ContractRecord & { proxy: ContractProxy } {
    const contract = store.findContract(id);
    if (!contract)
      throw new VigilError('NOT_FOUND', `No watched contract has id ${id}.`, { field: 'id' });
    if (!contract.proxy)
      throw new VigilError(
        'INVALID_STATE',
        `${contract.name} (${contract.address}) was not a proxy when it was added; remove and add it again to look once more.`,
        { field: 'id' },
      );
    return contract as ContractRecord & { proxy: ContractProxy };
  }

  return {
    handlers: {
      async 'contracts.checkProxy'(input) {
        return options.toWireContract(await check(requireProxy(input.id)));
      },
      'contracts.upgradeRules'(input) {
        const contract = requireProxy(input.id);
        return upgradeEventNames(contract.proxy.kind).map((eventName) => ({
          kind: 'event' as const,
          name: `${contract.name} upgraded (${eventName})`,
          severity: 'critical' as const,
          enabled: true,
          contractId: contract.id,
          eventName,
          condition: '',
        }));
      },
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
