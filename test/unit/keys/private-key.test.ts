// What counts as a private key before anything touches the keychain, and errors that describe
// the input's shape without repeating it.
import { describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../../src-main/core/keys/private-key.ts';

const KEY = '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
// secp256k1's group order n: keys must be in [1, n-1].
const ORDER = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';

function refusal(input: string, field?: string): { message: string; code: string; field?: string } {
  try {
    parsePrivateKey(input, field);
  } catch (error) {
    return error as { message: string; code: string; field?: string };
  }
  throw new Error(`${input} was accepted`);
}

describe('parsePrivateKey', () => {
  it('accepts 64 hex digits with or without 0x, in either case, trimmed, as lower-case 0x-hex', () => {
    for (const input of [KEY, `0x${KEY}`, `0X${KEY.toUpperCase()}`, `  0x${KEY}\n`])
      expect(parsePrivateKey(input)).toBe(`0x${KEY}`);
  });

  it('accepts the smallest and largest usable keys', () => {
    expect(parsePrivateKey(`0x${'0'.repeat(63)}1`)).toBe(`0x${'0'.repeat(63)}1`);
    const largest = (BigInt(`0x${ORDER}`) - 1n).toString(16);
    expect(parsePrivateKey(largest)).toBe(`0x${largest}`);
  });

  it.each([
    ['zero', '0'.repeat(64), /above zero and below the secp256k1 group order/],
    ['the group order', ORDER, /above zero and below the secp256k1 group order/],
    ['above the group order', 'f'.repeat(64), /below the secp256k1 group order/],
    ['63 digits', KEY.slice(1), /64 hexadecimal digits \(32 bytes\), and this one has 63\./],
    ['65 digits', `${KEY}0`, /this one has 65\./],
    ['a non-hex character', `${KEY.slice(0, 63)}g`, /characters that are not hex digits/],
    ['a mnemonic', 'correct horse battery staple', /mnemonic or a keystore file/],
    ['nothing', '', /this one has 0\./],
  ])('refuses %s without repeating it', (_case, input, message) => {
    const error = refusal(input);
    expect(error).toMatchObject({ code: 'INVALID_KEY', field: 'privateKey' });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^privateKey: not a (usable )?private key/);
    if (input.length > 8) expect(error.message).not.toContain(input.slice(0, 8));
  });

  it('names the field it was given', () => {
    expect(refusal('xyz', 'signers[2].key')).toMatchObject({ field: 'signers[2].key' });
    expect(refusal('xyz', 'signers[2].key').message).toMatch(/^signers\[2\]\.key: /);
  });
});
