// `npm run demo`: a local devnet with live DemoToken/DemoVault traffic, and Vigil watching it.
// Starts anvil (one block a second), deploys the demo contracts, funds a few dev accounts, keeps
// them trading at random, writes a workspace file declaring the chain, both contracts and two
// alert rules, and opens Vigil on it: the desktop app when Electron's binary is installed,
// headless mode otherwise. Once Vigil answers, it generates and funds a signer, proposes one
// transaction for approval by hand, and runs a keeper that stops (see lib/demo-stage.ts).
// Ctrl-C stops everything this script started. The end-to-end suite starts it with startDemo().
//   npm run demo [-- --keep-data] [-- --verbose]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
import { connectRpc, type RpcClient } from '../test/helpers/serve.ts';
import { ensureBuilt } from './lib/build-freshness.mjs';
import { chainClients, contractAbis, deployContract } from './lib/contracts.ts';
import { demoRules, stageDemo, type DemoStage } from './lib/demo-stage.ts';
import { electronMissingReason, installedElectronBinary } from './lib/electron-binary.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const demoChainId = 31337;
const tokenUnit = 10n ** 18n;
/** Deposits and withdrawals above this emit LargeMovement. */
const largeMovementThreshold = 10_000n * tokenUnit;
/** Account 0 deploys and owns the token; accounts 1–6 are the people using it. */
const actorAccountIndexes = [1, 2, 3, 4, 5, 6];
/** Account 7 is the keeper that stops, account 8 makes the early large deposit. */
const keeperAccountIndex = 7;
const whaleAccountIndex = 8;
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
  const keeper = chainClients(rpcUrl, keeperAccountIndex).account.address;
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
      ...demoRules(demoChainId, contracts.vault, keeper),
      '',
    ].join('\n'),
  );
  return workspaceFile;
}

// ---- Vigil ------------------------------------------------------------------------------------

/** The line headless mode prints once it answers: `Vigil console: URL`. */
const consoleLinePattern = /^Vigil console: (\S+)/;

function startVigil(
  root: string,
  dataDir: string,
  workspaceFile: string,
  token: string,
  mode: VigilProcess['mode'],
  log: (line: string) => void,
): VigilProcess {
  ensureBuilt(root);
  // The demo speaks the contract with the same token the console gets (never on argv).
  const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_TOKEN: token };
  const electronBinary = mode === 'electron' ? installedElectronBinary(root) : undefined;
  if (electronBinary) {
    log('Opening the Vigil desktop app…');
    // Set in some shells and CI images; it would make Electron behave as plain Node.
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(electronBinary, [join(root, 'out', 'main', 'electron.js')], {
      cwd: root,
      env: { ...env, VIGIL_DATA_DIR: dataDir, VIGIL_WORKSPACE: workspaceFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    passThroughOutput(child, '[vigil]', log);
    return { mode: 'electron', child };
  }
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'serve.js'), '--data-dir', dataDir, '--workspace', workspaceFile],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  passThroughOutput(child, '[vigil]', log);
  return { mode: 'headless', child };
}

/** Prints a child's output line by line; the console URL line is passed through as it is. */
function passThroughOutput(child: ChildProcess, prefix: string, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (consoleLinePattern.test(line)) log(`\n${line}\n`);
      else log(`${prefix} ${line}`);
    });
  }
}

/** The console URL headless mode prints, or an error if it exits first. */
function consoleUrlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = consoleLinePattern.exec(line);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`Vigil exited (${signal ?? code}) before it printed its console URL`)),
    );
  });
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

// ---- The demo ---------------------------------------------------------------------------------

export interface DemoOptions {
  dataDir: string;
  /** `headless` even where Electron is installed (the end-to-end suite). */
  mode?: 'auto' | 'headless';
  verbose?: boolean;
  log?: (line: string) => void;
  /** Called when anvil or Vigil exits on its own. */
  onExit?: (why: string, exitCode: number) => void;
}

export interface RunningDemo {
  mode: VigilProcess['mode'];
  /** Headless mode's console URL (the token in its fragment); null in the desktop app. */
  consoleUrl: string | null;
  anvil: AnvilInstance;
  contracts: DemoContracts;
  stage: DemoStage;
  stop(): Promise<void>;
}

/** Starts anvil, the demo contracts and their traffic, Vigil on them, and stages the signer. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? ((line: string) => console.log(line));
  let anvil: AnvilInstance | undefined;
  let activity: DemoActivity | undefined;
  let vigil: VigilProcess | undefined;
  let rpc: RpcClient | undefined;
  let stage: DemoStage | undefined;
  let summaryTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    clearInterval(summaryTimer);
    stage?.stop();
    rpc?.close();
    await activity?.stop();
    // Vigil first, so it saves its store while the chain it watches is still there.
    if (vigil) await stopChild(vigil.child, 10_000);
    await anvil?.stop();
  };
  try {
    log('Starting anvil (one block a second)…');
    anvil = await startAnvil({ chainId: demoChainId, blockTime: 1 });
    anvil.process.once('exit', (code, signal) => {
      if (!stopping)
        afterSignalsSettle(() =>
          options.onExit?.(`anvil exited unexpectedly (${signal ?? code})`, 1),
        );
    });
    log(`anvil: ${anvil.rpcUrl} (chain id ${demoChainId})`);

    const contracts = await deployDemoContracts(anvil.rpcUrl);
    log(`DemoToken: ${contracts.token}`);
    log(
      `DemoVault: ${contracts.vault} (LargeMovement above ${formatTokens(largeMovementThreshold)})`,
    );
    await fundDemoAccounts({
      rpcUrl: anvil.rpcUrl,
      token: contracts.token,
      actorAccountIndexes,
      amountEach: startingBalance,
    });
    log(
      `Minted ${formatTokens(startingBalance)} to each of anvil accounts ${actorAccountIndexes.join(', ')}.`,
    );

    const workspaceFile = writeDemoWorkspace(options.dataDir, anvil.rpcUrl, contracts);
    log(`Workspace: ${workspaceFile}`);

    const rpcUrl = anvil.rpcUrl;
    activity = startDemoActivity({
      rpcUrl,
      token: contracts.token,
      vault: contracts.vault,
      largeMovementThreshold,
      actorAccountIndexes,
      onAction: (action) => {
        if (options.verbose || action.kind.startsWith('large')) {
          log(
            `[activity] ${action.kind} ${formatTokens(action.amount)} ${action.from} → ${action.to} (${action.transactionHash})`,
          );
        }
      },
      onError: (error, actorIndex) =>
        log(`[activity] account ${actorIndex}: ${error.message.split('\n')[0]}`),
    });
    const startedAt = Date.now();
    summaryTimer = setInterval(() => {
      if (!activity) return;
      const parts = Object.entries(activity.counts)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${count} ${kind}`);
      const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
      log(`[activity] after ${minutes} min: ${parts.join(', ') || 'nothing yet'}`);
    }, summaryIntervalMs);

    // Staged through headless mode in every case: the contract is how a script speaks to
    // Vigil. The desktop app then opens on the same data directory and finds it all there.
    const token = randomBytes(24).toString('base64url');
    const desktop =
      options.mode !== 'headless' && installedElectronBinary(projectRoot) !== undefined;
    const quiet = (line: string): void => {
      if (!desktop || !consoleLinePattern.test(line.trim())) log(line);
    };
    vigil = startVigil(projectRoot, options.dataDir, workspaceFile, token, 'headless', quiet);
    const consoleUrl = await consoleUrlOf(vigil.child);
    const wsUrl = `${new URL(consoleUrl).origin.replace(/^http/, 'ws')}/rpc`;
    rpc = await connectRpc(wsUrl, { authorization: `Bearer ${token}` }, { person: null });
    const client = rpc;
    // The workspace (chains, contracts, rules) is applied as Vigil starts; wait for it.
    for (let attempt = 0; ; attempt++) {
      const contractsWatched = await client.call<unknown[]>('contracts.list');
      if (contractsWatched.length >= 2) break;
      if (attempt > 300) throw new Error('Vigil did not apply the demo workspace');
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    stage = await stageDemo({
      rpcUrl,
      chainId: demoChainId,
      token: contracts.token,
      vault: contracts.vault,
      largeMovementThreshold,
      ownerAccountIndex: 0,
      keeperAccountIndex,
      whaleAccountIndex,
      call: (method, params) => client.call(method, params),
      log,
    });
    if (desktop) {
      rpc.close();
      rpc = undefined;
      await stopChild(vigil.child, 10_000);
      vigil = startVigil(projectRoot, options.dataDir, workspaceFile, token, 'electron', log);
    } else if (options.mode !== 'headless') {
      log(`${electronMissingReason}, so Vigil runs in headless mode: open the console URL above.`);
    }
    const running = vigil;
    running.child.once('exit', (code, signal) => {
      // A clean exit, or one by signal (the window was closed, the process killed), ends the demo normally.
      const exitCode = code === 0 || signal !== null ? 0 : 1;
      if (!stopping)
        afterSignalsSettle(() =>
          options.onExit?.(`Vigil (${running.mode}) exited (${signal ?? code})`, exitCode),
        );
    });
    if (stage.proposalId !== null)
      log(
        [
          '',
          `Start with Transactions: transaction #${stage.proposalId} waits for your approval.`,
          'Approving takes a passkey (or, in the desktop app, its own dialog): enroll one under',
          'Approvers first. Alerts fire within the first minute.',
          '',
        ].join('\n'),
      );
    return {
      mode: running.mode,
      consoleUrl: running.mode === 'headless' ? consoleUrl : null,
      anvil,
      contracts,
      stage,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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

  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  let demo: RunningDemo | undefined;
  let shuttingDown = false;
  const shutDown = async (reason: string, exitCode: number): Promise<never> => {
    if (!shuttingDown) {
      shuttingDown = true;
      console.log(`\n${reason}: stopping the activity, Vigil and anvil…`);
      await demo?.stop();
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
    demo = await startDemo({
      dataDir,
      verbose: Boolean(values.verbose),
      onExit: (why, exitCode) => void shutDown(why, exitCode),
    });
    console.log('Generating activity from several accounts. Press Ctrl-C to stop the demo.');
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    await shutDown('Setup failed', 1);
  }
}

// Run only as a script, so the helpers above can be imported without starting a demo.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
