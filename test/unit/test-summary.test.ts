// The slowest-files lines npm test prints after vitest: slowest first, paths relative to the root.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slowestVitestFiles } from '../../scripts/lib/test-summary.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const dir = makeTempDir();
afterAll(() => dir.remove());

describe('slowestVitestFiles', () => {
  it('lists the slowest files first, relative to the root, at most the count asked', () => {
    const file = join(dir.path, 'vitest.json');
    const result = (name: string, seconds: number) => ({
      name,
      startTime: 1_000,
      endTime: 1_000 + seconds * 1000,
    });
    writeFileSync(
      file,
      JSON.stringify({
        testResults: [
          result('/repo/test/a.test.ts', 2),
          result('/repo/test/b.test.ts', 95.25),
          result('/elsewhere/c.test.ts', 7),
        ],
      }),
    );
    expect(slowestVitestFiles(file, 2, '/repo/')).toEqual([
      '   95.3 s  test/b.test.ts',
      '    7.0 s  /elsewhere/c.test.ts',
    ]);
  });

  it('gives nothing when vitest wrote no report', () => {
    expect(slowestVitestFiles(join(dir.path, 'absent.json'), 5, '/repo/')).toEqual([]);
  });
});
