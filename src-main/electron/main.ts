// The desktop app's entry: single instance, data under userData (or VIGIL_DATA_DIR), the core
// from the composition root, the contract over IPC, and one locked-down window showing the
// renderer from app://vigil/. A packaged build refuses debugging switches and the dev-server URL.
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { consoleLogger, createVigil, type VigilCore } from '../core/app.ts';
import {
  debugSwitchRefusal,
  devServerUrlFrom,
  explorerOrigins,
  refusedDebugSwitch,
} from '../ipc/electron-guards.ts';
import { createContractServer } from '../ipc/server.ts';
import { registerAppScheme, serveRendererOverAppScheme } from './app-protocol.ts';
import { createDesktopShell } from './dialogs.ts';
import { wireContract } from './ipc.ts';
import { askPerson } from './person-dialog.ts';
import { showAlertNotifications } from './notifications.ts';
import { applySecurityPolicy } from './security.ts';
import { appPaths, createMainWindow } from './window.ts';

function workspaceArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--workspace');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--workspace='))?.slice('--workspace='.length);
}

/** The configured chains' explorers: as set on each chain, else from viem's registry. */
async function configuredExplorerOrigins(core: VigilCore | undefined): Promise<string[]> {
  if (!core) return [];
  const [chains, known] = await Promise.all([
    core.call('chains.list', {}) as Promise<{ chainId: number; explorerUrl?: string }[]>,
    import('viem/chains'),
  ]);
  return explorerOrigins(chains, Object.values(known));
}

async function start(): Promise<void> {
  // Before anything else: whatever attaches through these could approve in the operator's name.
  // Said on stderr only: switches come from a command line, and an error box would wait for a
  // click (scripts and the launch test would hang on it).
  const refused = refusedDebugSwitch(process.argv, app.isPackaged);
  if (refused) {
    console.error(debugSwitchRefusal(refused));
    app.exit(1);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  await app.whenReady();
  const paths = appPaths(devServerUrlFrom(process.env, app.isPackaged), app.isPackaged);
  const origin = {
    indexFileUrl: paths.indexFileUrl,
    ...(paths.devServerUrl ? { devServerUrl: paths.devServerUrl } : {}),
  };
  serveRendererOverAppScheme(paths.rendererDir);
  let core: VigilCore | undefined;
  applySecurityPolicy(origin, () => configuredExplorerOrigins(core));

  const dataDir = process.env['VIGIL_DATA_DIR'] || join(app.getPath('userData'), 'data');
  const workspaceFile = process.env['VIGIL_WORKSPACE'] || workspaceArgument(process.argv);
  try {
    core = await createVigil({
      dataDir,
      ...(workspaceFile ? { workspaceFile } : {}),
      log: consoleLogger,
      askPerson,
    });
  } catch (error) {
    dialog.showErrorBox(
      'Vigil could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
    return;
  }
  const started = core;
  const server = createContractServer(started, createDesktopShell(started));
  const unwire = wireContract(server, origin);
  let window = createMainWindow(paths);
  const stopNotifications = showAlertNotifications(server, () => window);

  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createMainWindow(paths);
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow(paths);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    unwire();
    stopNotifications();
    // Save a final snapshot before the process ends.
    void started.close().finally(() => app.exit(0));
  });
}

void start();
