// The leak search itself: a search that cannot find a key proves nothing, so each form it claims
// to cover is planted inside a longer blob and must be found, and a near miss must not be.
import { describe, expect, it } from 'vitest';
import type { Hex } from 'viem';
import { keyForms, placesHolding } from '../../helpers/key-leaks.ts';

const key: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const raw = Buffer.from(key.slice(2), 'hex');

describe('the key leak search', () => {
  const plantings: [string, Buffer | string][] = [
    ['hex', `log line: key=${key.slice(2)} done`],
    ['upper-case hex', `{"k":"0X${key.slice(2).toUpperCase()}"}`],
    ['0x-hex', JSON.stringify({ privateKey: key })],
    ['raw bytes', Buffer.concat([Buffer.from('SQLite format 3\0'), raw, Buffer.alloc(7)])],
    ...[0, 1, 2].map((shift): [string, string] => [
      `base64 after ${shift} bytes`,
      `blob:${Buffer.concat([Buffer.alloc(shift, 7), raw, Buffer.from('tail')]).toString('base64')}`,
    ]),
    ...[0, 1, 2].map((shift): [string, string] => [
      `base64url after ${shift} bytes`,
      Buffer.concat([Buffer.alloc(shift, 250), raw]).toString('base64url'),
    ]),
  ];

  it.each(plantings)('finds a key written as %s', (_label, text) => {
    expect(placesHolding(key, [{ where: 'here', text }])).not.toEqual([]);
  });

  it('finds nothing where the key is not, even with one digit in the middle changed', () => {
    const other = `${key.slice(0, 30)}${key[30] === 'a' ? 'b' : 'a'}${key.slice(31)}`;
    const haystacks = [
      { where: 'text', text: `${other} ${Buffer.from(other.slice(2), 'hex').toString('base64')}` },
      { where: 'bytes', text: Buffer.from(other.slice(2), 'hex') },
    ];
    expect(placesHolding(key, haystacks)).toEqual([]);
    expect(keyForms(key).length).toBe(9);
  });
});
