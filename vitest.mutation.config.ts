// The vitest run Stryker uses for one mutation module set: only that set's tests (named in
// mutation/modules.mjs), so each mutant costs seconds, not the whole suite.
import { defineConfig } from 'vitest/config';
import { mutationModules } from './mutation/modules.mjs';

const name = process.env['VIGIL_MUTATION_MODULE'] ?? 'webhook-signing';
const module = mutationModules[name];
if (!module) throw new Error(`No mutation module set named ${name}; see mutation/modules.mjs`);

export default defineConfig({
  test: {
    // VIGIL_MUTATION_TESTS (comma-separated globs) runs other tests against the same mutants,
    // e.g. the tests as they were before a change, for a before/after score.
    include: process.env['VIGIL_MUTATION_TESTS']?.split(',') ?? module.tests,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
