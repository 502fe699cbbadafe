// `npm run import` as an operator runs it on a data directory: without --yes it prints the
// preview and changes nothing; with --yes it applies the plan; run again it adds nothing.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startImportChain, type ImportChain } from '../../helpers/import-stack.ts';
import { writeImportFolder } from '../../helpers/oz-monitor-folder.ts';

const run = promisify(execFile);
let stack: ImportChain;
let folder: string;

beforeAll(async () => {
  const started = await startImportChain({ rootPrefix: 'vigil-import-script-', deploy: true });
  stack = started;
  folder = join(stack.root, 'oz');
  writeImportFolder(folder, { anvil: stack.anvil, token: started.token, keeper: started.emitter });
});

afterAll(async () => {
  await stack?.stop();
});

async function importCli(...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/import.ts',
      '--data-dir',
      join(stack.root, 'data'),
      '--allow-private-rpc',
      ...args,
      folder,
    ],
    {
      env: { ...process.env, OPS_WEBHOOK_SECRET: 'ops-webhook-secret-0123456789' },
      timeout: 120_000,
    },
  );
  return stdout;
}

it('previews, applies with --yes, and adds nothing the second time', async () => {
  const preview = await importCli();
  expect(preview).toContain('Rules to add (12):');
  expect(preview).toMatch(/Not carried over \(\d+\):/);
  expect(preview).toMatch(/keeper_heartbeat\.json:\d+: .*filter script is not run/);
  expect(preview).toContain('Nothing was changed. Run again with --yes to apply this import.');
  // The preview changed nothing: applying adds all twelve rules below.
  expect(await importCli('--yes')).toContain(
    'Applied: 1 chain(s), 2 contract(s), 12 rule(s) added; 0 already present.',
  );
  const again = await importCli('--yes');
  expect(again).not.toContain('Rules to add');
  expect(again).toContain(
    'Applied: 0 chain(s), 0 contract(s), 0 rule(s) added; 15 already present.',
  );
}, 240_000);
