// The folders project discovery may read: only those the operator chose (a native folder dialog in
// the desktop app, --project-root on headless mode's command line, a `source: ./path` in the
// workspace file Vigil was started with). A renderer or headless client is treated as hostile:
// it may name a folder inside one of these, nothing else, so it cannot make Vigil read /etc or
// ~/.ssh and hand back what it found. Paths are compared after every symlink is resolved, so a
// link inside a chosen folder does not lead out of it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { VigilError } from '../errors/index.ts';

export interface ProjectRoots {
  /** Records a folder the operator chose; returns its real path (symlinks resolved). */
  allow(path: string): string;
  /** The allowed folders' real paths, in the order they were chosen. */
  list(): string[];
  /**
   * The real path of `path` when it is (inside) an allowed folder; a FOLDER_NOT_ALLOWED refusal
   * saying why otherwise, or NOT_FOUND for a missing folder inside an allowed one.
   */
  resolve(path: string, field?: string): string;
}

/** Whether `path` is `root` or lies below it; both absolute and normalised. */
export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** `path` with its symlinks resolved, or undefined when it does not exist. */
export function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function refuse(path: string, field: string, reason: string, message: string): VigilError {
  return new VigilError('FOLDER_NOT_ALLOWED', message, {
    field,
    details: { path, reason },
  });
}

export function createProjectRoots(initial: readonly string[] = []): ProjectRoots {
  // Each as chosen and as it really is: a path given through a symlinked parent (/tmp on macOS)
  // is recognised by either.
  const roots: { chosen: string; real: string }[] = [];
  const allow = (path: string): string => {
    const chosen = resolve(path);
    const real = realPathOf(chosen);
    if (!real || !statSync(real).isDirectory())
      throw new VigilError('NOT_FOUND', `${path} is not a folder.`, { field: 'path' });
    if (!roots.some((root) => root.real === real)) roots.push({ chosen, real });
    return real;
  };
  for (const path of initial) allow(path);

  const chooseHint =
    'Discovery reads only folders the operator chose: pick it with "Choose folder…" in the desktop app, or start headless mode with --project-root DIR';
  return {
    allow,
    list: () => roots.map((root) => root.real),
    resolve(path, field = 'path') {
      if (!isAbsolute(path))
        throw refuse(
          path,
          field,
          'relative',
          `${path} is not an absolute path; give the project folder's full path.`,
        );
      // Refused as written, not after normalising: a client has no honest use for "..".
      if (path.split(/[\\/]/).includes('..'))
        throw refuse(
          path,
          field,
          'dot-dot',
          `${path} contains "..": give the project folder's path without it.`,
        );
      const given = resolve(path);
      // Whether a path outside every root exists is not said either.
      if (!roots.some((root) => isWithin(root.chosen, given) || isWithin(root.real, given)))
        throw refuse(
          path,
          field,
          'not-chosen',
          roots.length === 0
            ? `${path} was not chosen by the operator, and no project folder has been. ${chooseHint}.`
            : `${path} is not inside a project folder the operator chose (${roots.map((root) => root.real).join(', ')}). ${chooseHint}.`,
        );
      const real = realPathOf(given);
      if (!real || !existsSync(real) || !statSync(real).isDirectory())
        throw new VigilError('NOT_FOUND', `${path} is not a folder.`, { field });
      if (!roots.some((root) => isWithin(root.real, real)))
        throw refuse(
          path,
          field,
          'symlink-escape',
          `${path} goes through a symbolic link that leads outside the project folders the operator chose; discovery does not follow it.`,
        );
      return real;
    },
  };
}
