// The chains an operator can start from instead of typing a chain id and hunting for an RPC URL:
// viem's chain definitions, searchable, each with the confirmation depth Vigil would use. The
// public RPC URLs are offered as such (rate-limited, shared, not for production); the form asks
// for the operator's own.
import * as viemChains from 'viem/chains';
import type { Chain as ViemChain } from 'viem';
import { defaultConfirmations, hasKnownConfirmations } from './known-chains.ts';

export interface ChainPreset {
  chainId: number;
  name: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  /** The chain's main block explorer, when viem knows one. */
  explorerUrl?: string;
  /** Public endpoints: fine to try Vigil, rate-limited and shared, not for production. */
  publicRpcUrls: string[];
  /** The depth Vigil uses for this chain unless the operator changes it. */
  confirmations: number;
  /** Whether that depth comes from what is known of this chain's reorgs, or is the default. */
  confirmationsKnown: boolean;
  testnet: boolean;
}

export interface SearchChainPresetsParameters {
  /** Matched against the name, the chain id and the native currency's symbol; empty lists all. */
  query?: string;
  limit?: number;
}

function toPreset(chain: ViemChain): ChainPreset {
  const explorerUrl = chain.blockExplorers?.default.url;
  return {
    chainId: chain.id,
    name: chain.name,
    nativeCurrency: { ...chain.nativeCurrency },
    ...(explorerUrl ? { explorerUrl } : {}),
    publicRpcUrls: [
      ...new Set([...chain.rpcUrls.default.http, ...(chain.rpcUrls.default.webSocket ?? [])]),
    ],
    confirmations: defaultConfirmations(chain.id),
    confirmationsKnown: hasKnownConfirmations(chain.id),
    testnet: chain.testnet === true,
  };
}

let presets: ChainPreset[] | undefined;

/** Every chain viem defines, once each: viem exports some chains under two names. */
export function allChainPresets(): ChainPreset[] {
  if (presets) return presets;
  const seen = new Set<string>();
  presets = [];
  for (const value of Object.values(viemChains) as unknown[]) {
    const chain = value as ViemChain;
    if (typeof chain?.id !== 'number' || typeof chain.name !== 'string') continue;
    const key = `${chain.id}:${chain.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    presets.push(toPreset(chain));
  }
  return presets;
}

// Lower ranks first: the chain whose id was typed, names that start with the query, chains whose
// reorg depth is known (the ones operators use most), mainnets before testnets.
function rank(preset: ChainPreset, query: string): number {
  const name = preset.name.toLowerCase();
  return (
    (String(preset.chainId) === query ? 0 : 8) +
    (name === query ? 0 : name.startsWith(query) ? 2 : 4) +
    (preset.confirmationsKnown ? 0 : 1) +
    (preset.testnet ? 0.5 : 0)
  );
}

export function searchChainPresets(parameters: SearchChainPresetsParameters = {}): ChainPreset[] {
  const query = (parameters.query ?? '').trim().toLowerCase();
  const limit = parameters.limit ?? 50;
  const matches = allChainPresets().filter(
    (preset) =>
      query === '' ||
      preset.name.toLowerCase().includes(query) ||
      String(preset.chainId).startsWith(query) ||
      preset.nativeCurrency.symbol.toLowerCase() === query,
  );
  return matches
    .map((preset) => ({ preset, rank: rank(preset, query) }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.preset.name.localeCompare(b.preset.name) ||
        a.preset.chainId - b.preset.chainId,
    )
    .slice(0, limit)
    .map((entry) => entry.preset);
}

/**
 * A chain's own currency (symbol and decimals) as viem's list gives it, to read native amounts
 * with ("1.5 POL", not "ETH" on every chain); undefined for a chain the list does not know, whose
 * amounts are then shown as exact integers in wei rather than guessed.
 */
export function nativeCurrencyOf(
  chainId: number,
): { symbol: string; decimals: number } | undefined {
  const preset = allChainPresets().find((candidate) => candidate.chainId === chainId);
  return (
    preset && { symbol: preset.nativeCurrency.symbol, decimals: preset.nativeCurrency.decimals }
  );
}
