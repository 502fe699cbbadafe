import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration files each start their own anvil; two cores, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
    globalSetup: ['test/helpers/serve-source.setup.ts'],
  },
});
