// The packaging config holds the Electron hardening it promises: the fuses electron-builder flips
// (read from electron-builder.yml, the config it runs with), an asar archive with only sql.js's
// WebAssembly beside it, and a fuse-wire check that tells a hardened binary from a stock one.
// The wire check runs on a stand-in binary here (a real one's wire has the same layout); the
// Electron launch test runs it on a packaged build where one exists.
import { flipFuses } from '@electron/fuses';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectedFuses,
  fuseWireProblems,
  readPackagingConfig,
} from '../../../scripts/lib/fuses.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const config = readPackagingConfig(root);
const temp = makeTempDir('vigil-fuses-');
afterAll(() => temp.remove());

/**
 * A file laid out as Electron's binary is around its fuse wire: the sentinel, the wire's version
 * and length, then one byte per fuse, as a stock Electron ships them.
 */
function stockBinary(name: string): string {
  const path = join(temp.path, name);
  // RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off,
  // asar-only off, browser V8 snapshot off, file:// privileges on.
  const stockWire = '10110001';
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from('\x7fELF…code…'),
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
      Buffer.from([1, stockWire.length]),
      Buffer.from(stockWire),
      Buffer.from('…more code…'),
    ]),
  );
  return path;
}

describe('electron-builder.yml', () => {
  it('sets the hardening fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Every key is one electron-builder knows (a typo would be ignored there, silently).
    expect(() => expectedFuses(config)).not.toThrow();
    expect(() => expectedFuses({ electronFuses: { onlyLoadAppFromAsr: true } as never })).toThrow(
      /unknown fuse onlyLoadAppFromAsr/,
    );
  });

  it('packs the app into asar with only the sql.js WebAssembly unpacked', () => {
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toEqual(['node_modules/sql.js/dist/sql-wasm.wasm']);
    expect(config.files).toEqual(['out/**', 'package.json']);
  });
});

describe('the fuse wire check', () => {
  it('finds every unhardened fuse in a stock binary', async () => {
    const problems = await fuseWireProblems(stockBinary('stock'), config);
    expect(problems).toEqual(
      expect.arrayContaining([
        'RunAsNode is on, expected off',
        'EnableNodeOptionsEnvironmentVariable is on, expected off',
        'EnableNodeCliInspectArguments is on, expected off',
        'OnlyLoadAppFromAsar is off, expected on',
        'GrantFileProtocolExtraPrivileges is on, expected off',
      ]),
    );
  });

  it('passes a binary flipped by electron-builder’s own code from this config', async () => {
    const binary = stockBinary('flipped');
    // What electron-builder runs at packaging time: its fuse config from electronFuses, then
    // @electron/fuses' flipFuses.
    const { PlatformPackager } = (await import('app-builder-lib')) as unknown as {
      PlatformPackager: {
        prototype: { generateFuseConfig(fuses: unknown): Promise<Parameters<typeof flipFuses>[1]> };
      };
    };
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call(
      undefined,
      config.electronFuses,
    );
    await flipFuses(binary, fuseConfig);
    expect(await fuseWireProblems(binary, config)).toEqual([]);
  });
});
