// `npm run serve`: headless mode from the built output (out/main/serve.js), building first when
// out/ is missing or older than the sources. Plain JavaScript and in-process, so a start costs
// no TypeScript transpiling and no second Node. `npm run serve:dev` runs the sources with tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleBuildReason } from './lib/build-freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const stale = staleBuildReason(root);
if (stale) {
  // stderr: stdout's one line is the console URL, which scripts read.
  console.error(`${stale}: building first (npx electron-vite build)…`);
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (build.status !== 0) {
    console.error(`error: npx electron-vite build failed (exit ${build.status ?? build.signal}).`);
    process.exit(1);
  }
}
await import('../out/main/serve.js');
