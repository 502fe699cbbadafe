// `npm start`: the desktop app, built first if needed. Where Electron's binary is missing it
// says so and how to run Vigil headless instead.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './lib/build-freshness.mjs';
import { electronMissingReason, installedElectronBinary } from './lib/electron-binary.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = installedElectronBinary(root);
if (!binary) {
  console.error(
    `${electronMissingReason}.\nRun Vigil headless instead: npm run serve -- --data-dir ./.vigil-data`,
  );
  process.exit(1);
}
ensureBuilt(root);
const env = { ...process.env };
delete env['ELECTRON_RUN_AS_NODE'];
const child = spawn(binary, [join(root, 'out', 'main', 'electron.js'), ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 0));
