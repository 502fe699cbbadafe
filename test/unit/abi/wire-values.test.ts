// The wire form of decoded values, as the README promises it to every client: integers of any
// width as decimal strings (never numbers, never hex), addresses checksummed, bytes lowercase
// 0x-hex. Known answers from a literal log a node could return, not from viem's encoder.
import { parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { createLogDecoder } from '../../../src-main/core/abi/index.ts';
import { wireArgs } from '../../../src-main/core/abi/wire-values.ts';

// keccak256("Transfer(address,address,uint256)"), as on etherscan.
const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const word = (hex: string): `0x${string}` => `0x${hex.padStart(64, '0')}`;

describe('wire encoding of decoded values', () => {
  it('a literal Transfer log: uint256 max as its decimal digits, addresses checksummed', () => {
    const decode = createLogDecoder(
      parseAbi(['event Transfer(address indexed from, address indexed to, uint256 value)']),
    );
    const decoded = decode({
      topics: [
        TRANSFER_TOPIC,
        word('d8da6bf26964af9d7eed9e03e53415d37aa96045'),
        word('5fbdb2315678afecb367f032d93f642f64180aa3'),
      ],
      data: `0x${'f'.repeat(64)}`,
    });
    expect(decoded?.args).toEqual({
      from: '0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045',
      to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      value: '115792089237316195423570985008687907853269984665640564039457584007913129639935',
    });
  });

  it('signed, small, array, tuple and bytes values', () => {
    const params = [
      { name: 'delta', type: 'int256' },
      { name: 'small', type: 'uint8' },
      { name: 'list', type: 'uint64[]' },
      {
        name: 'pair',
        type: 'tuple',
        components: [
          { name: 'owner', type: 'address' },
          { name: '', type: 'int8' },
        ],
      },
      { name: '', type: 'bytes32' },
      { name: 'ok', type: 'bool' },
      { name: 'label', type: 'string' },
    ] as const;
    const args = wireArgs(params, [
      -(2n ** 255n),
      7,
      [0n, 18446744073709551615n],
      ['0xD8DA6BF26964AF9D7EED9E03E53415D37AA96045', -128n],
      `0x${'AB'.repeat(32)}`,
      true,
      'Ünï',
    ]);
    expect(args).toEqual({
      delta: '-57896044618658097711785492504343953926634992332820282019728792003956564819968',
      small: '7',
      list: ['0', '18446744073709551615'],
      pair: { owner: '0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045', arg1: '-128' },
      arg4: `0x${'ab'.repeat(32)}`,
      ok: true,
      label: 'Ünï',
    });
  });
});
