// Native amounts in the renderer read in the chain's own currency, never an assumed ETH.
import { describe, expect, it } from 'vitest';
import { nativeLabel, nativeSymbol } from '../../../src-renderer/src/units.ts';

describe('native amounts in the console', () => {
  it("read in the chain's currency, or as exact wei where it is not known", () => {
    const polygon = { nativeCurrency: { symbol: 'POL', decimals: 18 } };
    expect(nativeLabel('2500000000000000000', polygon)).toBe('2.5 POL');
    expect(nativeSymbol(polygon)).toBe('POL');
    expect(nativeLabel('2500000000000000000', {})).toBe('2,500,000,000,000,000,000 wei');
    expect(nativeLabel('2500000000000000000', undefined)).toBe('2,500,000,000,000,000,000 wei');
  });
});
