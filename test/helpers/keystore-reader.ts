// A second, independent reader of Web3 Secret Storage (v3, scrypt) keystores, built on the noble
// libraries rather than node:crypto, so a backup Vigil writes is proven readable by more than the
// code that wrote it. A wrong passphrase fails the MAC, as in geth.
import { ctr } from '@noble/ciphers/aes';
import { scryptAsync } from '@noble/hashes/scrypt';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from 'viem';

export interface KeystoreFile {
  version: number;
  address: string;
  crypto: {
    cipher: string;
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: string;
    kdfparams: { dklen: number; n: number; r: number; p: number; salt: string };
    mac: string;
  };
}

export async function readKeystore(
  keystore: KeystoreFile,
  passphrase: string,
): Promise<`0x${string}`> {
  const { crypto } = keystore;
  if (keystore.version !== 3 || crypto.kdf !== 'scrypt' || crypto.cipher !== 'aes-128-ctr')
    throw new Error(`not a v3 scrypt/aes-128-ctr keystore`);
  const { n, r, p, dklen, salt } = crypto.kdfparams;
  const derived = await scryptAsync(passphrase.normalize('NFKC'), hexToBytes(`0x${salt}`), {
    N: n,
    r,
    p,
    dkLen: dklen,
    maxmem: 2 ** 31,
  });
  const ciphertext = hexToBytes(`0x${crypto.ciphertext}`);
  const mac = bytesToHex(keccak_256(new Uint8Array([...derived.slice(16, 32), ...ciphertext])));
  if (mac.slice(2) !== crypto.mac.toLowerCase()) throw new Error('wrong passphrase: MAC mismatch');
  const key = ctr(derived.slice(0, 16), hexToBytes(`0x${crypto.cipherparams.iv}`)).decrypt(
    ciphertext,
  );
  return bytesToHex(key);
}
