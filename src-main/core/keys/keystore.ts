// An encrypted backup of a signer key in the Web3 Secret Storage format (version 3): scrypt
// derives a key from the passphrase, AES-128-CTR encrypts the private key, and keccak256 over the
// second half of the derived key and the ciphertext is the MAC. geth, Foundry (`cast wallet`),
// MetaMask and ethers all read it, so a backup outlives Vigil.
import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { hexToBytes, keccak256 } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { fileStamp } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';

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

/**
 * The private key in a Web3 Secret Storage v3 keystore (geth, Foundry, OZ Relayer, ethers write
 * it with scrypt or PBKDF2-HMAC-SHA256 and AES-128-CTR). A wrong passphrase is told by the MAC:
 * the error says so, naming nothing of the key. Costs are bounded so a hostile file cannot make
 * Vigil spend gigabytes.
 */
export async function decryptKeystore(text: string, passphrase: string): Promise<`0x${string}`> {
  const fail = (message: string): never => {
    throw new VigilError('INVALID_KEY', message);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('not a keystore: the file is not JSON');
  }
  const file = parsed as { version?: unknown; crypto?: unknown; Crypto?: unknown };
  const crypto = (file.crypto ?? file.Crypto) as
    | {
        cipher?: unknown;
        cipherparams?: { iv?: unknown };
        ciphertext?: unknown;
        kdf?: unknown;
        kdfparams?: Record<string, unknown>;
        mac?: unknown;
      }
    | undefined;
  if (file.version !== 3 || typeof crypto !== 'object' || crypto === null)
    return fail('not a Web3 Secret Storage keystore (version 3, with "crypto")');
  const hex = (value: unknown, what: string): Buffer =>
    typeof value === 'string' && /^(0x)?([0-9a-fA-F]{2})+$/.test(value)
      ? Buffer.from(strip(value), 'hex')
      : fail(`keystore ${what}: not hexadecimal`);
  if (crypto.cipher !== 'aes-128-ctr')
    return fail(`keystore cipher ${String(crypto.cipher)}: only aes-128-ctr is read`);
  const ciphertext = hex(crypto.ciphertext, 'ciphertext');
  const iv = hex(crypto.cipherparams?.iv, 'cipherparams.iv');
  const params = crypto.kdfparams ?? {};
  const salt = hex(params.salt, 'kdfparams.salt');
  const dklen = Number(params.dklen);
  if (!Number.isInteger(dklen) || dklen < 32 || dklen > 64)
    return fail('keystore kdfparams.dklen: must be 32 to 64');
  let derived: Buffer;
  if (crypto.kdf === 'scrypt') {
    const [n, r, p] = [Number(params.n), Number(params.r), Number(params.p)];
    if (
      ![n, r, p].every(Number.isInteger) ||
      n < 2 ||
      r < 1 ||
      // geth's standard cost (2^18 · 8) needs 256 MiB; twice that is the most Vigil spends.
      n * r > 2 ** 22 ||
      p < 1 ||
      p > 16
    )
      return fail(
        'keystore scrypt cost: n, r or p out of the range Vigil reads (n·r ≤ 2^22, p ≤ 16)',
      );
    // OpenSSL keeps scrypt's RFC bound N < 2^(16·r); geth, ethers and Foundry write r = 8.
    if (n >= 2 ** Math.min(16 * r, 53))
      return fail(
        `keystore scrypt cost n = ${n} with r = ${r} is beyond what Vigil's scrypt computes (n < 2^${16 * r}); re-encrypt the key with r = 8 (cast wallet or geth do) and import again`,
      );
    derived = await deriveKey(passphrase, salt, { n, r, p, dklen });
  } else if (crypto.kdf === 'pbkdf2') {
    const c = Number(params.c);
    if (params.prf !== 'hmac-sha256' || !Number.isInteger(c) || c < 1 || c > 10_000_000)
      return fail('keystore pbkdf2: only hmac-sha256 with at most 10,000,000 rounds is read');
    derived = await new Promise<Buffer>((resolve, reject) =>
      pbkdf2(passphrase.normalize('NFKC'), salt, c, dklen, 'sha256', (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    );
  } else return fail(`keystore kdf ${String(crypto.kdf)}: only scrypt and pbkdf2 are read`);
  const mac = hex(crypto.mac, 'mac');
  const expected = Buffer.from(macOf(derived, ciphertext), 'hex');
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    return fail('wrong passphrase: the keystore MAC does not match');
  const decipher = createDecipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) return fail('keystore ciphertext: not a 32-byte private key');
  return `0x${key.toString('hex')}`;
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
