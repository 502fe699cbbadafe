// A keystore backup Vigil writes opens, with an independent reader (noble, not node:crypto), with
// the right passphrase only; the reader itself is checked on the Web3 Secret Storage
// specification's scrypt test vector first.
import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { encryptKeystore } from '../../../src-main/core/keys/keystore.ts';
import { readKeystore, type KeystoreFile } from '../../helpers/keystore-reader.ts';

// https://ethereum.org/developers/docs/data-structures-and-encoding/web3-secret-storage/ (scrypt)
const specVector: KeystoreFile = {
  version: 3,
  address: '008aeeda4d805471df9b2a5b0f38a0c3bcba786b',
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: {
      dklen: 32,
      n: 262144,
      p: 8,
      r: 1,
      salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
    },
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
};

describe('keystore backups', () => {
  it('the independent reader opens the specification test vector', async () => {
    expect(await readKeystore(specVector, 'testpassword')).toBe(
      '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d',
    );
  }, 60_000);

  it('open with their passphrase and give back the same key, and fail with another', async () => {
    const key = generatePrivateKey();
    const keystore = await encryptKeystore(key, 'correct horse battery', { n: 1024, r: 8, p: 1 });
    expect(keystore.address).toBe(privateKeyToAddress(key).slice(2).toLowerCase());
    expect(JSON.stringify(keystore)).not.toContain(key.slice(2));
    expect(await readKeystore(keystore, 'correct horse battery')).toBe(key);
    await expect(readKeystore(keystore, 'correct horse battery!')).rejects.toThrow(/MAC/);
  });

  it('use the standard scrypt cost by default', async () => {
    const keystore = await encryptKeystore(generatePrivateKey(), 'pass phrase here');
    expect(keystore.crypto.kdfparams).toMatchObject({ n: 262144, r: 8, p: 1, dklen: 32 });
  }, 60_000);
});
