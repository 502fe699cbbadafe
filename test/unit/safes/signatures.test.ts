import { describe, expect, it } from 'vitest';
import { concat, keccak256, numberToHex, slice, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  approvedHashSignature,
  checkOwnerSignature,
  encodeSafeSignatures,
  recoverSafeSignature,
  type SafeSignature,
} from '../../../src-main/core/safes/index.ts';
import { vigilErrorOf } from '../../helpers/vigil-error.ts';
import { ethSignSafeHash } from '../../helpers/safe-signing.ts';

const keys = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
] as const;
const owners = keys.map((privateKey) => ({
  privateKey,
  address: privateKeyToAccount(privateKey).address,
}));
const hash = keccak256(toHex('a Safe transaction'));
const otherHash = keccak256(toHex('another Safe transaction'));
const safe = '0x000000000000000000000000000000000000Safe'.replace('Safe', '5afe') as Hex;

describe('recoverSafeSignature', () => {
  it('recovers an ECDSA signature over the hash (v 27/28) as eip712', async () => {
    const signature = await privateKeyToAccount(keys[0]).sign({ hash });
    expect(await recoverSafeSignature(hash, signature)).toEqual({
      owner: owners[0]!.address,
      kind: 'eip712',
    });
  });

  it('recovers an eth_sign signature (v 31/32) over the prefixed hash', async () => {
    const signature = await ethSignSafeHash(owners[1]!, hash);
    expect(Number(`0x${signature.slice(-2)}`)).toBeGreaterThan(30);
    expect(await recoverSafeSignature(hash, signature)).toEqual({
      owner: owners[1]!.address,
      kind: 'eth_sign',
    });
  });

  it('reads the owner of an approved-hash signature (v 1) from r', async () => {
    const { data } = approvedHashSignature(owners[2]!.address);
    expect(await recoverSafeSignature(hash, data)).toEqual({
      owner: owners[2]!.address,
      kind: 'approved-hash',
    });
  });

  it('refuses a contract signature (v 0), another v, a wrong length and non-hex', async () => {
    const signature = await privateKeyToAccount(keys[0]).sign({ hash });
    const withV = (v: number) => concat([slice(signature, 0, 64), numberToHex(v, { size: 1 })]);
    expect((await vigilErrorOf(recoverSafeSignature(hash, withV(0)))).message).toMatch(/EIP-1271/);
    const other = await vigilErrorOf(recoverSafeSignature(hash, withV(29)));
    expect(other.message).toMatch(/this one has v 29/);
    expect(other.field).toBe('signature');
    expect(
      (await vigilErrorOf(recoverSafeSignature(hash, slice(signature, 0, 64)))).message,
    ).toMatch(/65 bytes .* this one is 64/);
    expect((await vigilErrorOf(recoverSafeSignature(hash, 'hello'))).message).toMatch(/not\.$/);
  });

  it('refuses an approved-hash signature whose r is wider than an address', async () => {
    const data = concat([
      numberToHex(2n ** 200n, { size: 32 }),
      numberToHex(0, { size: 32 }),
      '0x01',
    ]);
    expect((await vigilErrorOf(recoverSafeSignature(hash, data))).message).toMatch(/r is wider/);
  });

  it('recovers a stranger from a signature made over another hash', async () => {
    const signature = await privateKeyToAccount(keys[0]).sign({ hash: otherHash });
    const recovered = await recoverSafeSignature(hash, signature);
    expect(recovered.owner).not.toBe(owners[0]!.address);
  });
});

describe('encodeSafeSignatures', () => {
  it('orders by owner address ascending, whatever the order given', async () => {
    const signatures: SafeSignature[] = await Promise.all(
      owners.map(async (owner) => ({
        owner: owner.address,
        kind: 'eip712' as const,
        data: await privateKeyToAccount(owner.privateKey).sign({ hash }),
      })),
    );
    const ascending = [...signatures].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1));
    const expected = concat(ascending.map((signature) => signature.data));
    expect(encodeSafeSignatures(signatures)).toBe(expected);
    expect(encodeSafeSignatures([...signatures].reverse())).toBe(expected);
  });

  it('refuses the same owner twice and a signature that is not 65 bytes', () => {
    const approved = approvedHashSignature(owners[0]!.address);
    expect(() =>
      encodeSafeSignatures([approved, { ...approved, owner: approved.owner.toLowerCase() as Hex }]),
    ).toThrow(/counted twice/);
    expect(() => encodeSafeSignatures([{ ...approved, data: '0x01' }])).toThrow(/not 65 bytes/);
  });

  it('builds approved-hash signatures as r = owner, s = 0, v = 1', () => {
    const { data } = approvedHashSignature(owners[0]!.address);
    expect(data).toBe(
      `0x${'0'.repeat(24)}${owners[0]!.address.slice(2).toLowerCase()}${'0'.repeat(64)}01`,
    );
  });
});

describe('checkOwnerSignature', () => {
  const ownerAddresses = owners.slice(0, 2).map((owner) => owner.address);

  it('accepts an owner’s signature and keeps its bytes', async () => {
    const signature = await privateKeyToAccount(keys[1]).sign({ hash });
    expect(
      await checkOwnerSignature({ safe, safeTxHash: hash, owners: ownerAddresses, signature }),
    ).toEqual({ owner: owners[1]!.address, kind: 'eip712', data: signature });
  });

  it('refuses a non-owner’s signature, and one over another transaction, as not-owner', async () => {
    const stranger = await privateKeyToAccount(keys[2]).sign({ hash });
    const notOwner = await vigilErrorOf(
      checkOwnerSignature({ safe, safeTxHash: hash, owners: ownerAddresses, signature: stranger }),
    );
    expect(notOwner.code).toBe('SIGNATURE_REFUSED');
    expect(notOwner.details).toMatchObject({ reason: 'not-owner', recovered: owners[2]!.address });
    const overOther = await privateKeyToAccount(keys[0]).sign({ hash: otherHash });
    const other = await vigilErrorOf(
      checkOwnerSignature({ safe, safeTxHash: hash, owners: ownerAddresses, signature: overOther }),
    );
    expect(other.message).toMatch(/over another transaction/);
  });

  it('refuses a pasted approved-hash signature: only the chain can say it holds', async () => {
    const { data } = approvedHashSignature(owners[0]!.address);
    const error = await vigilErrorOf(
      checkOwnerSignature({ safe, safeTxHash: hash, owners: ownerAddresses, signature: data }),
    );
    expect(error.message).toMatch(/proves nothing off chain/);
  });
});
