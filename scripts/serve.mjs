// `npm run serve`: headless mode from the built output (out/main/serve.js), building first when
// out/ is missing or older than the sources. Plain JavaScript and in-process, so a start costs
// no TypeScript transpiling and no second Node. `npm run serve:dev` runs the sources with tsx.
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './lib/build-freshness.mjs';

try {
  ensureBuilt(fileURLToPath(new URL('..', import.meta.url)));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await import('../out/main/serve.js');
