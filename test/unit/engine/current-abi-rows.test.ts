// Stored rows read with the contract's ABI as it is now: decoded again only where the current ABI
// gives their topic0 another signature than the one they were stored with.
import { encodeAbiParameters, parseAbi, toEventSelector, type Abi } from 'viem';
import { describe, expect, it } from 'vitest';
import { createCurrentAbiRows } from '../../../src-main/core/engine/current-abi-rows.ts';
import type { EventRow } from '../../../src-main/ipc/contract.ts';

const oldAbi = parseAbi(['event Moved(uint256 amount)']);
const newAbi = parseAbi(['event Moved(uint256 distance)', 'event Doubled(uint256 value)']);

function rowOf(
  signature: string,
  value: bigint,
  stored: Pick<EventRow, 'eventName' | 'signature' | 'args'>,
): EventRow {
  return {
    chainId: 1,
    blockNumber: 10,
    blockHash: `0x${'11'.repeat(32)}`,
    blockTimestamp: null,
    logIndex: 0,
    transactionHash: `0x${'22'.repeat(32)}`,
    transactionIndex: 0,
    address: `0x${'33'.repeat(20)}`,
    contractId: 'c1',
    topics: [toEventSelector(signature)],
    data: encodeAbiParameters([{ type: 'uint256' }], [value]),
    status: 'confirmed',
    ...stored,
  };
}

const readWith = (abi: Abi) =>
  createCurrentAbiRows({
    findContract: (id) => (id === 'c1' ? ({ id, abi } as never) : undefined),
  });

describe('rows read with the current ABI', () => {
  const undecoded = rowOf('Doubled(uint256)', 4n, { eventName: null, signature: null, args: null });
  const storedMoved = rowOf('Moved(uint256)', 7n, {
    eventName: 'Moved',
    signature: 'Moved(uint256)',
    args: { amount: '7' },
  });

  it('decodes a row stored undecoded once the ABI has its event', () => {
    const [row] = readWith(newAbi)([undecoded]);
    expect(row).toMatchObject({
      eventName: 'Doubled',
      signature: 'Doubled(uint256)',
      args: { value: '4' },
    });
  });

  it('keeps a row whose signature the current ABI gives its topic0, names and all', () => {
    // Decoding it again would rename its argument; the stored decoding stands (and is not redone).
    const [row] = readWith(newAbi)([storedMoved]);
    expect(row).toBe(storedMoved);
  });

  it('keeps a row the current ABI has no event for', () => {
    const [row] = readWith(oldAbi)([undecoded]);
    expect(row).toBe(undecoded);
  });

  it('decodes a row stored under another signature for the same topic0', () => {
    // A row whose stored signature no longer matches (written by an older release's decoder).
    const stale = { ...storedMoved, signature: 'Moved(uint128)' };
    const [row] = readWith(newAbi)([stale]);
    expect(row).toMatchObject({ signature: 'Moved(uint256)', args: { distance: '7' } });
  });

  it('leaves rows of a contract it does not know as they are', () => {
    const other = { ...undecoded, contractId: 'gone' };
    expect(readWith(newAbi)([other])[0]).toBe(other);
  });
});
