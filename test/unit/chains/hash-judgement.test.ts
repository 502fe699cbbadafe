// Who is wrong when providers answer different hashes for one block.
import { describe, expect, it } from 'vitest';
import { judgeBySelfCheck, judgeHashes } from '../../../src-main/core/chains/hash-judgement.ts';
import { behindThreshold } from '../../../src-main/core/chains/provider-monitor.ts';

const A = '0xaaaa';
const B = '0xbbbb';

describe('judgeHashes', () => {
  it('finds agreement when every answer is the same, ignoring providers without the block', () => {
    expect(
      judgeHashes(
        [
          { url: 'a', hash: A },
          { url: 'b', hash: A },
          { url: 'c', hash: null },
        ],
        B,
      ),
    ).toEqual({ agreed: true });
  });

  it('names the minority when a strict majority agrees, even against the store', () => {
    expect(
      judgeHashes(
        [
          { url: 'a', hash: A },
          { url: 'b', hash: B },
          { url: 'c', hash: A },
        ],
        B,
      ),
    ).toEqual({ agreed: false, suspects: ['b'], expectedHash: A, decidedBy: 'majority' });
  });

  it('breaks a tie between two providers with the store’s hash', () => {
    expect(
      judgeHashes(
        [
          { url: 'a', hash: A },
          { url: 'b', hash: B },
        ],
        B,
      ),
    ).toEqual({ agreed: false, suspects: ['a'], expectedHash: B, decidedBy: 'store' });
  });

  it('stays undecided on a tie the store cannot break', () => {
    expect(
      judgeHashes(
        [
          { url: 'a', hash: A },
          { url: 'b', hash: B },
        ],
        undefined,
      ),
    ).toEqual({ agreed: false, suspects: [], expectedHash: null, decidedBy: 'undecided' });
    expect(
      judgeHashes(
        [
          { url: 'a', hash: A },
          { url: 'b', hash: B },
        ],
        '0xcccc',
      ),
    ).toMatchObject({ decidedBy: 'undecided' });
  });
});

describe('judgeBySelfCheck', () => {
  const answers = [
    { url: 'a', hash: A },
    { url: 'b', hash: B },
  ];

  it('names the provider that cannot find its own block by hash', () => {
    expect(
      judgeBySelfCheck(
        answers,
        new Map([
          ['a', false],
          ['b', true],
        ]),
      ),
    ).toEqual({ agreed: false, suspects: ['a'], expectedHash: B, decidedBy: 'self-check' });
  });

  it('stays undecided when both (or neither) find their own block', () => {
    expect(
      judgeBySelfCheck(
        answers,
        new Map([
          ['a', true],
          ['b', true],
        ]),
      ),
    ).toMatchObject({ decidedBy: 'undecided', suspects: [] });
    expect(
      judgeBySelfCheck(
        answers,
        new Map([
          ['a', false],
          ['b', false],
        ]),
      ),
    ).toMatchObject({ decidedBy: 'undecided', suspects: [] });
  });
});

describe('behindThreshold', () => {
  it('is 32 blocks, or the confirmation depth when that is deeper', () => {
    expect(behindThreshold(2)).toBe(32);
    expect(behindThreshold(65)).toBe(65);
  });
});
