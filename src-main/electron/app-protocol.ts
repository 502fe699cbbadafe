// The renderer over app://vigil/: registered as a standard, secure scheme before the app is
// ready, then answered from the built renderer's folder with the one CSP (ipc/renderer-files.ts
// decides which file and which headers, as it does for headless mode).
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME } from '../ipc/electron-guards.ts';
import { appSchemeFileFor, rendererHeaders } from '../ipc/renderer-files.ts';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRendererOverAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const filePath = appSchemeFileFor(rendererDir, request.url, request.method);
    if (!filePath) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(await readFile(filePath)), {
      status: 200,
      headers: rendererHeaders(filePath),
    });
  });
}
