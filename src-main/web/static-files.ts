// Serves the built renderer over HTTP; which file and which headers (the one CSP) are decided in
// ipc/renderer-files.ts, shared with the desktop app's app:// handler.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { rendererFileFor, rendererHeaders } from '../ipc/renderer-files.ts';

/** `urlPath` is the target's path alone, still percent-encoded. */
export function serveStatic(rendererDir: string, urlPath: string, response: ServerResponse): void {
  const filePath = rendererFileFor(rendererDir, urlPath);
  response.writeHead(200, rendererHeaders(filePath));
  response.end(readFileSync(filePath));
}
