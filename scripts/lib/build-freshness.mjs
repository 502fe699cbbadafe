// Whether out/ holds a build of the current sources. Plain JavaScript so `npm run serve` can ask
// before anything is transpiled: loading tsx alone costs more than the built server's whole start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What one `electron-vite build` writes that headless mode runs. */
const outputs = ['out/main/serve.js', 'out/main/engine-worker.js', 'out/renderer/index.html'];
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
