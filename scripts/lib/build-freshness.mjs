// Whether out/ holds a build of the current sources, and the build when it does not. Plain
// JavaScript so `npm run serve` can ask before anything is transpiled: loading tsx alone costs
// more than the built server's whole start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What one `electron-vite build` writes that the desktop app and headless mode run. */
const outputs = [
  'out/main/electron.js',
  'out/main/serve.js',
  'out/main/engine-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
/** What those outputs are built from. */
const inputs = [
  'src-main',
  'src-preload',
  'src-renderer',
  'electron.vite.config.ts',
  'package.json',
];

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as its folder's change
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

/**
 * Why out/ cannot be run as it is (an output missing, or a source newer than the oldest output),
 * or undefined when it is current. Compares modification times: a checkout or an edit after the
 * last build counts as stale, which at worst costs one needless build.
 */
export function staleBuildReason(root) {
  const missing = outputs.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  const builtAt = Math.min(...outputs.map((file) => statSync(join(root, file)).mtimeMs));
  for (const input of inputs) {
    const path = join(root, input);
    if (existsSync(path) && newestMtimeMs(path) > builtAt)
      return `${input} changed since the last build`;
  }
  return undefined;
}

/**
 * Runs `npx electron-vite build` when out/ is stale. Everything goes to stderr: headless mode's
 * stdout starts with the console URL line that scripts read.
 */
export function ensureBuilt(root) {
  const stale = staleBuildReason(root);
  if (!stale) return;
  console.error(`${stale}: building first (npx electron-vite build)…`);
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (build.status !== 0)
    throw new Error(`npx electron-vite build failed (exit ${build.status ?? build.signal}).`);
}
