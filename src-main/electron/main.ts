// The desktop app's entry: single instance, data under userData (or VIGIL_DATA_DIR), the core
// from the composition root, the contract over IPC, and one locked-down window.
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { consoleLogger, createVigil, type VigilCore } from '../core/app.ts';
import { createContractServer } from '../ipc/server.ts';
import { dialogHandlers } from './dialogs.ts';
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

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const paths = appPaths();
  const origin = {
    indexFileUrl: paths.indexFileUrl,
    ...(paths.devServerUrl ? { devServerUrl: paths.devServerUrl } : {}),
  };
  applySecurityPolicy(origin);

  const dataDir = process.env['VIGIL_DATA_DIR'] || join(app.getPath('userData'), 'data');
  const workspaceFile = process.env['VIGIL_WORKSPACE'] || workspaceArgument(process.argv);
  let core: VigilCore;
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
  const server = createContractServer(core, dialogHandlers);
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
    void core.close().finally(() => app.exit(0));
  });
}

void start();
