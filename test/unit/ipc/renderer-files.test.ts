// Which renderer file answers a request, in both shells: only files inside the renderer's folder
// (anything else is index.html), every one with the one CSP; app:// answers only its own host.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src-main/ipc/content-security-policy.ts';
import {
  appSchemeFileFor,
  rendererFileFor,
  rendererHeaders,
} from '../../../src-main/ipc/renderer-files.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const temp = makeTempDir('vigil-renderer-');
afterAll(() => temp.remove());
const dir = join(temp.path, 'renderer');
mkdirSync(join(dir, 'assets'), { recursive: true });
writeFileSync(join(dir, 'index.html'), '<!doctype html>');
writeFileSync(join(dir, 'assets', 'index.js'), '');
writeFileSync(join(temp.path, 'secret.txt'), 'outside');
const index = join(dir, 'index.html');

describe('renderer files', () => {
  it('serve files inside the folder and index.html for anything else', () => {
    expect(rendererFileFor(dir, '/assets/index.js')).toBe(join(dir, 'assets', 'index.js'));
    expect(rendererFileFor(dir, '/')).toBe(index);
    for (const outside of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%zz',
      '/assets/',
      '/no-such-file.js',
    ])
      expect(rendererFileFor(dir, outside), outside).toBe(index);
  });

  it('go out with the one CSP and their content type', () => {
    expect(rendererHeaders(index)).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
    });
    expect(rendererHeaders(join(dir, 'assets', 'index.js'))['content-type']).toMatch(/javascript/);
    expect(contentSecurityPolicy).toMatch(/script-src 'self';/);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('answer app:// GETs of the app’s own host only', () => {
    expect(appSchemeFileFor(dir, 'app://vigil/index.html', 'GET')).toBe(index);
    expect(appSchemeFileFor(dir, 'app://vigil/assets/index.js?v=1#x', 'GET')).toBe(
      join(dir, 'assets', 'index.js'),
    );
    expect(appSchemeFileFor(dir, 'app://vigil/../../secret.txt', 'GET')).toBe(index);
    expect(appSchemeFileFor(dir, 'app://evil/index.html', 'GET')).toBeNull();
    expect(appSchemeFileFor(dir, 'app://vigil/index.html', 'POST')).toBeNull();
    expect(appSchemeFileFor(dir, 'not a url', 'GET')).toBeNull();
  });
});
