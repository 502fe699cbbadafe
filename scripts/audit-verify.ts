// `npm run audit:verify -- FILE [--public-key KEY.pem]`: checks an exported audit log (JSON Lines
// or CSV) on its own, with plain Node and the same code as the in-app Verify button. Prints
// "intact: N entries, seq A..B, head H" and exits 0, or names the first entry that breaks and how
// (edited, missing, inserted, reordered, truncated) and exits 1. Exits 2 if FILE is not an export.
// Given the public key of the Vigil that made it (Audit view, or audit.signingKey), it also checks
// the Ed25519 signature in FILE.sig: who produced the file, and that not one byte changed since.
import { existsSync, readFileSync } from 'node:fs';
import { describeExportCheck, verifyAuditExportFile } from '../src-main/core/audit/index.ts';
import { publicKeyFingerprint, verifyExportSignature } from '../src-main/core/integrity/index.ts';

const usage =
  'Usage: npm run audit:verify -- FILE [--public-key KEY.pem]   (an export in JSON Lines or CSV; the signature is read from FILE.sig)';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const keyAt = args.indexOf('--public-key');
  const keyFile = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const files =
    keyAt >= 0 ? args.filter((_, index) => index !== keyAt && index !== keyAt + 1) : args;
  if (
    files.length !== 1 ||
    files[0] === '--help' ||
    files[0] === '-h' ||
    (keyAt >= 0 && !keyFile)
  ) {
    console.error(usage);
    return 2;
  }
  const file = files[0]!;
  const check = await verifyAuditExportFile(file);
  console.log(describeExportCheck(check));
  const { header } = check;
  if (header) {
    console.log(
      `  ${check.format} export made ${header.exportedAt} by ${header.exportedBy}; live log head then: seq ${header.head.seq}, ${header.head.hash}`,
    );
  }
  let signed = true;
  if (keyFile) {
    const publicKeyPem = readFileSync(keyFile, 'utf8');
    const signaturePath = `${file}.sig`;
    signed =
      existsSync(signaturePath) &&
      verifyExportSignature(readFileSync(file), readFileSync(signaturePath, 'utf8'), publicKeyPem);
    console.log(
      signed
        ? `signature: valid, made by the key ${publicKeyFingerprint(publicKeyPem)}`
        : existsSync(signaturePath)
          ? `signature: INVALID for the key ${publicKeyFingerprint(publicKeyPem)}: the file was changed after it was signed, or another key signed it`
          : `signature: missing (${signaturePath} not found)`,
    );
  }
  return check.verification.intact && signed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
