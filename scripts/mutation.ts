// `npm run mutation [-- SET …]`: StrykerJS over the module sets in mutation/modules.mjs (all of
// them by default), one after another, each against only its own unit tests; then one table of
// mutation scores per set. Not part of `npm test`: a full run takes a while on two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutationModules } from '../mutation/modules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((name) => !(name in mutationModules));
if (unknown.length > 0) {
  console.error(
    `Unknown module set(s): ${unknown.join(', ')}. Known: ${Object.keys(mutationModules).join(', ')}`,
  );
  process.exit(2);
}
const names = requested.length > 0 ? requested : Object.keys(mutationModules);

interface MutantResult {
  status: string;
}

/** Killed (or timed out) over all mutants that were not compile or runtime errors. */
function scoreOf(reportName: string): {
  score: number;
  killed: number;
  survived: number;
  total: number;
} {
  const report = JSON.parse(
    readFileSync(join(root, 'reports', 'mutation', `${reportName}.json`), 'utf8'),
  ) as { files: Record<string, { mutants: MutantResult[] }> };
  const mutants = Object.values(report.files).flatMap((file) => file.mutants);
  const detected = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;
  const undetected = mutants.filter(
    (m) => m.status === 'Survived' || m.status === 'NoCoverage',
  ).length;
  const total = detected + undetected;
  return {
    score: total === 0 ? 100 : (100 * detected) / total,
    killed: detected,
    survived: undetected,
    total,
  };
}

const rows: string[] = [];
let failed = false;
for (const name of names) {
  // VIGIL_MUTATION_REPORT names the report instead of the set (stryker.config.mjs), e.g. for a
  // run narrowed to one file with VIGIL_MUTATION_MUTATE.
  const report = process.env['VIGIL_MUTATION_REPORT'] ?? name;
  console.log(`\n$ stryker run (module set ${name})`);
  const result = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VIGIL_MUTATION_MODULE: name },
  });
  if (result.status !== 0 || !existsSync(join(root, 'reports', 'mutation', `${report}.json`))) {
    failed = true;
    rows.push(`${name.padEnd(20)} did not finish (exit ${result.status})`);
    continue;
  }
  const { score, killed, survived, total } = scoreOf(report);
  rows.push(
    `${name.padEnd(20)} ${score.toFixed(1).padStart(5)}%  ${killed}/${total} killed, ${survived} survived`,
  );
}
console.log(`\nmutation scores:\n${rows.map((row) => `  ${row}`).join('\n')}`);
process.exit(failed ? 1 : 0);
