// StrykerJS for `npm run mutation` (scripts/mutation.ts), one module set at a time: the set is
// named by VIGIL_MUTATION_MODULE (see mutation/modules.mjs), which picks the files to mutate
// and, through vitest.mutation.config.ts, the only tests run against each mutant.
import { mutationModules } from './mutation/modules.mjs';

const name = process.env.VIGIL_MUTATION_MODULE ?? 'webhook-signing';
const module = mutationModules[name];
if (!module) throw new Error(`No mutation module set named ${name}; see mutation/modules.mjs`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // VIGIL_MUTATION_MUTATE (comma-separated globs or `file:from-to` ranges) mutates only part of
  // a set, against the same tests: one file's score without paying for the others' mutants.
  mutate: process.env.VIGIL_MUTATION_MUTATE?.split(',') ?? module.mutate,
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code, run once at import) must run every test of the set; a
  // set whose static mutants would dominate the run skips them, and says so in modules.mjs.
  ignoreStatic: module.ignoreStatic ?? false,
  // VIGIL_MUTATION_CONCURRENCY=1 when the cores are shared with other work.
  concurrency: Number(process.env.VIGIL_MUTATION_CONCURRENCY ?? 2),
  timeoutMS: module.timeoutMS ?? 20_000,
  // The sandbox needs the sources and tests, not builds, reports or other helpers' data.
  ignorePatterns: ['out', 'dist', 'test-results', 'playwright-report', 'reports', '.scratch'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${process.env.VIGIL_MUTATION_REPORT ?? name}.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null },
};
