// `npm test`: checks the import rules (dependency-cruiser), builds, runs vitest (unit + integration) and Playwright (Chromium end-to-end,
// and the Electron launch test, which skips where Electron's binary is absent), then prints one
// closing line with the totals of both, which says loudly when the Electron launch test was
// skipped. Exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closingLine,
  electronSkipReason,
  playwrightTotals,
  readPlaywrightReport,
  slowestVitestFiles,
  vitestTotals,
  type Totals,
} from './lib/test-summary.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// Signer tests need a real OS keychain. On Linux that is a Secret Service on a D-Bus session
// bus: the tests run inside a private D-Bus session with a gnome-keyring of their own (in a
// temp folder, unlocked with a throwaway password), so they never touch the user's keyring.
if (
  process.platform === 'linux' &&
  process.env['VIGIL_TEST_KEYRING'] !== '1' &&
  commandExists('dbus-run-session') &&
  commandExists('gnome-keyring-daemon')
) {
  const keyringHome = mkdtempSync(join(tmpdir(), 'vigil-test-keyring-'));
  const unlockThenRun =
    'echo -n vigil-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  const result = spawnSync(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      unlockThenRun,
      'sh',
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, VIGIL_TEST_KEYRING: '1', XDG_DATA_HOME: keyringHome },
    },
  );
  rmSync(keyringHome, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status ?? 1;
}

// Outside test-results/: Playwright empties that folder when it starts.
const resultsDir = mkdtempSync(join(tmpdir(), 'vigil-test-summary-'));
const filter = process.argv.slice(2);

// First and fast (a few seconds): an import cycle or a room importing one it must not fails here,
// before the build, since CI runs only `npm test`.
if (run('npm', ['run', '--silent', 'lint:deps']) !== 0) {
  console.log('\ntests: 0 passed, 1 failed (the import rules failed: npm run lint:deps)');
  process.exit(1);
}
if (run('npx', ['electron-vite', 'build']) !== 0) {
  console.log('\ntests: 0 passed, 1 failed (the build failed)');
  process.exit(1);
}
const vitestJson = join(resultsDir, 'vitest.json');
const vitestStatus = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
  ...filter,
]);
const playwrightJson = join(resultsDir, 'playwright.json');
const playwrightStatus = run('npx', ['playwright', 'test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});

const playwrightReport = readPlaywrightReport(playwrightJson);
const parts = [vitestTotals(vitestJson), playwrightTotals(playwrightReport)];
const totals = parts.reduce<Totals>(
  (sum, part) => ({
    passed: sum.passed + (part?.passed ?? 0),
    failed: sum.failed + (part?.failed ?? 1),
    skipped: sum.skipped + (part?.skipped ?? 0),
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
const slowest = slowestVitestFiles(vitestJson, 10, root);
if (slowest.length > 0) console.log(`\nslowest vitest files:\n${slowest.join('\n')}`);
rmSync(resultsDir, { recursive: true, force: true });
const failed = vitestStatus !== 0 || playwrightStatus !== 0 || totals.failed > 0;
if (failed && totals.failed === 0) totals.failed = 1;
console.log(`\n${closingLine(totals, electronSkipReason(playwrightReport))}`);
process.exit(failed ? 1 : 0);
