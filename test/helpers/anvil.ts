// Starts a real anvil (from the npm package @foundry-rs/anvil) on a free port for one test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { nonceManager } from 'viem/nonce';
import { ANVIL_ACCOUNT_COUNT, anvilAccount } from '../../scripts/lib/contracts.ts';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface AnvilInstance {
  rpcUrl: string;
  wsUrl: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartAnvilOptions {
  chainId?: number;
  /** Seconds between blocks; omitted means automine (a block per transaction). */
  blockTime?: number;
  noMining?: boolean;
  extraArgs?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The anvil binary shipped inside the npm package for this platform. */
export function anvilBinaryPath(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@foundry-rs/anvil-${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  try {
    const packageJson = require.resolve(`${platformPackage}/package.json`);
    return join(dirname(packageJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  } catch {
    return join(dirname(require.resolve('@foundry-rs/anvil/package.json')), 'bin.mjs');
  }
}

export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const port = await freePort();
  const chainId = options.chainId ?? 31337;
  const args = ['--port', String(port), '--host', '127.0.0.1', '--chain-id', String(chainId)];
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.noMining) args.push('--no-mining');
  args.push(...(options.extraArgs ?? []));
  const binary = anvilBinaryPath();
  const child = binary.endsWith('.mjs')
    ? spawn(process.execPath, [binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`anvil did not start in 20 s:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}:\n${output}`));
    });
  });
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  forgetNonces(chainId);
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    chainId,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * A new chain starts every dev account at nonce 0. The accounts share viem's nonce manager, which
 * remembers the last nonce it gave per address and chain id, and every anvil is chain 31337 unless
 * told: without forgetting, the next spec's first transaction would carry the previous anvil's
 * next nonce and wait in the pool for ever (the CSP spec hung in setup after the accessibility
 * spec that way).
 */
function forgetNonces(chainId: number): void {
  for (let index = 0; index < ANVIL_ACCOUNT_COUNT; index++)
    nonceManager.reset({ address: anvilAccount(index).address, chainId });
}
