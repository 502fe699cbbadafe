import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getAddress, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { VigilError } from '../../../src-main/core/errors/index.ts';
import {
  buildSignedProposalFile,
  checkSignedProposalFile,
  readSignedProposalFile,
  safeTransactionHash,
  SIGNED_PROPOSAL_MAX_BYTES,
  type SafeSignature,
  type SafeTransaction,
  type SignedProposalFile,
} from '../../../src-main/core/safes/index.ts';
import { plainSafeTransaction } from '../../helpers/safe-contracts.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { vigilErrorOf } from '../../helpers/vigil-error.ts';

const keys = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const;
const accounts = keys.map((key) => privateKeyToAccount(key));
const owners = accounts.slice(0, 3).map((account) => account.address);
const chainId = 31337;
const safe: Address = getAddress('0x5afe5afe5afe5afe5afe5afe5afe5afe5afe5afe');
const transaction = plainSafeTransaction({
  to: getAddress('0x1111111111111111111111111111111111111111'),
  value: 12n * 10n ** 17n,
  data: '0xa9059cbb',
  nonce: 4n,
});
const options = { chainId, safe, owners, threshold: 2 };

async function signedBy(
  indexes: number[],
  over: SafeTransaction = transaction,
  onSafe: Address = safe,
): Promise<SafeSignature[]> {
  const hash = safeTransactionHash({ chainId, safe: onSafe, transaction: over });
  return Promise.all(
    indexes.map(async (index) => ({
      owner: accounts[index]!.address,
      kind: 'eip712' as const,
      data: await accounts[index]!.sign({ hash }),
    })),
  );
}

async function file(indexes = [1]): Promise<SignedProposalFile> {
  return buildSignedProposalFile({
    chainId,
    safe,
    transaction,
    threshold: 2,
    signatures: await signedBy(indexes),
  });
}

async function refusal(input: unknown, extra: object = {}): Promise<VigilError> {
  const error = await vigilErrorOf(checkSignedProposalFile(input, { ...options, ...extra }));
  expect(error.code).toBe('SIGNATURE_REFUSED');
  return error;
}

describe('signed-proposal files', () => {
  it('round-trips: the decimal strings, the hash, and each owner’s signature', async () => {
    const built = await file([0, 2]);
    expect(built.transaction.value).toBe('1200000000000000000');
    expect(built.safeTxHash).toBe(safeTransactionHash({ chainId, safe, transaction }));
    const checked = await checkSignedProposalFile(JSON.stringify(built, null, 2), {
      ...options,
      transaction,
      nonce: 4n,
    });
    expect(checked.safeTxHash).toBe(built.safeTxHash);
    expect(checked.transaction).toEqual(transaction);
    expect(checked.signatures.map((signature) => signature.owner)).toEqual([owners[0], owners[2]]);
  });

  it('leaves approved-hash signatures out of an export', async () => {
    const built = buildSignedProposalFile({
      chainId,
      safe,
      transaction,
      threshold: 2,
      signatures: [{ owner: owners[0]!, kind: 'approved-hash', data: '0x01' }],
    });
    expect(built.signatures).toEqual([]);
  });

  it('counts an owner listed twice once', async () => {
    const built = await file([1]);
    built.signatures.push(built.signatures[0]!);
    expect((await checkSignedProposalFile(built, options)).signatures).toHaveLength(1);
  });

  it('refuses text that is not JSON, saying so', async () => {
    const error = await refusal('{"format": "vigil-safe-proposal/1",');
    expect(error.message).toBe('The signed-proposal file is not JSON.');
    expect(error.details).toMatchObject({ reason: 'malformed' });
  });

  it('refuses a malformed field, naming where', async () => {
    const built = await file();
    const error = await refusal({ ...built, transaction: { ...built.transaction, value: '1.5' } });
    expect(error.message).toMatch(/at transaction\.value: must be a non-negative decimal/);
    const extra = await refusal({ ...built, note: 'hello' });
    expect(extra.message).toMatch(/note/);
    const format = await refusal({ ...built, format: 'vigil-safe-proposal/2' });
    expect(format.message).toMatch(/at format/);
  });

  it('refuses a file for another chain', async () => {
    const error = await refusal({ ...(await file()), chainId: 1 });
    expect(error.message).toBe('The file is for chain 1, but this Safe is on chain 31337.');
  });

  it('refuses a file for another Safe', async () => {
    const other = getAddress('0x000000000000000000000000000000000000beef');
    const error = await refusal({ ...(await file()), safe: other });
    expect(error.message).toBe(`The file is for Safe ${other}, not ${safe}.`);
    expect(error.details).toMatchObject({ reason: 'other-safe' });
  });

  it('refuses a file whose transaction does not hash to its safeTxHash (edited)', async () => {
    const built = await file();
    const error = await refusal({ ...built, transaction: { ...built.transaction, value: '1' } });
    expect(error.details).toMatchObject({ reason: 'hash-mismatch' });
    expect(error.message).toMatch(/it was edited or built wrongly/);
  });

  it('refuses a file for another transaction than the proposal', async () => {
    const error = await refusal(await file(), { transaction: { ...transaction, nonce: 5n } });
    expect(error.details).toMatchObject({ reason: 'other-transaction' });
    expect(error.message).toMatch(/nonce 4\) than this proposal .*nonce 5\)/);
  });

  it('refuses a signature over another transaction, naming whose it claims to be', async () => {
    const built = await file();
    const [overOther] = await signedBy([1], { ...transaction, nonce: 9n });
    built.signatures = [{ owner: owners[1]!, signature: overOther!.data }];
    const error = await refusal(built);
    expect(error.details).toMatchObject({ reason: 'other-transaction', owner: owners[1] });
    expect(error.field).toBe('signatures[0]');
    expect(error.message).toMatch(/is not a signature over this transaction/);
  });

  it('refuses a signature from a non-owner', async () => {
    const built = await file([0]);
    const [stranger] = await signedBy([3]);
    built.signatures.push({ owner: stranger!.owner, signature: stranger!.data });
    const error = await refusal(built);
    expect(error.message).toBe(
      `signatures[1] is signed by ${accounts[3]!.address}, who is not an owner of Safe ${safe}.`,
    );
  });

  it('refuses a file exported under another threshold', async () => {
    const error = await refusal(await file(), { threshold: 3 });
    expect(error.details).toMatchObject({ reason: 'threshold-changed' });
    expect(error.message).toMatch(/then 2, now 3/);
  });

  it('refuses a file for a nonce the Safe has moved past', async () => {
    const error = await refusal(await file(), { nonce: 5n });
    expect(error.details).toMatchObject({ reason: 'nonce-used' });
  });

  it('refuses an approved-hash signature inside a file', async () => {
    const built = await file([]);
    built.signatures = [
      {
        owner: owners[0]!,
        signature: `0x${'0'.repeat(24)}${owners[0]!.slice(2)}${'0'.repeat(64)}01`,
      },
    ];
    const error = await refusal(built);
    expect(error.message).toMatch(/reads those from the chain/);
  });
});

describe('readSignedProposalFile', () => {
  const dir = makeTempDir('vigil-signed-file-');
  afterAll(() => dir.remove());

  it('reads a regular file given by an absolute path', async () => {
    const path = join(dir.path, 'proposal.json');
    const text = JSON.stringify(await file([1]));
    writeFileSync(path, text);
    expect(readSignedProposalFile(path)).toBe(text);
  });

  it('refuses a relative path, a directory, a symbolic link, a missing file and an oversized one', () => {
    const target = join(dir.path, 'target.json');
    writeFileSync(target, '{}');
    const link = join(dir.path, 'link.json');
    symlinkSync(target, link);
    const big = join(dir.path, 'big.json');
    writeFileSync(big, Buffer.alloc(SIGNED_PROPOSAL_MAX_BYTES + 1, 0x20));
    expect(() => readSignedProposalFile('proposal.json')).toThrow(/is relative/);
    expect(() => readSignedProposalFile(dir.path)).toThrow(/not a regular file \(a directory\)/);
    expect(() => readSignedProposalFile(link)).toThrow(/not a regular file \(a symbolic link\)/);
    expect(() => readSignedProposalFile(join(dir.path, 'none.json'))).toThrow(/No file at/);
    expect(() => readSignedProposalFile(big)).toThrow(/a signed-proposal file is a few KB/);
    expect(() => readSignedProposalFile('/dev/null')).toThrow(/device, socket or pipe/);
  });
});
