// Finds Electron's binary without starting its download: `require('electron')` (and the
// electron CLI) fetch the binary on first use when it is missing, and machines without access
// to Electron's download host would hang or fail there. The installer writes path.txt and
// dist/ only once the binary is really present.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const electronMissingReason =
  "Electron's binary is not installed (node_modules/electron/dist is missing; its download host is unreachable from this machine)";

/** The Electron binary's path if it is installed, else undefined. */
export function installedElectronBinary(root: string): string | undefined {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(
    root,
    'node_modules',
    'electron',
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}
