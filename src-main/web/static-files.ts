// Serves the built renderer. Only files inside its folder; everything unknown falls back to
// index.html so a reload on any view works.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../ipc/electron-guards.ts';

// One policy for both shells: connect-src 'self' also covers the headless WebSocket.
export { contentSecurityPolicy };

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** `urlPath` is the target's path alone, still percent-encoded. */
export function serveStatic(rendererDir: string, urlPath: string, response: ServerResponse): void {
  const root = resolve(rendererDir);
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    // A malformed escape (`/%zz`) names no file; thrown here it would end the process.
    relative = '/';
  }
  if (relative.endsWith('/')) relative += 'index.html';
  let filePath = normalize(join(root, relative));
  if (!filePath.startsWith(root + sep) || !existsSync(filePath) || !statSync(filePath).isFile()) {
    filePath = join(root, 'index.html');
  }
  response.writeHead(200, {
    'content-type': contentTypes[extname(filePath)] ?? 'application/octet-stream',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  response.end(readFileSync(filePath));
}
