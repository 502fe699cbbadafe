// A batch of followed blocks: headers as far as they link, logs of their range checked against
// them. What is asked for again by hash, and what makes the batch untrustworthy, is pure logic
// over the node's answers; the real node is in test/integration/watch/follow-batches.test.ts.
import { describe, expect, it } from 'vitest';
import {
  fetchFollowedBlocks,
  MAX_FOLLOWED_BATCH,
  type FetchedRange,
  type RawBlock,
} from '../../../src-main/core/watch/followed-blocks.ts';
import type { RawLog } from '../../../src-main/core/watch/log-rows.ts';

const emptyBloom = `0x${'0'.repeat(512)}`;
/** A filter with every bit set: it may hold any address. */
const fullBloom = `0x${'f'.repeat(512)}`;

function chainOf(count: number, extra: Partial<RawBlock> = {}): RawBlock[] {
  return Array.from({ length: count }, (_, index) => ({
    number: `0x${(10 + index).toString(16)}`,
    hash: `0xb${10 + index}`,
    parentHash: `0xb${9 + index}`,
    timestamp: '0x1',
    ...extra,
  }));
}

function node(blocks: RawBlock[], answer: (filter: Record<string, unknown>) => FetchedRange) {
  const asked: Record<string, unknown>[] = [];
  const headersAsked: number[] = [];
  return {
    asked,
    headersAsked,
    deps: {
      fetchBlock: (number: number) => {
        headersAsked.push(number);
        const block = blocks.find((candidate) => Number.parseInt(candidate.number, 16) === number);
        return block ? Promise.resolve(block) : Promise.reject(new Error('not yet'));
      },
      fetchRange: (filter: Record<string, unknown>) => {
        asked.push(filter);
        return Promise.resolve(answer(filter));
      },
    },
  };
}

const logOf = (block: RawBlock, hash = block.hash): RawLog => ({
  address: '0xa',
  topics: [],
  data: '0x',
  blockNumber: block.number,
  blockHash: hash,
  transactionHash: '0xt',
  transactionIndex: '0x0',
  logIndex: '0x0',
});

describe('a batch of followed blocks', () => {
  it('gives up the batch when a log names another hash for its block', async () => {
    const blocks = chainOf(3, { logsBloom: fullBloom });
    const { deps } = node(blocks, () => ({
      logs: [logOf(blocks[0]!), logOf(blocks[1]!, '0xother')],
      milliseconds: 1,
    }));
    const { result } = fetchFollowedBlocks(deps, ['0xa'], 10, 12);
    expect(await result).toMatchObject({ moved: expect.stringContaining('block 11') });
  });

  it('asks again by hash for a block without logs where the header cannot vouch for it, and only there', async () => {
    // 10: logs came back. 11: its filter excludes the address. 12: no transactions.
    // 13: an empty filter with transactions (a chain that leaves filters empty).
    const blocks = chainOf(4, { transactions: ['0xt'] });
    blocks[0]!.logsBloom = fullBloom;
    blocks[1]!.logsBloom = emptyBloom.replace(/0$/, '1'); // one bit set, not the address's
    blocks[2]!.transactions = [];
    blocks[3]!.logsBloom = emptyBloom;
    const { deps, asked } = node(blocks, (filter) =>
      filter.blockHash
        ? { logs: [], milliseconds: 1 }
        : { logs: [logOf(blocks[0]!)], milliseconds: 1 },
    );
    const { result } = fetchFollowedBlocks(
      deps,
      ['0x00000000000000000000000000000000000000aa'],
      10,
      13,
    );
    expect(await result).toMatchObject({ logs: [logOf(blocks[0]!)] });
    expect(asked.slice(1)).toEqual([
      { address: ['0x00000000000000000000000000000000000000aa'], blockHash: blocks[3]!.hash },
    ]);
  });

  it('asks again for every block without logs on a chain whose filters leave logs out', async () => {
    const blocks = chainOf(3, { transactions: ['0xt'], logsBloom: emptyBloom.replace(/0$/, '1') });
    const { deps, asked } = node(blocks, () => ({ logs: [], milliseconds: 1 }));
    const { result } = fetchFollowedBlocks(
      { ...deps, trustHeaderBloom: false },
      ['0x00000000000000000000000000000000000000aa'],
      10,
      12,
    );
    await result;
    expect(asked.slice(1).map((filter) => filter.blockHash)).toEqual(blocks.map((b) => b.hash));
  });

  it('answers an error, never a rejection, for an answer it cannot read', async () => {
    const blocks = chainOf(2, { logsBloom: fullBloom });
    const { deps } = node(blocks, () => ({ logs: null as never, milliseconds: 1 }));
    const { result } = fetchFollowedBlocks(deps, ['0xa'], 10, 11);
    expect(await result).toMatchObject({ error: expect.any(TypeError) });
  });

  it('asks for the logs of several blocks with their headers, not once they are back', async () => {
    const blocks = chainOf(3, { logsBloom: fullBloom });
    const held: (() => void)[] = [];
    const asked: Record<string, unknown>[] = [];
    const { result } = fetchFollowedBlocks(
      {
        // Headers come back only when the test lets them.
        fetchBlock: (number) =>
          new Promise<RawBlock>((resolve) => held.push(() => resolve(blocks[number - 10]!))),
        fetchRange: (filter) => {
          asked.push(filter);
          return Promise.resolve({ logs: blocks.map((block) => logOf(block)), milliseconds: 1 });
        },
      },
      ['0xa'],
      10,
      12,
    );
    expect(asked).toEqual([{ address: ['0xa'], fromBlock: '0xa', toBlock: '0xc' }]);
    for (const release of held) release();
    expect(await result).toMatchObject({ logs: blocks.map((block) => logOf(block)) });
    expect(asked).toHaveLength(1);
  });

  it('leaves out the logs of blocks past the last header that links', async () => {
    // Block 12 is of another branch: the batch is 10 and 11, and a log of 12 is not its own.
    const blocks = chainOf(3, { logsBloom: fullBloom });
    const other12 = { ...blocks[2]!, hash: '0xc12', parentHash: '0xc11' };
    const { deps } = node([blocks[0]!, blocks[1]!, other12], () => ({
      logs: [logOf(blocks[0]!), logOf(blocks[1]!), logOf(other12)],
      milliseconds: 1,
    }));
    const batch = fetchFollowedBlocks(deps, ['0xa'], 10, 12);
    // Its logs were asked for through 12: a refused answer is one of three blocks.
    expect(batch.logsThrough).toBe(12);
    expect(await batch.blocks).toEqual([blocks[0], blocks[1]]);
    expect(await batch.result).toEqual({
      logs: [logOf(blocks[0]!), logOf(blocks[1]!)],
      milliseconds: 1,
    });
  });

  it(`asks for at most ${MAX_FOLLOWED_BATCH} headers at once`, async () => {
    const blocks = chainOf(40, { logsBloom: fullBloom });
    const { deps, headersAsked } = node(blocks, () => ({ logs: [], milliseconds: 1 }));
    const { blocks: linked, logsThrough } = fetchFollowedBlocks(deps, ['0xa'], 10, 49);
    expect(await linked).toHaveLength(MAX_FOLLOWED_BATCH);
    expect(logsThrough).toBe(10 + MAX_FOLLOWED_BATCH - 1);
    expect(headersAsked).toHaveLength(MAX_FOLLOWED_BATCH);
  });
});
