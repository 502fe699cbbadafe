// `npm run measure:start`: how long headless Vigil takes to start on an empty data directory,
// from spawning the process to its console URL and to the first answered `status.get` over the
// JSON-RPC WebSocket, five times each from the built output and from the sources through tsx.
import { fileURLToPath } from 'node:url';
import { staleBuildReason } from './lib/build-freshness.mjs';
import { connectRpc, startServe, type ServeSource } from '../test/helpers/serve.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';

const runs = 5;
const root = fileURLToPath(new URL('..', import.meta.url));

interface StartTimes {
  urlMs: number;
  statusMs: number;
}

async function startOnce(source: ServeSource): Promise<StartTimes> {
  const dataDir = makeTempDir('vigil-measure-start-');
  try {
    const spawned = performance.now();
    const serve = await startServe({ dataDir: dataDir.path, source });
    const urlMs = performance.now() - spawned;
    try {
      const rpc = await connectRpc(serve.wsUrl);
      await rpc.call('status.get');
      const statusMs = performance.now() - spawned;
      rpc.close();
      return { urlMs, statusMs };
    } finally {
      await serve.kill('SIGTERM');
    }
  } finally {
    dataDir.remove();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const ms = (value: number): string => `${Math.round(value)} ms`;

const stale = staleBuildReason(root);
if (stale) {
  console.error(`${stale}: run npm run build first, so the built output is what gets measured.`);
  process.exit(1);
}
console.log(`start of headless Vigil on an empty data dir, median of ${runs}:`);
for (const source of ['built', 'sources'] as const) {
  const times: StartTimes[] = [];
  for (let run = 0; run < runs; run++) times.push(await startOnce(source));
  const statusMs = times.map((time) => time.statusMs);
  console.log(
    `  ${source.padEnd(8)} spawn → URL ${ms(median(times.map((time) => time.urlMs)))}, ` +
      `spawn → status.get ${ms(median(statusMs))} ` +
      `(runs: ${statusMs.map((value) => Math.round(value)).join(', ')})`,
  );
}
