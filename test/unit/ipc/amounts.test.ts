// How amounts read: exact string arithmetic at the sizes uint256 and int256 reach.
import { describe, expect, it } from 'vitest';
import {
  formatNativeAmount,
  formatTokenAmount,
  formatTokenAmountExact,
  formatUnitsExact,
  isAmountArgument,
} from '../../../src-main/ipc/amounts.ts';

const DEMO = { decimals: 18, symbol: 'DEMO' };
const USDX = { decimals: 6, symbol: 'USDX' };
const MAX_UINT256 = (2n ** 256n - 1n).toString();
const MIN_INT256 = (-(2n ** 255n)).toString();

describe('formatUnitsExact', () => {
  it('keeps every digit, grouped, trailing zeros dropped', () => {
    expect(formatUnitsExact('175190000000000000000', 18)).toBe('175.19');
    expect(formatUnitsExact('1', 18)).toBe('0.000000000000000001');
    expect(formatUnitsExact('0', 18)).toBe('0');
    expect(formatUnitsExact('1234567000000', 6)).toBe('1,234,567');
    expect(formatUnitsExact('000120', 2)).toBe('1.2');
  });

  it('is exact at the ends of uint256 and int256', () => {
    expect(formatUnitsExact(MAX_UINT256, 18)).toBe(
      '115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935',
    );
    expect(formatUnitsExact(MIN_INT256, 18)).toBe(
      '-57,896,044,618,658,097,711,785,492,504,343,953,926,634,992,332,820,282,019,728.792003956564819968',
    );
  });

  it('rounds toward zero for reading and marks it', () => {
    expect(formatUnitsExact('175190000000000000000', 18, 4)).toBe('175.19');
    expect(formatUnitsExact('1999999999999999999', 18, 4)).toBe('≈1.9999');
    expect(formatUnitsExact('-1999999999999999999', 18, 4)).toBe('≈-1.9999');
    // Smaller than what is shown: never a bare zero, and a negative keeps its sign.
    expect(formatUnitsExact('1', 18, 4)).toBe('≈0');
    expect(formatUnitsExact('-1', 18, 4)).toBe('≈-0');
    expect(formatUnitsExact('-0', 18, 4)).toBe('0');
  });

  it('leaves what is not an integer as it is', () => {
    expect(formatUnitsExact('0x10', 18)).toBe('0x10');
    expect(formatUnitsExact('1.5', 18)).toBe('1.5');
  });
});

describe('formatTokenAmount', () => {
  it('reads with the symbol, and the exact form keeps every digit', () => {
    expect(formatTokenAmount('175190000000000000000', DEMO)).toBe('175.19 DEMO');
    expect(formatTokenAmount('2500000', USDX)).toBe('2.5 USDX');
    expect(formatTokenAmountExact('123456789012345678901', DEMO)).toBe(
      '123.456789012345678901 DEMO',
    );
    expect(formatTokenAmount('123456789012345678901', DEMO)).toBe('≈123.4567 DEMO');
  });

  it('shows a contract without a token display as a grouped integer', () => {
    expect(formatTokenAmount('175190000000000000000', null)).toBe('175,190,000,000,000,000,000');
    expect(formatTokenAmount('-42000', undefined)).toBe('-42,000');
  });

  it('shows decimals without a symbol when only decimals are known', () => {
    expect(formatTokenAmount('1500', { decimals: 3, symbol: null })).toBe('1.5');
  });
});

describe('isAmountArgument', () => {
  it('takes integers named as amounts, not counts, ids or other types', () => {
    for (const [name, type] of [
      ['value', 'uint256'],
      ['amount', 'uint256'],
      ['_value', 'uint256'],
      ['wad', 'uint256'],
      ['assets', 'uint256'],
      ['minAmount', 'uint128'],
      ['deltaAmount', 'int256'],
    ] as [string, string][])
      expect(isAmountArgument(name, type), `${name} ${type}`).toBe(true);
    for (const [name, type] of [
      ['shares', 'uint256'],
      ['tokenId', 'uint256'],
      ['nonce', 'uint256'],
      ['value', 'address'],
      ['value', 'bytes32'],
      ['amounts', 'uint256[]'],
      ['Value', 'uint256'],
    ] as [string, string][])
      expect(isAmountArgument(name, type), `${name} ${type}`).toBe(false);
  });
});

describe('native amounts', () => {
  it('read in the chain currency, or as exact wei when it is not known', () => {
    const pol = { decimals: 18, symbol: 'POL' };
    expect(formatNativeAmount('1500000000000000000', pol)).toBe('1.5 POL');
    expect(formatNativeAmount('123456789012345678901', pol)).toBe('≈123.4567 POL');
    expect(formatNativeAmount('1000', pol)).toBe('≈0 POL');
    expect(formatNativeAmount('1500000000000000000', undefined)).toBe(
      '1,500,000,000,000,000,000 wei',
    );
  });
});
