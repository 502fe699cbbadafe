// The desktop shell itself: Playwright launches the built Electron app and sees the Dashboard,
// with the security settings in force. Skipped, saying why, where Electron's binary is absent.
import { _electron as electron, expect, test } from '@playwright/test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  electronMissingReason,
  installedElectronBinary,
} from '../../scripts/lib/electron-binary.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = installedElectronBinary(root);

test('the desktop app launches and shows the Dashboard', async () => {
  const skipReason = `${electronMissingReason}; this test runs on machines where it is installed.`;
  // The list reporter does not print skip reasons, so say it where the run's output shows it.
  if (!binary) console.log(`Skipping the Electron launch test: ${skipReason}`);
  test.skip(!binary, skipReason);
  const dataDir = makeTempDir('vigil-electron-');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    VIGIL_DATA_DIR: dataDir.path,
  };
  delete env['ELECTRON_RUN_AS_NODE'];
  const app = await electron.launch({
    executablePath: binary!,
    args: [join(root, 'out', 'main', 'electron.js')],
    env,
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible({
      timeout: 30_000,
    });
    // The renderer has the contract and nothing of Node (sandbox, no node integration).
    const renderer = await page.evaluate(() => ({
      vigil: typeof (globalThis as { vigil?: unknown }).vigil,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      // window.open is denied by the window-open handler.
      opened:
        (globalThis as unknown as { open(url: string): unknown }).open('https://example.com') !==
        null,
    }));
    expect(renderer).toEqual({
      vigil: 'object',
      require: 'undefined',
      process: 'undefined',
      opened: false,
    });
  } finally {
    await app.close();
    dataDir.remove();
  }
});
