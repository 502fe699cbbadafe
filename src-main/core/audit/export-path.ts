// Where an export may be written, and what it is called. Checked before anything is written, so
// a bad path costs nothing: relative paths, missing or non-directory parents, and places inside
// Vigil's own data directory (an export must never replace the journal or a snapshot) are refused
// with the reason. Whether the directory is writable is found by creating the temp file there.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import type { AuditExportFormat } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';

/** The data directory's folder for exports that headless mode serves as downloads. */
const EXPORTS_FOLDER = 'exports';

export function exportsDirOf(dataDir: string): string {
  return join(dataDir, EXPORTS_FOLDER);
}

/** `20250101-093000`: a UTC time as export file names carry it. */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

/** `vigil-audit-20250101-093000.jsonl`, or with a tag: `vigil-audit-20250101-093000-k3x9.csv`. */
export function auditExportFileName(format: AuditExportFormat, at: Date, tag?: string): string {
  return `vigil-audit-${fileStamp(at)}${tag ? `-${tag}` : ''}.${format}`;
}

const EXPORT_FILE_NAME = /^vigil-audit-\d{8}-\d{6}(-[A-Za-z0-9_-]{1,64})?\.(jsonl|csv)$/;

/** Whether `name` is a plain export file name (no folder, nothing that could climb out of one). */
export function isAuditExportFileName(name: string): boolean {
  return EXPORT_FILE_NAME.test(name);
}

function invalid(path: string, reason: string, message: string): VigilError {
  return new VigilError('EXPORT_PATH_INVALID', message, {
    field: 'path',
    details: { path, reason },
  });
}

function canonicalDir(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Checks an export's target path; returns it unchanged or throws EXPORT_PATH_INVALID saying what
 * is wrong and what to do.
 */
export function checkExportPath(
  path: string,
  dataDir: string,
  /** format: the file's extension (jsonl, csv for the audit log; json for a Safe proposal). */
  options: { format?: AuditExportFormat | 'json'; overwrite?: boolean } = {},
): string {
  if (!isAbsolute(path)) {
    throw invalid(
      path,
      'relative',
      `Export path ${path} is relative; give an absolute path (the file is written on the machine that runs Vigil), e.g. /home/ops/vigil-audit.jsonl.`,
    );
  }
  const directory = dirname(path);
  let directoryStat;
  try {
    directoryStat = statSync(directory);
  } catch {
    throw invalid(
      path,
      'directory-missing',
      `Cannot export to ${path}: the directory ${directory} does not exist. Create it first or choose another.`,
    );
  }
  if (!directoryStat.isDirectory()) {
    throw invalid(
      path,
      'not-a-directory',
      `Cannot export to ${path}: ${directory} is a file, not a directory.`,
    );
  }
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw invalid(
      path,
      'is-a-directory',
      `Cannot export to ${path}: it is a directory; add a file name, e.g. ${join(path, 'vigil-audit.jsonl')}.`,
    );
  }
  const target = join(canonicalDir(directory), basename(path));
  const data = canonicalDir(dataDir);
  const inside = relative(data, target);
  const inData = inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  if (inData && !inside.startsWith(`${EXPORTS_FOLDER}${sep}`)) {
    throw invalid(
      path,
      'inside-data-dir',
      `Cannot export to ${path}: it is inside Vigil's data directory ${dataDir}, whose files only Vigil writes. Choose a path outside it.`,
    );
  }
  // An export is .jsonl, .csv or .json: never a shell start-up file, a script or a config file.
  if (options.format && extname(path) !== `.${options.format}`) {
    throw invalid(
      path,
      'wrong-extension',
      `Cannot export to ${path}: a ${options.format} export is written to a file ending in .${options.format}.`,
    );
  }
  if (existing && options.overwrite !== true) {
    throw invalid(
      path,
      'exists',
      `Cannot export to ${path}: a file is already there. Choose another name, or confirm replacing it.`,
    );
  }
  return path;
}

/**
 * Headless clients do not choose paths on the machine that runs Vigil: their exports go to the
 * exports folder and download from there.
 */
export function exportPathFromWebError(path: string): VigilError {
  return invalid(
    path,
    'exports-folder-only',
    `Cannot export to ${path}: over the network, exports are written to Vigil's exports folder and downloaded from there. Leave out the path.`,
  );
}

/** A path named by any client (the desktop window too) where only main may choose one. */
export function exportPathFromClientError(path: string): VigilError {
  return invalid(
    path,
    'exports-folder-only',
    `Cannot export to ${path}: a client does not choose where Vigil writes. Leave out the path: the file goes to Vigil's exports folder and its text comes back to be saved where you choose.`,
  );
}

/** A save-dialog handle is redeemed by the desktop app that gave it, nowhere else. */
export function exportHandleElsewhereError(): VigilError {
  return new VigilError(
    'EXPORT_PATH_INVALID',
    'An export handle is only valid in the desktop app whose save dialog gave it; here, leave out the handle and the file goes to the exports folder.',
    { field: 'handle', details: { reason: 'handle-elsewhere' } },
  );
}

/** The error for a directory the temp file could not be created in. */
export function notWritableError(path: string, cause: unknown): VigilError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  return invalid(
    path,
    'not-writable',
    `Cannot write to ${dirname(path)} (${code}: ${(cause as Error).message}); nothing was written. Choose a directory you can write to.`,
  );
}
