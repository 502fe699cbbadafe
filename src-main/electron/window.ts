// The one window factory: every window Vigil opens gets the same locked-down settings.
import { BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  preloadPath: string;
  indexFileUrl: string;
  devServerUrl: string | undefined;
}

export function appPaths(): AppPaths {
  return {
    // out/main/electron.js → out/preload/index.cjs and out/renderer/index.html
    preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    indexFileUrl: new URL('../renderer/index.html', import.meta.url).toString(),
    devServerUrl: process.env['ELECTRON_RENDERER_URL'] || undefined,
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
    webPreferences: {
      preload: paths.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(paths.devServerUrl ?? paths.indexFileUrl);
  return window;
}
