// Finding Electron's binary must never start its download (require('electron') would): only the
// files its installer writes once the binary is really there count.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../../../scripts/lib/electron-binary.ts';
import { packagedAppBinary } from '../../../scripts/lib/fuses.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const temp = makeTempDir('vigil-electron-binary-');
afterAll(() => temp.remove());

describe('the Electron binary', () => {
  it('is found only when the installer wrote both path.txt and the binary', () => {
    const root = join(temp.path, 'project');
    const electronDir = join(root, 'node_modules', 'electron');
    mkdirSync(electronDir, { recursive: true });
    // The package without its binary: what this machine has.
    expect(installedElectronBinary(root)).toBeUndefined();
    writeFileSync(join(electronDir, 'path.txt'), 'electron\n');
    expect(installedElectronBinary(root)).toBeUndefined();
    mkdirSync(join(electronDir, 'dist'));
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    expect(installedElectronBinary(root)).toBe(join(electronDir, 'dist', 'electron'));
  });

  it('of a packaged build is looked for under dist/ only', () => {
    const root = join(temp.path, 'packaged');
    mkdirSync(join(root, 'dist', 'linux-unpacked'), { recursive: true });
    expect(packagedAppBinary(root)).toBeUndefined();
    writeFileSync(join(root, 'dist', 'linux-unpacked', 'vigil'), '');
    expect(packagedAppBinary(root)).toBe(join(root, 'dist', 'linux-unpacked', 'vigil'));
  });
});
