// Fee caps: what is asked of the chain now, and the least raise a replacement needs (geth refuses
// a same-nonce replacement unless both caps rise by 10%), worked out by hand below.
import { describe, expect, it } from 'vitest';
import type { RpcPool } from '../../../src-main/core/chains/index.ts';
import { currentFees, feeCap, replacementFees } from '../../../src-main/core/txqueue/fees.ts';

/** A node that answers the two fee methods, or fails one as an old node would. */
function node(answers: Record<string, string | Error>): RpcPool {
  return {
    request: (method: string) => {
      const answer = answers[method];
      if (answer === undefined) throw new Error(`unexpected ${method}`);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as RpcPool;
}

describe('currentFees', () => {
  it('on an EIP-1559 chain caps at twice the base fee plus the tip the node suggests', async () => {
    // A 2 gwei tip, so the answer cannot be mistaken for the 1 gwei fallback.
    expect(await currentFees(node({ eth_maxPriorityFeePerGas: '0x77359400' }), 7n)).toEqual({
      type: 'eip1559',
      maxFeePerGas: '2000000014',
      maxPriorityFeePerGas: '2000000000',
    });
  });

  it('falls back to a 1 gwei tip on a node without eth_maxPriorityFeePerGas', async () => {
    const old = node({ eth_maxPriorityFeePerGas: new Error('method not found') });
    expect(await currentFees(old, 100n)).toEqual({
      type: 'eip1559',
      maxFeePerGas: '1000000200',
      maxPriorityFeePerGas: '1000000000',
    });
  });

  it('uses the legacy gas price where blocks have no base fee', async () => {
    expect(await currentFees(node({ eth_gasPrice: '0x2540be400' }), null)).toEqual({
      type: 'legacy',
      gasPrice: '10000000000',
    });
  });
});

describe('feeCap', () => {
  it('is maxFeePerGas, or the gas price', () => {
    expect(feeCap({ type: 'eip1559', maxFeePerGas: '30', maxPriorityFeePerGas: '2' })).toBe(30n);
    expect(feeCap({ type: 'legacy', gasPrice: '12' })).toBe(12n);
  });
});

describe('replacementFees', () => {
  it('raises a legacy price by more than 10%, or to the market when that is higher', () => {
    // 100 × 1.1 = 110, rounded up, plus one wei so it is strictly more than 10%.
    expect(
      replacementFees({ type: 'legacy', gasPrice: '100' }, { type: 'legacy', gasPrice: '50' }),
    ).toEqual({
      type: 'legacy',
      gasPrice: '111',
    });
    expect(
      replacementFees({ type: 'legacy', gasPrice: '101' }, { type: 'legacy', gasPrice: '1' }),
    ).toEqual({
      type: 'legacy',
      gasPrice: '113',
    });
    expect(
      replacementFees({ type: 'legacy', gasPrice: '100' }, { type: 'legacy', gasPrice: '500' }),
    ).toEqual({ type: 'legacy', gasPrice: '500' });
    // At exactly the minimum the market price is the answer either way.
    expect(
      replacementFees({ type: 'legacy', gasPrice: '100' }, { type: 'legacy', gasPrice: '111' }),
    ).toEqual({ type: 'legacy', gasPrice: '111' });
  });

  it('raises both EIP-1559 caps, each to at least the market', () => {
    const original = {
      type: 'eip1559',
      maxFeePerGas: '1000',
      maxPriorityFeePerGas: '100',
    } as const;
    expect(
      replacementFees(original, {
        type: 'eip1559',
        maxFeePerGas: '900',
        maxPriorityFeePerGas: '50',
      }),
    ).toEqual({ type: 'eip1559', maxFeePerGas: '1101', maxPriorityFeePerGas: '111' });
    expect(
      replacementFees(original, {
        type: 'eip1559',
        maxFeePerGas: '5000',
        maxPriorityFeePerGas: '300',
      }),
    ).toEqual({ type: 'eip1559', maxFeePerGas: '5000', maxPriorityFeePerGas: '300' });
  });

  it('keeps the fee cap at least the tip, and reads a legacy market as no tip', () => {
    const original = { type: 'eip1559', maxFeePerGas: '100', maxPriorityFeePerGas: '100' } as const;
    expect(
      replacementFees(original, {
        type: 'eip1559',
        maxFeePerGas: '1',
        maxPriorityFeePerGas: '400',
      }),
    ).toEqual({ type: 'eip1559', maxFeePerGas: '400', maxPriorityFeePerGas: '400' });
    expect(replacementFees(original, { type: 'legacy', gasPrice: '150' })).toEqual({
      type: 'eip1559',
      maxFeePerGas: '150',
      maxPriorityFeePerGas: '111',
    });
  });
});
