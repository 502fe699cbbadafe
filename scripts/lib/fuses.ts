// The Electron fuses a packaged Vigil must carry, read from electron-builder.yml (where
// electron-builder flips them with @electron/fuses at packaging time), and a check of a packaged
// binary's fuse wire against them. Tests use both; nothing here starts Electron.
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A fuse's byte in the wire: ASCII '0' and '1', 'r' for a fuse this Electron removed. */
const fuseStates: Record<number, string> = { 48: 'off', 49: 'on', 114: 'removed' };
const ON = 49;
const OFF = 48;

/** electron-builder's `electronFuses` keys, by the fuse they set. */
const fuseKeys = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
} as const;
export type FuseKey = keyof typeof fuseKeys;

export interface PackagingConfig {
  asar?: boolean;
  asarUnpack?: string[];
  files?: string[];
  electronFuses?: Partial<Record<FuseKey, boolean>>;
}

export function readPackagingConfig(root: string): PackagingConfig {
  return parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as PackagingConfig;
}

/** The fuses electron-builder sets, as @electron/fuses numbers them. */
export function expectedFuses(config: PackagingConfig): Map<FuseV1Options, boolean> {
  const expected = new Map<FuseV1Options, boolean>();
  for (const [key, value] of Object.entries(config.electronFuses ?? {})) {
    if (!(key in fuseKeys)) throw new Error(`electron-builder.yml: unknown fuse ${key}`);
    expected.set(fuseKeys[key as FuseKey], value);
  }
  return expected;
}

/**
 * What differs between a binary's fuse wire and the config, one line per fuse; empty when every
 * configured fuse is as configured. `binary` is the executable (or the .app on macOS).
 */
export async function fuseWireProblems(binary: string, config: PackagingConfig): Promise<string[]> {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  const problems: string[] = [];
  for (const [option, enabled] of expectedFuses(config)) {
    const state = wire[option];
    const want = enabled ? ON : OFF;
    if (state !== want)
      problems.push(
        `${FuseV1Options[option]} is ${state === undefined ? 'absent' : (fuseStates[state] ?? `byte ${state}`)}, expected ${fuseStates[want]}`,
      );
  }
  return problems;
}

/** A packaged build's executable under dist/ (electron-builder's unpacked output), if any. */
export function packagedAppBinary(root: string): string | undefined {
  const candidates = [
    join(root, 'dist', 'linux-unpacked', 'vigil'),
    join(root, 'dist', 'mac-arm64', 'Vigil.app'),
    join(root, 'dist', 'mac', 'Vigil.app'),
    join(root, 'dist', 'win-unpacked', 'Vigil.exe'),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

/** The executable inside a packaged build (the .app's own binary on macOS). */
export function packagedExecutable(binary: string): string {
  return binary.endsWith('.app') ? join(binary, 'Contents', 'MacOS', 'Vigil') : binary;
}

export const packagedAppMissingReason =
  'no packaged build under dist/ (run `npm run package` on a machine that can download Electron)';
