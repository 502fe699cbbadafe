// Whether out/ counts as a build of the current sources: npm run serve and the test helpers run
// it only then, so a stale answer would run yesterday's code.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { staleBuildReason } from '../../../scripts/lib/build-freshness.mjs';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const outputs = [
  'out/main/electron.js',
  'out/main/serve.js',
  'out/main/engine-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
const sources = ['src-main/core/app.ts', 'src-renderer/index.html', 'package.json'];

let root: { path: string; remove(): void };
beforeEach(() => {
  root = makeTempDir('vigil-freshness-');
});
afterEach(() => root.remove());

/** Writes the file, it and the folders it made dated `seconds` (since the epoch). */
function writeAt(file: string, seconds: number): void {
  const path = join(root.path, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'x');
  for (let at = path; at !== root.path; at = dirname(at)) utimesSync(at, seconds, seconds);
}

function buildAt(seconds: number): void {
  for (const file of outputs) writeAt(file, seconds);
}

test('a build newer than every source is current', () => {
  for (const file of sources) writeAt(file, 1_000);
  buildAt(2_000);
  expect(staleBuildReason(root.path)).toBeUndefined();
});

test('no build at all, or one output missing, is stale and names what is missing', () => {
  for (const file of sources) writeAt(file, 1_000);
  expect(staleBuildReason(root.path)).toMatch(/out\/main\/serve\.js.*missing/);
  buildAt(2_000);
  rmSync(join(root.path, 'out/main/engine-worker.js'));
  expect(staleBuildReason(root.path)).toBe('out/main/engine-worker.js missing');
});

test('a source edited after the build, however deep, makes it stale', () => {
  for (const file of sources) writeAt(file, 1_000);
  writeAt('src-main/core/engine/deep/worker.ts', 1_000);
  buildAt(2_000);
  // An edit in place dates the file only, not its folders.
  const edited = join(root.path, 'src-main/core/engine/deep/worker.ts');
  utimesSync(edited, 3_000, 3_000);
  expect(staleBuildReason(root.path)).toBe('src-main changed since the last build');
});

test('a source file deleted after the build makes it stale through its folder', () => {
  for (const file of sources) writeAt(file, 1_000);
  writeAt('src-renderer/old-view.tsx', 1_000);
  buildAt(2_000);
  rmSync(join(root.path, 'src-renderer/old-view.tsx'));
  expect(staleBuildReason(root.path)).toBe('src-renderer changed since the last build');
});

test('one output older than a source is enough to rebuild (an interrupted build)', () => {
  for (const file of sources) writeAt(file, 1_000);
  buildAt(2_000);
  writeAt('out/renderer/index.html', 500);
  expect(staleBuildReason(root.path)).toBe('src-main changed since the last build');
});
