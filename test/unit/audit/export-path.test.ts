// Where an export may be written: only a .jsonl or .csv file of its own format, and never over an
// existing file unless the operator confirmed replacing it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExportPath } from '../../../src-main/core/audit/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const out = makeTempDir();
const data = makeTempDir();
afterAll(() => {
  out.remove();
  data.remove();
});

const reasonOf = (run: () => unknown): unknown => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { details?: { reason?: string } }).details?.reason;
  }
};

describe('export path', () => {
  it('takes only a file named for its format', () => {
    const good = join(out.path, 'audit.csv');
    expect(checkExportPath(good, data.path, { format: 'csv' })).toBe(good);
    for (const name of ['.bashrc', 'audit.jsonl', 'audit.csv.sh', 'audit'])
      expect(
        reasonOf(() => checkExportPath(join(out.path, name), data.path, { format: 'csv' })),
        name,
      ).toBe('wrong-extension');
  });

  it('takes a Safe proposal export only as .json, outside the data directory', () => {
    const good = join(out.path, 'proposal.json');
    expect(checkExportPath(good, data.path, { format: 'json' })).toBe(good);
    for (const name of ['.profile', 'proposal.json.sh', 'proposal.jsonl'])
      expect(
        reasonOf(() => checkExportPath(join(out.path, name), data.path, { format: 'json' })),
        name,
      ).toBe('wrong-extension');
    expect(
      reasonOf(() =>
        checkExportPath(join(data.path, 'proposal.json'), data.path, { format: 'json' }),
      ),
    ).toBe('inside-data-dir');
  });

  it('does not replace a file unless told to', () => {
    const existing = join(out.path, 'kept.jsonl');
    writeFileSync(existing, 'x');
    expect(reasonOf(() => checkExportPath(existing, data.path, { format: 'jsonl' }))).toBe(
      'exists',
    );
    expect(checkExportPath(existing, data.path, { format: 'jsonl', overwrite: true })).toBe(
      existing,
    );
  });
});
