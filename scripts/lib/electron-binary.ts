// Finds Electron's binary without starting its download: `require('electron')` (and the
// electron CLI) fetch the binary on first use when it is missing, and machines without access
// to Electron's download host would hang or fail there. The installer writes path.txt and
// dist/ only once the binary is really present.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const electronMissingReason =
  "Electron's binary is not installed (node_modules/electron/dist is missing; its download host is unreachable from this machine)";

/** The Electron binary's path if it is installed, else undefined. */
export function installedElectronBinary(root: string): string | undefined {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(
    root,
    'node_modules',
    'electron',
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

/** Builds out/ with electron-vite when the files a launch needs are missing. */
export function ensureBuilt(root: string, needMain: boolean): void {
  const missing = [join(root, 'out', 'renderer', 'index.html')];
  if (needMain) missing.push(join(root, 'out', 'main', 'electron.js'));
  const absent = missing.filter((file) => !existsSync(file));
  if (absent.length === 0) return;
  console.log(`${absent.join(' and ')} missing: building first (npx electron-vite build)…`);
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0)
    throw new Error(`npx electron-vite build failed (exit ${build.status ?? build.signal}).`);
}
