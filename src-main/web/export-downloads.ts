// Headless mode's downloads of audit exports: GET /exports/<file> streams a file the engine
// wrote to the data directory's exports folder. The session cookie (or the token as a bearer
// header) is required as for the WebSocket; the name must be an export file name (no folders, so nothing outside the folder
// can be named), and the file is sent as an attachment.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isAuditExportFileName } from '../core/audit/index.ts';
import { isKeystoreFileName } from '../core/keys/index.ts';

export const EXPORTS_PATH_PREFIX = '/exports/';

const contentTypes = {
  jsonl: 'application/jsonl; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

export function serveExportDownload(options: {
  request: IncomingMessage;
  response: ServerResponse;
  pathname: string;
  exportsDir: string | undefined;
  authorised: boolean;
}): void {
  const { request, response, pathname, exportsDir, authorised } = options;
  if (!authorised) return plain(response, 401, 'missing or wrong token');
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(EXPORTS_PATH_PREFIX.length));
  } catch {
    return plain(response, 400, 'malformed file name');
  }
  // Audit exports and keystore backups (signers.backup), nothing else the folder might hold.
  if (!exportsDir || !(isAuditExportFileName(name) || isKeystoreFileName(name)))
    return plain(response, 404, 'no such export');
  const path = join(exportsDir, name);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) return plain(response, 404, 'no such export');
  response.writeHead(200, {
    'content-type': contentTypes[(name.split('.').pop() ?? 'jsonl') as keyof typeof contentTypes],
    'content-length': String(stat.size),
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const file = createReadStream(path);
  file.on('error', () => response.destroy());
  file.pipe(response);
}
