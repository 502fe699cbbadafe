// Runs bench/decode.ts (the decoder micro-benchmark, kept by its own author) as a child process
// and hands back what it printed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = 'bench/decode.ts';

export interface DecodeBenchResult {
  ran: boolean;
  exitCode: number | null;
  output: string;
  seconds: number;
}

export async function runDecodeBench(timeoutMs = 120_000): Promise<DecodeBenchResult> {
  if (!existsSync(`${repoRoot}${script}`))
    return { ran: false, exitCode: null, output: `${script} does not exist.`, seconds: 0 };
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) =>
    child.on('exit', (code) => resolve(code)),
  );
  clearTimeout(timer);
  return {
    ran: true,
    exitCode,
    output: output.trimEnd(),
    seconds: (performance.now() - started) / 1000,
  };
}
