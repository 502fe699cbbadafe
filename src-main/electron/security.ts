// Process-wide guards: a strict CSP on every response, no navigation away from the app, no new
// windows, no permission grants, no <webview>. The decisions are pure functions in
// ipc/electron-guards.ts; this file only applies them.
import { app, session, shell } from 'electron';
import {
  contentSecurityPolicy,
  isExternalLinkAllowed,
  isNavigationAllowed,
  type AppOrigin,
} from '../ipc/electron-guards.ts';

export function applySecurityPolicy(origin: AppOrigin): void {
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

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url, origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url, origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLinkAllowed(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
