// Process-wide guards: the CSP header, no navigation away from the app, no new windows, no
// permission grants, no <webview>, and the system browser only for the configured chains'
// explorers. The decisions are pure functions in ipc/electron-guards.ts; this file applies them.
//
// The app:// handler sends the CSP with every renderer file; the header added here reaches pages
// served over HTTP (electron-vite's dev server in development).
import { app, session, shell } from 'electron';
import { contentSecurityPolicy } from '../ipc/content-security-policy.ts';
import { externalLinkToOpen, isNavigationAllowed, type AppOrigin } from '../ipc/electron-guards.ts';

export function applySecurityPolicy(
  origin: AppOrigin,
  /** The https origins links may open in the system browser, asked afresh at each click. */
  explorerOrigins: () => Promise<string[]>,
): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);

  const openIfExplorer = async (url: string): Promise<void> => {
    const target = externalLinkToOpen(url, await explorerOrigins());
    if (target) await shell.openExternal(target);
    else console.warn(`Not opened (not a configured explorer): ${JSON.stringify(url)}`);
  };

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url, origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url, origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      void openIfExplorer(url).catch((error: unknown) =>
        console.warn(`Opening ${JSON.stringify(url)} failed: ${String(error)}`),
      );
      return { action: 'deny' };
    });
  });
}
