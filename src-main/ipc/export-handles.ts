// Desktop exports by opaque handle: main raises the save dialog, keeps the chosen path, and gives
// the renderer a random one-time handle to pass to audit.export. The renderer never names a path,
// so a script in the window cannot write an export over a file of its choosing.
import { randomBytes } from 'node:crypto';
import type { ValidatedInput } from './contract.ts';
import { VigilError } from '../core/errors/index.ts';

export interface ExportHandleBook {
  /** A new handle for a path the operator chose in the save dialog. */
  issue(path: string): string;
  /** The path behind `handle`, once; undefined for unknown, spent or expired handles. */
  take(handle: string): string | undefined;
}

/** Long enough to finish an export's form, short enough that a stray handle soon means nothing. */
const HANDLE_TTL_MS = 10 * 60_000;

export function createExportHandleBook(
  options: { ttlMs?: number; now?: () => number } = {},
): ExportHandleBook {
  const ttlMs = options.ttlMs ?? HANDLE_TTL_MS;
  const now = options.now ?? Date.now;
  const paths = new Map<string, { path: string; expiresAt: number }>();
  return {
    issue(path) {
      for (const [handle, entry] of paths) if (entry.expiresAt <= now()) paths.delete(handle);
      const handle = randomBytes(18).toString('base64url');
      paths.set(handle, { path, expiresAt: now() + ttlMs });
      return handle;
    },
    take(handle) {
      const entry = paths.get(handle);
      paths.delete(handle);
      return entry && entry.expiresAt > now() ? entry.path : undefined;
    },
  };
}

/**
 * audit.export as the desktop window sends it, turned into what the core runs: the handle
 * exchanged for the path the operator chose (the dialog asked before replacing a file). A path
 * from the window is refused.
 */
export function desktopExportInput(
  input: ValidatedInput<'audit.export'>,
  handles: ExportHandleBook | undefined,
): ValidatedInput<'audit.export'> {
  const { handle, path, ...rest } = input;
  if (path !== undefined)
    throw new VigilError(
      'EXPORT_PATH_INVALID',
      'The desktop app exports to a file chosen in its save dialog: ask dialog.chooseExportFile and pass its handle, not a path.',
      { field: 'path', details: { path, reason: 'dialog-only' } },
    );
  if (handle === undefined) return rest;
  const chosen = handles?.take(handle);
  if (chosen === undefined)
    throw new VigilError(
      'EXPORT_PATH_INVALID',
      'This export handle is unknown, already used or expired; choose the file in the save dialog again.',
      { field: 'handle', details: { reason: 'handle-unknown' } },
    );
  return { ...rest, path: chosen, overwrite: true };
}
