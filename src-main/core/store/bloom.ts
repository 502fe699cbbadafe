// A Bloom filter over 0x-hex keys (transaction hashes, block hashes, addresses), so the query
// planner can skip a sealed segment without opening it. The keys are themselves hashes (or
// derived from one), so their own bits serve as the filter's hash functions.

const BITS_PER_KEY = 16;
/** About 0.07% false positives at 16 bits a key (1% at 10): a miss opens a whole segment. */
const PROBES = 7;

export interface BloomFilter {
  readonly bits: Uint8Array;
  add(key: string): void;
  mayContain(key: string): boolean;
}

function seedsOf(key: string): [number, number] {
  const hex = key.length >= 18 && key.startsWith('0x') ? key : `0x${key.padEnd(16, '0')}`;
  const first = Number.parseInt(hex.slice(2, 10), 16) >>> 0;
  const second = (Number.parseInt(hex.slice(10, 18), 16) | 1) >>> 0;
  return [first, second];
}

export function bloomFilter(bits: Uint8Array): BloomFilter {
  const size = bits.length * 8;
  const positions = (key: string): number[] => {
    const [first, second] = seedsOf(key.toLowerCase());
    const result: number[] = [];
    for (let probe = 0; probe < PROBES; probe++) result.push((first + probe * second) % size);
    return result;
  };
  return {
    bits,
    add(key) {
      for (const position of positions(key)) bits[position >>> 3]! |= 1 << (position & 7);
    },
    mayContain(key) {
      for (const position of positions(key))
        if ((bits[position >>> 3]! & (1 << (position & 7))) === 0) return false;
      return true;
    },
  };
}

export function emptyBloomFilter(expectedKeys: number): BloomFilter {
  return bloomFilter(new Uint8Array(Math.max(64, Math.ceil((expectedKeys * BITS_PER_KEY) / 8))));
}
