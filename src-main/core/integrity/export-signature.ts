// Ed25519 signatures over audit exports, so an auditor can tell which Vigil (which data
// directory's key pair) produced a file and that not one byte changed since. The signature is
// written beside the export as `<file>.sig` (base64, one line) and checks with plain tools:
//   openssl pkeyutl -verify -pubin -inkey vigil-export.pub -rawin -in FILE -sigfile FILE.sig.bin
// (after `base64 -d FILE.sig > FILE.sig.bin`), or node's crypto.verify(null, …).
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

export function signExport(bytes: Uint8Array, privateKeyPem: string): string {
  return sign(null, bytes, createPrivateKey(privateKeyPem)).toString('base64');
}

export function verifyExportSignature(
  bytes: Uint8Array,
  signatureBase64: string,
  publicKeyPem: string,
): boolean {
  try {
    return verify(
      null,
      bytes,
      createPublicKey(publicKeyPem),
      Buffer.from(signatureBase64.trim(), 'base64'),
    );
  } catch {
    return false;
  }
}

/** A short name for a public key, to compare by eye: SHA-256 of its DER, first 16 bytes, hex. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .slice(0, 32)
    .replace(/(.{4})(?!$)/g, '$1:');
}
