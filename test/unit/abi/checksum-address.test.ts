import { describe, expect, it } from 'vitest';
import { getAddress, keccak256, toHex } from 'viem';
import { checksummedAddress } from '../../../src-main/core/abi/checksum-address.ts';

describe('checksummedAddress', () => {
  it('matches viem getAddress on many addresses, cached or not', () => {
    const addresses = Array.from({ length: 20_000 }, (_, index) =>
      keccak256(toHex(index)).slice(26),
    );
    for (const round of [1, 2]) {
      for (const lowercaseHex of addresses) {
        expect(checksummedAddress(lowercaseHex), `round ${round}`).toBe(
          getAddress(`0x${lowercaseHex}`),
        );
      }
    }
  });

  it('handles the EIP-55 examples and all-digit addresses', () => {
    for (const address of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0x0000000000000000000000000000000000000000',
    ]) {
      expect(checksummedAddress(address.slice(2).toLowerCase())).toBe(address);
    }
  });

  it('throws on something that is not 40 lowercase hex digits', () => {
    expect(() => checksummedAddress('zz'.repeat(20))).toThrow();
    expect(() => checksummedAddress('abc')).toThrow();
  });
});
