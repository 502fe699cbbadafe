// `npm run measure:start`: how long headless Vigil takes to start on an empty data directory,
// from spawning the process to its console URL and to the first answered `status.get` over the
// JSON-RPC WebSocket, five times each from the built output and from the sources through tsx.
// On Linux it also gives the CPU time the process had used by then (all its threads), a figure
// that other work on a shared machine disturbs less than the wall-clock one.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staleBuildReason } from './lib/build-freshness.mjs';
import { connectRpc, startServe, type ServeSource } from '../test/helpers/serve.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';

const runs = 5;
const root = fileURLToPath(new URL('..', import.meta.url));

interface StartTimes {
  urlMs: number;
  statusMs: number;
  cpuMs: number | undefined;
}

/** User + system CPU time of a running process, from /proc (Linux), in ms. */
function cpuMsOf(pid: number | undefined): number | undefined {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux platform Node supports
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
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
      const cpuMs = cpuMsOf(serve.process.pid);
      rpc.close();
      return { urlMs, statusMs, cpuMs };
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
  const cpuMs = times.flatMap((time) => (time.cpuMs === undefined ? [] : [time.cpuMs]));
  console.log(
    `  ${source.padEnd(8)} spawn → URL ${ms(median(times.map((time) => time.urlMs)))}, ` +
      `spawn → status.get ${ms(median(statusMs))} ` +
      `(runs: ${statusMs.map((value) => Math.round(value)).join(', ')})` +
      (cpuMs.length > 0 ? `, CPU time by then ${ms(median(cpuMs))}` : ''),
  );
}
