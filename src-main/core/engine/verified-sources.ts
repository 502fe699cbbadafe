// `contracts.fetchAbi` and the explorer keys behind it: a verified contract's ABI and name from
// Sourcify or an Etherscan-family explorer (see intake/verified-source.ts), with the explorer's
// key read from the OS keychain for each fetch. The base URLs come from the engine's tuning, so
// tests (and other explorers of the Etherscan family) point them elsewhere.
import { auditActions } from '../audit-chain/index.ts';
import {
  defaultVerifiedSourceUrls,
  fetchVerifiedAbi,
  type FetchVerifiedAbiReturnType,
  type VerifiedSourceKind,
} from '../intake/index.ts';
import type { ExplorerKeys } from '../keys/index.ts';
import type { Store } from '../store/index.ts';
import type { EngineService } from './service.ts';

export interface VerifiedSourcesDependencies {
  store: Store;
  actor: string;
  keys: ExplorerKeys;
  urls?: Partial<Record<VerifiedSourceKind, string>>;
  timeoutMs?: number;
}

export interface VerifiedSources extends EngineService {
  /** The ABI and name where the contract was verified; errors name `field`. */
  fetchAbi(
    input: { chainId: number; address: string; source: VerifiedSourceKind },
    field?: string,
  ): Promise<FetchVerifiedAbiReturnType>;
}

export function createVerifiedSources(deps: VerifiedSourcesDependencies): VerifiedSources {
  const { store, keys } = deps;
  async function fetchAbi(
    input: { chainId: number; address: string; source: VerifiedSourceKind },
    field?: string,
  ): Promise<FetchVerifiedAbiReturnType> {
    const apiKey = input.source === 'etherscan' ? await keys.get('etherscan') : null;
    return fetchVerifiedAbi({
      ...input,
      baseUrl: deps.urls?.[input.source] ?? defaultVerifiedSourceUrls[input.source],
      ...(apiKey ? { apiKey } : {}),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(field === undefined ? {} : { field }),
    });
  }
  return {
    fetchAbi,
    handlers: {
      'contracts.fetchAbi': (input) => fetchAbi(input),
      // Not gated by a person: the key reads public data and moves nothing, and it is never
      // returned, so a client that sets one learns nothing and can at worst make fetches fail
      // (as it could by removing a chain, which is not gated either). It is audited.
      async 'explorers.setApiKey'(input) {
        await keys.set(input.service, input.apiKey);
        store.recordAudit([
          {
            actor: deps.actor,
            action:
              input.apiKey === null ? auditActions.explorerKeyRemoved : auditActions.explorerKeySet,
            subject: `explorer:${input.service}`,
            details: { service: input.service },
          },
        ]);
        return { service: input.service, hasKey: input.apiKey !== null };
      },
      async 'explorers.status'() {
        return { etherscan: { hasKey: (await keys.get('etherscan')) !== null } };
      },
    },
  };
}
