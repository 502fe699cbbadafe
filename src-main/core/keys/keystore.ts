// An encrypted backup of a signer key in the Web3 Secret Storage format (version 3): scrypt
// derives a key from the passphrase, AES-128-CTR encrypts the private key, and keccak256 over the
// second half of the derived key and the ciphertext is the MAC. geth, Foundry (`cast wallet`),
// MetaMask and ethers all read it, so a backup outlives Vigil.
import { createCipheriv, randomBytes, randomUUID, scrypt } from 'node:crypto';
import { hexToBytes, keccak256 } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { fileStamp } from '../audit/index.ts';

export interface Keystore {
  version: 3;
  id: string;
  /** Lowercase, without 0x, as geth writes it. */
  address: string;
  crypto: {
    cipher: 'aes-128-ctr';
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: 'scrypt';
    kdfparams: { dklen: number; n: number; r: number; p: number; salt: string };
    mac: string;
  };
}

/** geth's "standard" scrypt cost: about a second and 256 MiB per try, for each guess too. */
export const KEYSTORE_SCRYPT = { n: 2 ** 18, r: 8, p: 1 } as const;

const strip = (hex: string): string => hex.replace(/^0x/, '');

function deriveKey(
  passphrase: string,
  salt: Buffer,
  params: { n: number; r: number; p: number; dklen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFKC'),
      salt,
      params.dklen,
      // 128·N·r bytes are needed; node's default ceiling (32 MiB) is below the standard cost.
      { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

const macOf = (derived: Buffer, ciphertext: Buffer): string =>
  strip(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])));

export async function encryptKeystore(
  privateKey: `0x${string}`,
  passphrase: string,
  cost: { n: number; r: number; p: number } = KEYSTORE_SCRYPT,
): Promise<Keystore> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const kdfparams = { dklen: 32, ...cost, salt: salt.toString('hex') };
  const derived = await deriveKey(passphrase, salt, kdfparams);
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()]);
  return {
    version: 3,
    id: randomUUID(),
    address: strip(privateKeyToAddress(privateKey)).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams,
      mac: macOf(derived, ciphertext),
    },
  };
}

/** `vigil-keystore-0xAbC…-20250101-093000-1a2b.json`: the address, when, and a tag. */
export function keystoreFileName(address: string, at: Date): string {
  return `vigil-keystore-${address}-${fileStamp(at)}-${randomBytes(2).toString('hex')}.json`;
}

const KEYSTORE_FILE_NAME = /^vigil-keystore-0x[0-9a-fA-F]{40}-\d{8}-\d{6}-[0-9a-f]{4}\.json$/;

/** Whether `name` is a keystore backup's file name (no folder, nothing that climbs out). */
export function isKeystoreFileName(name: string): boolean {
  return KEYSTORE_FILE_NAME.test(name);
}
