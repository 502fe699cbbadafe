// The one window factory: every window Vigil opens gets the same locked-down settings.
import { BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import { appIndexUrl, isDevToolsShortcut, lockedWebPreferences } from '../ipc/electron-guards.ts';

export interface AppPaths {
  preloadPath: string;
  /** The built renderer's folder, served as app://vigil/. */
  rendererDir: string;
  indexFileUrl: string;
  devServerUrl: string | undefined;
  /** A packaged build: no DevTools. */
  isPackaged: boolean;
}

export function appPaths(devServerUrl: string | undefined, isPackaged: boolean): AppPaths {
  return {
    // out/main/electron.js → out/preload/index.cjs and out/renderer/
    preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
    indexFileUrl: appIndexUrl,
    devServerUrl,
    isPackaged,
  };
}

export function createMainWindow(paths: AppPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Vigil',
    backgroundColor: '#0f1419',
    show: false,
    webPreferences: lockedWebPreferences(paths.preloadPath, paths.isPackaged),
  });
  if (paths.isPackaged) {
    window.webContents.on('before-input-event', (event, input) => {
      if (isDevToolsShortcut(input)) event.preventDefault();
    });
    window.webContents.on('devtools-opened', () => window.webContents.closeDevTools());
  }
  window.once('ready-to-show', () => window.show());
  void window.loadURL(paths.devServerUrl ?? paths.indexFileUrl);
  return window;
}
