import { describe, expect, it } from 'vitest';
import { concat, encodeFunctionData, numberToHex, pad, type Hex } from 'viem';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import {
  decodeMultiSend,
  encodeMultiSend,
  MULTISEND_ABI,
  type MultiSendCall,
} from '../../../src-main/core/safes/index.ts';

const calls: MultiSendCall[] = [
  { to: '0x1111111111111111111111111111111111111111', value: 0n, data: '0xa9059cbb' },
  { to: '0x2222222222222222222222222222222222222222', value: 10n ** 18n, data: '0x' },
  { to: '0x3333333333333333333333333333333333333333', value: 2n ** 255n, data: '0xdeadbeef00' },
];

function packed(bytes: Hex): Hex {
  return encodeFunctionData({ abi: MULTISEND_ABI, functionName: 'multiSend', args: [bytes] });
}

function header(operation: number, to: Hex, value: bigint, length: bigint): Hex {
  return concat([
    numberToHex(operation, { size: 1 }),
    to,
    numberToHex(value, { size: 32 }),
    numberToHex(length, { size: 32 }),
  ]);
}

function refusal(data: Hex): VigilError {
  try {
    decodeMultiSend(data);
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    return error as VigilError;
  }
  throw new Error('decodeMultiSend accepted malformed data');
}

describe('encodeMultiSend / decodeMultiSend', () => {
  it('packs each call as operation 0, to, value, length, data behind multiSend(bytes)', () => {
    const data = encodeMultiSend(calls.slice(0, 1));
    expect(data.slice(0, 10)).toBe('0x8d80ff0a');
    expect(data).toBe(
      packed(concat([header(0, calls[0]!.to, 0n, 4n), '0xa9059cbb'])).toLowerCase(),
    );
  });

  it('decodes what it encodes, checksummed, empty data as 0x', () => {
    expect(decodeMultiSend(encodeMultiSend(calls))).toEqual(calls);
  });

  it('refuses an empty batch on both sides', () => {
    expect(() => encodeMultiSend([])).toThrow(/at least one call/);
    expect(refusal(packed('0x')).message).toMatch(/holds no calls/);
  });

  it('refuses calldata that is not multiSend(bytes)', () => {
    expect(refusal('0xa9059cbb').message).toMatch(/not a multiSend\(bytes\) call/);
  });

  it('refuses an inner DELEGATECALL, naming the call', () => {
    const good = concat([header(0, calls[0]!.to, 0n, 0n)]);
    const bad = header(1, calls[1]!.to, 0n, 0n);
    const error = refusal(packed(concat([good, bad])));
    expect(error.message).toMatch(/call 1 has operation 1/);
    expect(error.details).toMatchObject({ index: 1 });
  });

  it('refuses a call whose data length runs past the end', () => {
    const error = refusal(packed(concat([header(0, calls[0]!.to, 0n, 10n), '0xdeadbeef'])));
    expect(error.message).toMatch(/call 0 says its data is 10 bytes but only 4 follow/);
  });

  it('refuses a trailing header cut short', () => {
    const whole = header(0, calls[0]!.to, 0n, 0n);
    const error = refusal(packed(concat([whole, pad('0x00', { size: 30 })])));
    expect(error.message).toMatch(/call 1 is cut short \(30 bytes left/);
  });
});
