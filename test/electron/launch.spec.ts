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
    const renderer = await page.evaluate(async () => {
      const page = globalThis as unknown as {
        vigil?: { call(name: string, input: unknown): Promise<{ error?: { code: string } }> };
        require?: unknown;
        process?: unknown;
        open(url: string): unknown;
        inlineScriptRan?: boolean;
        document: {
          createElement(tag: 'script'): { textContent: string };
          head: { append(node: unknown): void };
        };
      };
      // The CSP (script-src 'self') must refuse a script injected into the page.
      const injected = page.document.createElement('script');
      injected.textContent = 'globalThis.inlineScriptRan = true';
      page.document.head.append(injected);
      // A request from the app's own window passes the sender check (FORBIDDEN would mean it did
      // not) and reaches the contract server, which refuses the unknown name.
      const unknownMethod = await page.vigil?.call('no.such.method', {});
      return {
        vigil: typeof page.vigil,
        require: typeof page.require,
        process: typeof page.process,
        // window.open is denied by the window-open handler.
        opened: page.open('https://example.com') !== null,
        inlineScriptRan: page.inlineScriptRan === true,
        unknownMethodCode: unknownMethod?.error?.code,
      };
    });
    expect(renderer).toEqual({
      vigil: 'object',
      require: 'undefined',
      process: 'undefined',
      opened: false,
      inlineScriptRan: false,
      unknownMethodCode: 'UNKNOWN_METHOD',
    });
  } finally {
    await app.close();
    dataDir.remove();
  }
});
