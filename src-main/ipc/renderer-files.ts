// Which file of the built renderer answers a URL path, for both shells: headless mode's HTTP
// server and the desktop app's app:// handler. Only files inside the renderer's folder; anything
// unknown is index.html, so a reload on any view works.
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { APP_HOST } from './electron-guards.ts';

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

/** The headers every renderer file goes out with, in either shell. */
export function rendererHeaders(filePath: string): Record<string, string> {
  return {
    'content-type': contentTypes[extname(filePath)] ?? 'application/octet-stream',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** `urlPath` is a URL's path alone, still percent-encoded. */
export function rendererFileFor(rendererDir: string, urlPath: string): string {
  const root = resolve(rendererDir);
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    // A malformed escape (`/%zz`) names no file; thrown here it would end the process.
    relative = '/';
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const filePath = normalize(join(root, relative));
  if (!filePath.startsWith(root + sep) || !existsSync(filePath) || !statSync(filePath).isFile())
    return join(root, 'index.html');
  return filePath;
}

/**
 * The file an app:// request is answered with, or null (404): only GETs of app://vigil/…, and
 * only files inside the renderer's folder.
 */
export function appSchemeFileFor(
  rendererDir: string,
  requestUrl: string,
  method: string,
): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.host !== APP_HOST || method !== 'GET') return null;
  return rendererFileFor(rendererDir, url.pathname);
}
