// `npm run audit:verify -- FILE`: checks an exported audit log (JSON Lines or CSV) on its own,
// with plain Node and the same code as the in-app Verify button. Prints
// "intact: N entries, seq A..B, head H" and exits 0, or names the first entry that breaks and how
// (edited, missing, inserted, reordered, truncated) and exits 1. Exits 2 if FILE is not an export.
import { describeExportCheck, verifyAuditExportFile } from '../src-main/core/audit/index.ts';

const usage = 'Usage: npm run audit:verify -- FILE   (an export in JSON Lines or CSV)';

async function main(): Promise<number> {
  const files = process.argv.slice(2).filter((arg) => arg !== '--');
  if (files.length !== 1 || files[0] === '--help' || files[0] === '-h') {
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
  return check.verification.intact ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
