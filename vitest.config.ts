import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's shared modules, as electron.vite.config.ts names them.
  resolve: {
    alias: {
      '@contract': new URL('src-main/ipc/contract.ts', import.meta.url).pathname,
      '@amounts': new URL('src-main/ipc/amounts.ts', import.meta.url).pathname,
    },
  },
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
