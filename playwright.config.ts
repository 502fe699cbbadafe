// End-to-end tests: Debian's Chromium driving the real UI served by headless mode (npm run serve),
// with the real core and a real anvil behind it. Each spec starts its own anvil and server.
// A second project launches the Electron app itself; it skips, saying why, where Electron's
// binary is not installed.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test',
  globalSetup: './test/helpers/serve-source.setup.ts',
  projects: [
    { name: 'chromium', testDir: 'test/e2e' },
    { name: 'electron', testDir: 'test/electron', use: { launchOptions: {} } },
  ],
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
