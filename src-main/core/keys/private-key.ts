// What counts as a private key, checked before anything touches the keychain. Error messages
// describe the input's shape and never repeat it: a mistyped key is still nearly a key.
import type { Hex } from 'viem';
import { VigilError } from '../errors/index.ts';

/** The order of secp256k1's group: a private key must be in [1, n-1]. */
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function parsePrivateKey(input: string, field = 'privateKey'): Hex {
  const text = input.trim();
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new VigilError(
      'INVALID_KEY',
      `${field}: not a private key: it must be 64 hexadecimal digits (32 bytes), optionally 0x-prefixed, and this one has characters that are not hex digits. (A mnemonic or a keystore file cannot be imported here.)`,
      { field },
    );
  }
  if (digits.length !== 64) {
    throw new VigilError(
      'INVALID_KEY',
      `${field}: not a private key: it must be 64 hexadecimal digits (32 bytes), and this one has ${digits.length}.`,
      { field },
    );
  }
  const value = BigInt(`0x${digits}`);
  if (value === 0n || value >= SECP256K1_ORDER) {
    throw new VigilError(
      'INVALID_KEY',
      `${field}: not a usable private key: it must be above zero and below the secp256k1 group order.`,
      { field },
    );
  }
  return `0x${digits.toLowerCase()}`;
}
