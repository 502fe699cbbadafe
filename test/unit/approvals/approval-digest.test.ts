// The digest a person approves and the one-time challenge that carries it: every field of what is
// signed changes the digest, and a challenge is good once, for its own subject, while fresh.
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../../src-main/ipc/contract.ts';
import {
  createChallengeBook,
  digestOfChallenge,
} from '../../../src-main/core/approvals/challenge-book.ts';
import { signingDigest, subjectDigest } from '../../../src-main/core/approvals/digest.ts';
import { approvalDialogOptions, approvedByDialog } from '../../../src-main/ipc/approval-dialog.ts';

const tx = {
  id: 7,
  chainId: 31337,
  from: '0x00000000000000000000000000000000000000aa',
  to: '0x00000000000000000000000000000000000000bb',
  value: '1000',
  data: '0x',
} as const;

const shown: Simulation = {
  id: 'sim-1',
  at: 1,
  blockNumber: 10,
  success: true,
  revertReason: null,
  revertData: null,
  returnData: '0x',
  gasEstimate: '21000',
  baseFeePerGas: '1',
  nonce: 4,
  gasLimit: '25000',
  fees: { type: 'eip1559', maxFeePerGas: '3', maxPriorityFeePerGas: '1' },
  maxTotalCost: '76000',
  balance: '10',
};

describe('signing digest', () => {
  const base = signingDigest(tx, shown, false);
  it('is stable, and changes with every field of what is signed', () => {
    expect(signingDigest({ ...tx }, { ...shown }, false)).toBe(base);
    // Letter case of addresses and data does not change what is signed.
    expect(
      signingDigest({ ...tx, to: tx.to.toUpperCase().replace('0X', '0x') }, shown, false),
    ).toBe(base);
    const variants = [
      signingDigest({ ...tx, id: 8 }, shown, false),
      signingDigest({ ...tx, chainId: 1 }, shown, false),
      signingDigest({ ...tx, from: tx.to }, shown, false),
      signingDigest({ ...tx, to: tx.from }, shown, false),
      signingDigest({ ...tx, value: '1001' }, shown, false),
      signingDigest({ ...tx, data: '0x01' }, shown, false),
      signingDigest(tx, { ...shown, nonce: 5 }, false),
      signingDigest(tx, { ...shown, gasLimit: '25001' }, false),
      signingDigest(tx, { ...shown, fees: { ...shown.fees, maxFeePerGas: '4' } as never }, false),
      signingDigest(tx, { ...shown, id: 'sim-2' }, false),
      signingDigest(tx, shown, true),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
  it('differs by action for the same subject', () => {
    expect(subjectDigest('signers.remove', { a: 1 })).not.toBe(
      subjectDigest('signers.import', { a: 1 }),
    );
  });
});

describe('challenge book', () => {
  const digest = subjectDigest('x', 1);
  const other = subjectDigest('x', 2);
  it('carries the digest and is spent once', () => {
    const book = createChallengeBook();
    const challenge = book.issue(digest);
    expect(digestOfChallenge(challenge)).toBe(digest);
    expect(book.issue(digest)).not.toBe(challenge);
    expect(() => book.check(challenge, other)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_MISMATCH' }),
    );
    book.check(challenge, digest);
    book.spend(challenge);
    expect(() => book.check(challenge, digest)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_REPLAYED' }),
    );
    expect(() => book.spend(challenge)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_REPLAYED' }),
    );
  });
  it('refuses a challenge it never issued or that expired', () => {
    let now = 0;
    const book = createChallengeBook({ ttlMs: 1000, now: () => now });
    const forged = Buffer.concat([Buffer.from(digest.slice(2), 'hex'), Buffer.alloc(16)]).toString(
      'base64url',
    );
    expect(() => book.check(forged, digest)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_INVALID' }),
    );
    const challenge = book.issue(digest);
    now = 1001;
    expect(() => book.check(challenge, digest)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_INVALID' }),
    );
  });
});

describe('desktop approval dialog', () => {
  it('shows main’s summary with Cancel as the default, and approves only with its named button', () => {
    const options = approvalDialogOptions({
      action: 'txs.approve',
      digest: subjectDigest('x', 1),
      summary: ['Sign transaction 7 on chain 1', 'To 0xbb'],
    });
    expect(options).toMatchObject({
      message: 'Sign transaction 7 on chain 1',
      buttons: ['Cancel', 'Sign'],
      defaultId: 0,
      cancelId: 0,
    });
    expect(options.detail).toContain('To 0xbb');
    expect(approvedByDialog(0)).toBe(false);
    expect(approvedByDialog(1)).toBe(true);
  });
});
