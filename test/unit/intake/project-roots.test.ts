// Project discovery reads only folders the operator chose. A hostile client names /etc, ~/.ssh, a
// path with "..", a relative path, or a symlink inside a chosen folder that leads out of it: each
// gets its own refusal, and a link inside a project that leads out is not followed when reading.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { createProjectRoots, readProjectFiles } from '../../../src-main/core/intake/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const temp = makeTempDir('vigil-roots-');
afterAll(() => temp.remove());

const artifact = (event: string) => ({
  abi: [{ type: 'event', name: event, inputs: [], anonymous: false }],
});
const run = {
  transactions: [
    {
      transactionType: 'CREATE',
      contractName: 'Ledger',
      contractAddress: '0x00000000000000000000000000000000000000a1',
    },
  ],
};

function project(root: string, event = 'Recorded'): string {
  mkdirSync(join(root, 'out/Ledger.sol'), { recursive: true });
  writeFileSync(join(root, 'out/Ledger.sol/Ledger.json'), JSON.stringify(artifact(event)));
  mkdirSync(join(root, 'broadcast/Deploy.s.sol/31337'), { recursive: true });
  writeFileSync(join(root, 'broadcast/Deploy.s.sol/31337/run-latest.json'), JSON.stringify(run));
  return root;
}

function refusal(work: () => unknown): VigilError {
  try {
    work();
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('project roots', () => {
  const chosen = project(join(temp.path, 'chosen'));
  const outside = project(join(temp.path, 'outside'), 'Secret');
  const roots = createProjectRoots([chosen]);

  it('lets discovery read a chosen folder and what is inside it', () => {
    expect(roots.list()).toEqual([chosen]);
    expect(roots.resolve(chosen)).toBe(chosen);
    expect(roots.resolve(join(chosen, 'out'))).toBe(join(chosen, 'out'));
    expect(roots.resolve(`${chosen}/`)).toBe(chosen);
  });

  it.each([
    ['/etc', 'not-chosen'],
    [join(homedir(), '.ssh'), 'not-chosen'],
    [outside, 'not-chosen'],
    // A sibling whose name starts like the chosen folder's is not inside it.
    [`${chosen}-backup`, 'not-chosen'],
    [`${chosen}/../outside`, 'dot-dot'],
    [`${chosen}/out/../../outside`, 'dot-dot'],
    ['chosen', 'relative'],
    ['./chosen/out', 'relative'],
  ])('refuses %s (%s)', (path, reason) => {
    const error = refusal(() => roots.resolve(path));
    expect(error).toMatchObject({ code: 'FOLDER_NOT_ALLOWED', field: 'path' });
    expect(error.details).toEqual({ path, reason });
  });

  it('says how to choose a folder when none was', () => {
    const error = refusal(() => createProjectRoots().resolve('/etc'));
    expect(error.message).toBe(
      '/etc was not chosen by the operator, and no project folder has been. Discovery reads only folders the operator chose: pick it with "Choose folder…" in the desktop app, or start headless mode with --project-root DIR.',
    );
  });

  it('refuses a symbolic link inside a chosen folder that leads out of it', () => {
    const link = join(chosen, 'escape');
    symlinkSync(outside, link);
    const error = refusal(() => roots.resolve(link));
    expect(error).toMatchObject({
      code: 'FOLDER_NOT_ALLOWED',
      details: { path: link, reason: 'symlink-escape' },
    });
    // The message does not say where the link leads.
    expect(error.message).not.toContain(outside);
    expect(() => roots.resolve(join(link, 'out'))).toThrow(/symbolic link/);
  });

  it('says "not a folder" only inside a chosen folder', () => {
    expect(refusal(() => roots.resolve(join(chosen, 'nowhere')))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Outside, whether it exists is not said.
    expect(refusal(() => roots.resolve('/no/such/folder'))).toMatchObject({
      code: 'FOLDER_NOT_ALLOWED',
    });
  });

  it('adds a folder the operator picked, once, by its real path', () => {
    const more = createProjectRoots();
    const link = join(temp.path, 'link-to-chosen');
    symlinkSync(chosen, link);
    expect(more.allow(link)).toBe(chosen);
    expect(more.allow(chosen)).toBe(chosen);
    expect(more.list()).toEqual([chosen]);
    // Named as it was picked, or as it is.
    expect(more.resolve(join(link, 'out'))).toBe(join(chosen, 'out'));
    expect(refusal(() => more.allow(join(temp.path, 'missing')))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('reading a chosen project', () => {
  it('does not follow links inside it that lead out', () => {
    const root = project(join(temp.path, 'linked'));
    const secret = project(join(temp.path, 'secret'), 'Secret');
    // An artifact and a whole broadcast folder linked from outside.
    mkdirSync(join(root, 'out/Other.sol'), { recursive: true });
    symlinkSync(join(secret, 'out/Ledger.sol/Ledger.json'), join(root, 'out/Other.sol/Other.json'));
    symlinkSync(join(secret, 'broadcast/Deploy.s.sol'), join(root, 'broadcast/Secret.s.sol'));
    const files = readProjectFiles(root);
    expect(files.deployments).toHaveLength(1);
    expect(files.deployments[0]!.file).toBe('broadcast/Deploy.s.sol/31337/run-latest.json');
    expect(JSON.stringify(files)).not.toContain('Secret');
    // A link that stays inside is read.
    symlinkSync(join(root, 'out/Ledger.sol'), join(root, 'out/Alias.sol'));
    expect(readProjectFiles(root).deployments).toHaveLength(1);
  });
});
