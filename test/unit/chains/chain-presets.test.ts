// The chain list the add form starts from: viem's definitions, searchable, with Vigil's depth.
import { describe, expect, it } from 'vitest';
import {
  allChainPresets,
  nativeCurrencyOf,
  searchChainPresets,
} from '../../../src-main/core/chains/index.ts';

describe('chain presets', () => {
  it("lists viem's chains once each, with currency, explorer, public RPCs and Vigil's depth", () => {
    const all = allChainPresets();
    expect(all.length).toBeGreaterThan(300);
    expect(new Set(all.map((preset) => `${preset.chainId}:${preset.name}`)).size).toBe(all.length);
    const base = all.filter((preset) => preset.chainId === 8453);
    expect(base).toHaveLength(1);
    expect(base[0]).toMatchObject({
      name: 'Base',
      nativeCurrency: { symbol: 'ETH', decimals: 18 },
      explorerUrl: 'https://basescan.org',
      confirmations: 30,
      confirmationsKnown: true,
      testnet: false,
    });
    expect(base[0]!.publicRpcUrls).toContain('https://mainnet.base.org');
  });

  it('gives the default depth, marked as such, to a chain Vigil knows nothing about', () => {
    const gnosis = searchChainPresets({ query: '100' }).find((preset) => preset.chainId === 100)!;
    expect(gnosis).toMatchObject({ name: 'Gnosis', confirmations: 12, confirmationsKnown: false });
  });

  it('puts the chain whose id was typed first, then names starting with the query', () => {
    expect(searchChainPresets({ query: '10' })[0]).toMatchObject({ chainId: 10 });
    const arb = searchChainPresets({ query: 'arbitrum' });
    expect(arb[0]).toMatchObject({ chainId: 42161, name: 'Arbitrum One' });
    expect(arb.every((preset) => preset.name.toLowerCase().includes('arbitrum'))).toBe(true);
    // Among equally good matches, known mainnets come before testnets.
    const sepoliaIndex = arb.findIndex((preset) => preset.testnet);
    expect(sepoliaIndex).toBeGreaterThan(0);
  });

  it('matches a currency symbol exactly, is case-blind, and honours the limit', () => {
    expect(searchChainPresets({ query: 'POL' }).map((preset) => preset.chainId)).toContain(137);
    expect(searchChainPresets({ query: 'BASE', limit: 3 })).toHaveLength(3);
    expect(searchChainPresets({ query: 'no such chain anywhere' })).toEqual([]);
  });
});

describe("a chain's native currency", () => {
  it("comes from viem's list by chain id, and is unknown for a chain the list lacks", () => {
    expect(nativeCurrencyOf(1)).toEqual({ symbol: 'ETH', decimals: 18 });
    expect(nativeCurrencyOf(8453)).toEqual({ symbol: 'ETH', decimals: 18 });
    expect(nativeCurrencyOf(137)).toEqual({ symbol: 'POL', decimals: 18 });
    expect(nativeCurrencyOf(100)).toEqual({ symbol: 'XDAI', decimals: 18 });
    expect(nativeCurrencyOf(31337)).toEqual({ symbol: 'ETH', decimals: 18 });
    expect(nativeCurrencyOf(987_654_321)).toBeUndefined();
  });
});
