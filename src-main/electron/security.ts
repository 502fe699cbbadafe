// Process-wide guards: a strict CSP header, no navigation away from the app, no new windows, no
// permission grants, no <webview>. The decisions are pure functions in ipc/electron-guards.ts;
// this file only applies them.
//
// The CSP header reaches pages served over HTTP (electron-vite's dev server). Pages loaded from
// file:// carry no response headers, so the packaged app relies on the CSP <meta> tag in
// src-renderer/index.html; the two must stay at least this strict.
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
