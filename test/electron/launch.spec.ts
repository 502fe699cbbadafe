// The desktop shell itself: Playwright launches the built Electron app and sees the Dashboard,
// served from app://vigil with the security settings in force; and a packaged build (where one
// exists under dist/) carries the hardening fuses and admits no debugger, so neither DevTools nor
// any other client can attach. Project discovery in the window reads a folder picked in the
// native folder dialog and refuses any other. Each test is skipped, saying why, where its binary
// is absent.
import { _electron as electron, expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  electronMissingReason,
  installedElectronBinary,
} from '../../scripts/lib/electron-binary.ts';
import {
  fuseWireProblems,
  packagedAppBinary,
  packagedAppMissingReason,
  packagedExecutable,
  readPackagingConfig,
} from '../../scripts/lib/fuses.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = installedElectronBinary(root);
const packaged = packagedAppBinary(root);

/** Skips the running test, saying why where the run's output shows it. */
function skipUnless(present: unknown, reason: string): void {
  const skipReason = `${reason}; this test runs on machines where it is installed.`;
  // The list reporter does not print skip reasons, so say it where the run's output shows it.
  if (!present) console.log(`Skipping "${test.info().title}": ${skipReason}`);
  test.skip(!present, skipReason);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs the packaged app with `args` until it exits (or 30 s pass), asking the DevTools endpoint
 * on `port` all the while. Returns its exit code, its output, and whether the endpoint ever answered.
 */
async function runPackaged(
  args: string[],
  port: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string; devToolsAnswered: boolean }> {
  const dataDir = makeTempDir('vigil-packaged-');
  const child = spawn(packagedExecutable(packaged!), args, {
    env: { ...(process.env as Record<string, string>), VIGIL_DATA_DIR: dataDir.path, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let devToolsAnswered = false;
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (!done && Date.now() < deadline) {
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/json/version`, {
        signal: AbortSignal.timeout(500),
      });
      if (answer.ok) devToolsAnswered = true;
    } catch {
      // Nothing listening: what we want.
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  if (!done) child.kill('SIGKILL');
  const code = await exited;
  dataDir.remove();
  return { code, output, devToolsAnswered };
}

test('the desktop app launches and shows the Dashboard', async () => {
  skipUnless(binary, electronMissingReason);
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
    // The renderer comes from the app's own scheme, never file://.
    expect(page.url()).toMatch(/^app:\/\/vigil\/index\.html/);
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

test('project discovery reads the folder picked in the native dialog, and no other', async () => {
  skipUnless(binary, electronMissingReason);
  const dataDir = makeTempDir('vigil-electron-');
  const project = makeTempDir('vigil-electron-project-');
  // A built Foundry project with nothing deployed yet: enough to tell "read" from "refused".
  mkdirSync(join(project.path, 'out', 'Ledger.sol'), { recursive: true });
  writeFileSync(join(project.path, 'out', 'Ledger.sol', 'Ledger.json'), '{"abi":[]}');
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
    // The operator's pick in the dialog, without a person at the screen: main's dialog answers
    // the folder as the real one would.
    await app.evaluate(({ dialog }, folder) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as never;
    }, project.path);
    const answers = await page.evaluate(async (folder) => {
      const { vigil } = globalThis as unknown as {
        vigil: {
          call(
            name: string,
            input: unknown,
          ): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
        };
      };
      const before = await vigil.call('contracts.discover', { path: folder });
      const etc = await vigil.call('contracts.discover', { path: '/etc' });
      const chosen = await vigil.call('dialog.chooseProjectFolder', {});
      const after = await vigil.call('contracts.discover', { path: folder });
      return { before, etc, chosen, after };
    }, project.path);
    expect(answers.before.error?.code).toBe('FOLDER_NOT_ALLOWED');
    expect(answers.etc.error?.code).toBe('FOLDER_NOT_ALLOWED');
    // Answered by its real path (macOS's temp folder sits behind a symlink).
    expect(answers.chosen).toEqual({ ok: true, value: { path: realpathSync(project.path) } });
    expect(answers.after).toEqual({
      ok: true,
      value: { layouts: ['foundry'], contracts: [], skipped: [] },
    });
  } finally {
    await app.close();
    dataDir.remove();
    project.remove();
  }
});

test('a packaged build carries the hardening fuses and admits no debugger or DevTools client', async () => {
  skipUnless(packaged, packagedAppMissingReason);
  // The fuse wire electron-builder flipped: asar only, no RunAsNode, no NODE_OPTIONS, no --inspect.
  expect(await fuseWireProblems(packaged!, readPackagingConfig(root))).toEqual([]);

  // Remote debugging (how DevTools and any CDP client attach from outside) and the inspector are
  // refused before a window exists: the app says so and exits, and no endpoint ever answers.
  for (const flag of ['--remote-debugging-port', '--inspect', '--remote-debugging-pipe']) {
    const port = await freePort();
    const run = await runPackaged(
      [flag === '--remote-debugging-pipe' ? flag : `${flag}=${port}`],
      port,
    );
    expect(run, flag).toMatchObject({ code: 1, devToolsAnswered: false });
    expect(run.output, flag).toContain(`does not start with ${flag}`);
  }

  // ELECTRON_RUN_AS_NODE is ignored (RunAsNode fuse off): the app itself starts, not a Node.js
  // that would run the script, and refuses the switch after it.
  const port = await freePort();
  const asNode = await runPackaged(
    ['-e', "process.stdout.write('ran as node')", `--remote-debugging-port=${port}`],
    port,
    { ELECTRON_RUN_AS_NODE: '1' },
  );
  expect(asNode.output).not.toContain('ran as node');
  expect(asNode).toMatchObject({ code: 1, devToolsAnswered: false });

  // Playwright drives Electron through --inspect and --remote-debugging-port: a packaged build
  // admits neither, so it cannot be attached to, DevTools included.
  await expect(
    electron.launch({ executablePath: packagedExecutable(packaged!), timeout: 30_000 }),
  ).rejects.toThrow();
});
