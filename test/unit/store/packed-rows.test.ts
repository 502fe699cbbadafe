// Packed rows carry every value as it was put: text of any kind, numbers, null, in order, however
// far past the room first made for them; a text like the row before's in its column is packed
// once; a value compared with the row before's is compared by where its bytes are, or by them,
// without decoding it.
import { describe, expect, it } from 'vitest';
import {
  createRowPacker,
  packRows,
  sameAsRowBefore,
  unpackRows,
  valueAt,
  type PackedValue,
} from '../../../src-main/core/store/packed-rows.ts';

const rows: PackedValue[][] = [
  ['plain', 1, null],
  ['Grüße ✓ 🦊', -2.5, ''],
  ['Grüße ✓ 🦊', 2 ** 53 - 1, 'nul\u0000inside'],
  ['Grüße ✓ 🦋', 2 ** 53 - 1, null],
  ['x'.repeat(5_000), 0, 'x'],
];

describe('packed rows', () => {
  it('give back every value as it was put, in order', () => {
    const packed = packRows(rows, 3);
    expect(packed.rows).toBe(5);
    expect(unpackRows(packed)).toEqual(rows);
    expect(valueAt(packed, 1, 0)).toBe('Grüße ✓ 🦊');
    expect(valueAt(packed, 3, 2)).toBeNull();
  });

  it('encode each value on its own, whatever its neighbours', () => {
    // Halves of one emoji in two values: together they would encode as the emoji, each alone is
    // an unpaired surrogate (U+FFFD), as TextEncoder encodes a value alone.
    const packed = packRows(
      [
        ['\ud83e', 1, '\udd8a'],
        ['ascii', 2, '✓ after'],
      ],
      3,
    );
    expect(unpackRows(packed)).toEqual([
      ['\ufffd', 1, '\ufffd'],
      ['ascii', 2, '✓ after'],
    ]);
    expect(packed.bytes.length).toBe(3 + 3 + 5 + 9);
  });

  it('grow past the room first made for them', () => {
    const packer = createRowPacker(3, 1);
    for (let copy = 0; copy < 200; copy++) for (const row of rows) packer.putRow(row);
    const packed = packer.finish();
    expect(packed.rows).toBe(1_000);
    expect(unpackRows(packed)).toEqual(Array.from({ length: 200 }, () => rows).flat());
  });

  it('tell a value like the row before from one that differs', () => {
    const packed = packRows(rows, 3);
    expect(sameAsRowBefore(packed, 0, 0)).toBe(false);
    expect(sameAsRowBefore(packed, 2, 0)).toBe(true); // same text, packed once
    expect(sameAsRowBefore(packed, 3, 0)).toBe(false); // same length, one byte apart
    expect(sameAsRowBefore(packed, 3, 1)).toBe(true); // same number
    expect(sameAsRowBefore(packed, 1, 1)).toBe(false);
    expect(sameAsRowBefore(packed, 1, 2)).toBe(false); // '' after null
    expect(sameAsRowBefore(packed, 4, 2)).toBe(false); // 'x' after null
  });

  it("pack a text like the row before's in the same column once, and every other text again", () => {
    const hash = `0x${'ab'.repeat(32)}`;
    const sameHash = `0x${'ab'.repeat(32)}`; // equal text, made again
    const values: PackedValue[][] = [
      [hash, 'Grüße', 1],
      [sameHash, 'Grüße', 2], // both as the row before: no bytes
      [hash, null, 3], // the hash again: no bytes; null
      ['other', 'Grüße', 4], // after null, the text is packed again
      [hash, 'Grüße', 5], // the hash after another text: packed again
      ['Grüße', hash, 6], // each column is compared with its own
      ['Grüße', 'Grüße ✓', 7], // a text like the row before's beside a new one, not ASCII
    ];
    const packed = packRows(values, 3);
    expect(unpackRows(packed)).toEqual(values);
    const utf8 = (text: string): number => Buffer.byteLength(text);
    expect(packed.bytes.length).toBe(
      66 +
        utf8('Grüße') +
        utf8('other') +
        utf8('Grüße') +
        66 +
        utf8('Grüße') +
        66 +
        utf8('Grüße ✓'),
    );
    expect([1, 2, 3, 4, 5, 6].map((row) => sameAsRowBefore(packed, row, 0))).toEqual([
      true,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect([1, 2, 3, 4, 5].map((row) => sameAsRowBefore(packed, row, 1))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('refuse what they cannot carry and a row of the wrong length', () => {
    expect(() => createRowPacker(2, 1).putRow(['a', true as never])).toThrow(/not a boolean/);
    expect(() => packRows([['a', 1, null]], 2)).toThrow(/has 3 values, not 2/);
    const packer = createRowPacker(2, 2);
    expect(() => packer.putRow(['a'])).toThrow(/has 1 values, not 2/);
    expect(() => packer.putRow(['a', true as never])).toThrow(/not a boolean/);
    // A refused row leaves nothing behind.
    packer.putRow(['b', 2]);
    expect(unpackRows(packer.finish())).toEqual([['b', 2]]);
  });
});
