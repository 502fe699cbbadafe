// EIP-55 checksummed addresses for the decoder's hot path. Checksumming hashes the address
// (keccak), which costs more than the rest of a Transfer decode, so recent results are kept.
import { keccak256 } from 'viem';

/** How many addresses each cache generation holds; two generations are kept. */
const generationSize = 8192;

// Two generations instead of a strict LRU: lookups and inserts stay O(1) with no per-hit
// bookkeeping, and an address used within the last 8k–16k distinct ones is still found.
let youngGeneration = new Map<string, string>();
let oldGeneration = new Map<string, string>();

/** `lowercaseHex` is the 40 lowercase hex digits of an address, without 0x. */
export function checksummedAddress(lowercaseHex: string): string {
  const young = youngGeneration.get(lowercaseHex);
  if (young !== undefined) return young;
  const old = oldGeneration.get(lowercaseHex);
  const address = old ?? checksum(lowercaseHex);
  if (youngGeneration.size >= generationSize) {
    oldGeneration = youngGeneration;
    youngGeneration = new Map();
  }
  youngGeneration.set(lowercaseHex, address);
  return address;
}

/** EIP-55 without viem's getAddress overhead (validation regex, string↔bytes conversions): about twice as fast. */
function checksum(lowercaseHex: string): string {
  if (!/^[0-9a-f]{40}$/.test(lowercaseHex)) throw new Error(`not an address: ${lowercaseHex}`);
  const hash = keccak256(Buffer.from(lowercaseHex, 'latin1'), 'bytes');
  let address = '0x';
  for (let index = 0; index < 40; index++) {
    const digit = lowercaseHex[index]!;
    const hashNibble = index % 2 === 0 ? hash[index >> 1]! >> 4 : hash[index >> 1]! & 0x0f;
    address += hashNibble >= 8 && digit > '9' ? digit.toUpperCase() : digit;
  }
  return address;
}
