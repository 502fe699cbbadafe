// `npm run demo`: a local devnet with live DemoToken/DemoVault traffic, and Vigil watching it.
// Starts anvil (one block a second), deploys the demo contracts, funds a few dev accounts, keeps
// them trading at random, writes a workspace file declaring the chain and both contracts, and
// opens Vigil on it: the desktop app when Electron's binary is installed, headless mode otherwise.
// Ctrl-C stops everything this script started.
//   npm run demo [-- --keep-data] [-- --verbose]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Address } from 'viem';
import { startAnvil, type AnvilInstance } from '../test/helpers/anvil.ts';
import {
  formatTokens,
  fundDemoAccounts,
  startDemoActivity,
  type DemoActivity,
} from './lib/activity.ts';
import { ensureBuilt } from './lib/build-freshness.mjs';
import { contractAbis, deployContract } from './lib/contracts.ts';
import { electronMissingReason, installedElectronBinary } from './lib/electron-binary.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const demoChainId = 31337;
const tokenUnit = 10n ** 18n;
/** Deposits and withdrawals above this emit LargeMovement. */
const largeMovementThreshold = 10_000n * tokenUnit;
/** Account 0 deploys and owns the token; accounts 1–6 are the people using it. */
const actorAccountIndexes = [1, 2, 3, 4, 5, 6];
const startingBalance = 25_000n * tokenUnit;
const summaryIntervalMs = 15_000;

interface DemoContracts {
  token: Address;
  vault: Address;
}

/** What Vigil was started as, and how to stop it. */
interface VigilProcess {
  mode: 'electron' | 'headless';
  child: ChildProcess;
}

// ---- Chain setup and workspace ----------------------------------------------------------------

async function deployDemoContracts(rpcUrl: string): Promise<DemoContracts> {
  const token = await deployContract(rpcUrl, 'DemoToken', ['Demo Token', 'DEMO']);
  const vault = await deployContract(rpcUrl, 'DemoVault', [token, largeMovementThreshold]);
  return { token, vault };
}

/** Writes workspace.yaml and the two ABI files beside it; returns the workspace file's path. */
export function writeDemoWorkspace(
  dataDir: string,
  rpcUrl: string,
  contracts: DemoContracts,
): string {
  writeFileSync(
    join(dataDir, 'DemoToken.abi.json'),
    `${JSON.stringify(contractAbis.DemoToken, null, 2)}\n`,
  );
  writeFileSync(
    join(dataDir, 'DemoVault.abi.json'),
    `${JSON.stringify(contractAbis.DemoVault, null, 2)}\n`,
  );
  const workspaceFile = join(dataDir, 'workspace.yaml');
  writeFileSync(
    workspaceFile,
    [
      '# Written by `npm run demo`: the demo devnet and its two contracts.',
      'version: 1',
      'chains:',
      '  - name: Demo devnet',
      `    chainId: ${demoChainId}`,
      `    rpcUrls: [${rpcUrl}]`,
      '    confirmations: 2',
      'contracts:',
      '  - name: DemoToken',
      `    chainId: ${demoChainId}`,
      `    address: "${contracts.token}"`,
      '    startBlock: 0',
      '    abi: ./DemoToken.abi.json',
      '  - name: DemoVault',
      `    chainId: ${demoChainId}`,
      `    address: "${contracts.vault}"`,
      '    startBlock: 0',
      '    abi: ./DemoVault.abi.json',
      '',
    ].join('\n'),
  );
  return workspaceFile;
}

// ---- Vigil ------------------------------------------------------------------------------------

function startVigil(root: string, dataDir: string, workspaceFile: string): VigilProcess {
  const electronBinary = installedElectronBinary(root);
  if (electronBinary) {
    ensureBuilt(root);
    console.log('Opening the Vigil desktop app…');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIL_DATA_DIR: dataDir,
      VIGIL_WORKSPACE: workspaceFile,
    };
    // Set in some shells and CI images; it would make Electron behave as plain Node.
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(electronBinary, [join(root, 'out', 'main', 'electron.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    passThroughOutput(child, '[vigil]');
    return { mode: 'electron', child };
  }

  console.log(
    `${electronMissingReason}, so Vigil runs in ` +
      'headless mode: open the console URL below in a browser.',
  );
  ensureBuilt(root);
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'serve.js'), '--data-dir', dataDir, '--workspace', workspaceFile],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  passThroughOutput(child, '[vigil]');
  return { mode: 'headless', child };
}

/** Prints a child's output line by line; the console URL line is passed through as it is. */
function passThroughOutput(child: ChildProcess, prefix: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (/http:\/\/(localhost|127\.0\.0\.1):/.test(line) && line.includes('token='))
        console.log(`\n${line}\n`);
      else console.log(`${prefix} ${line}`);
    });
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Ctrl-C in a terminal signals the whole process group, so anvil and Vigil may exit a moment
 * before this process handles its own SIGINT. Reacting to a child's exit a little later lets the
 * SIGINT handler run first and report a Ctrl-C rather than a crash.
 */
function afterSignalsSettle(react: () => void): void {
  setTimeout(react, 300);
}

// ---- Main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'keep-data': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Usage: npm run demo [-- --keep-data] [-- --verbose]');
    return;
  }

  let anvil: AnvilInstance | undefined;
  let activity: DemoActivity | undefined;
  let vigil: VigilProcess | undefined;
  let summaryTimer: NodeJS.Timeout | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));

  let shuttingDown = false;
  const shutDown = async (reason: string, exitCode: number): Promise<never> => {
    if (!shuttingDown) {
      shuttingDown = true;
      console.log(`\n${reason}: stopping the activity, Vigil and anvil…`);
      clearInterval(summaryTimer);
      await activity?.stop();
      // Vigil first, so it saves its store while the chain it watches is still there.
      if (vigil) await stopChild(vigil.child, 10_000);
      await anvil?.stop();
      if (values['keep-data']) console.log(`Kept the data directory ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
      console.log('Demo stopped.');
      process.exit(exitCode);
    }
    return new Promise<never>(() => {});
  };
  process.on('SIGINT', () => void shutDown('Ctrl-C', 0));
  process.on('SIGTERM', () => void shutDown('SIGTERM', 0));

  try {
    console.log('Starting anvil (one block a second)…');
    anvil = await startAnvil({ chainId: demoChainId, blockTime: 1 });
    anvil.process.once('exit', (code, signal) =>
      afterSignalsSettle(() => void shutDown(`anvil exited unexpectedly (${signal ?? code})`, 1)),
    );
    console.log(`anvil: ${anvil.rpcUrl} (chain id ${demoChainId})`);

    const contracts = await deployDemoContracts(anvil.rpcUrl);
    console.log(`DemoToken: ${contracts.token}`);
    console.log(
      `DemoVault: ${contracts.vault} (LargeMovement above ${formatTokens(largeMovementThreshold)})`,
    );
    await fundDemoAccounts({
      rpcUrl: anvil.rpcUrl,
      token: contracts.token,
      actorAccountIndexes,
      amountEach: startingBalance,
    });
    console.log(
      `Minted ${formatTokens(startingBalance)} to each of anvil accounts ${actorAccountIndexes.join(', ')}.`,
    );

    const workspaceFile = writeDemoWorkspace(dataDir, anvil.rpcUrl, contracts);
    console.log(`Workspace: ${workspaceFile}`);

    activity = startDemoActivity({
      rpcUrl: anvil.rpcUrl,
      token: contracts.token,
      vault: contracts.vault,
      largeMovementThreshold,
      actorAccountIndexes,
      onAction: (action) => {
        if (values.verbose || action.kind.startsWith('large')) {
          console.log(
            `[activity] ${action.kind} ${formatTokens(action.amount)} ${action.from} → ${action.to} (${action.transactionHash})`,
          );
        }
      },
      onError: (error, actorIndex) =>
        console.log(`[activity] account ${actorIndex}: ${error.message.split('\n')[0]}`),
    });
    const startedAt = Date.now();
    summaryTimer = setInterval(() => {
      if (!activity) return;
      const parts = Object.entries(activity.counts)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${count} ${kind}`);
      const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
      console.log(`[activity] after ${minutes} min: ${parts.join(', ') || 'nothing yet'}`);
    }, summaryIntervalMs);

    vigil = startVigil(projectRoot, dataDir, workspaceFile);
    const vigilMode = vigil.mode;
    vigil.child.once('exit', (code, signal) => {
      // A clean exit, or one by signal (the window was closed, the process killed), ends the demo normally.
      const exitCode = code === 0 || signal !== null ? 0 : 1;
      afterSignalsSettle(
        () => void shutDown(`Vigil (${vigilMode}) exited (${signal ?? code})`, exitCode),
      );
    });
    console.log('Generating activity from several accounts. Press Ctrl-C to stop the demo.');
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    await shutDown('Setup failed', 1);
  }
}

// Run only as a script, so the helpers above can be imported without starting a demo.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
