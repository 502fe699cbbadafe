// `npm run import` as an operator runs it on a data directory: without --yes it prints the
// preview and changes nothing; with --yes it applies the plan; run again it adds nothing.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Address } from 'viem';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract } from '../../helpers/contracts.ts';
import { writeImportFolder } from '../../helpers/oz-monitor-folder.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const run = promisify(execFile);
let anvil: AnvilInstance;
let temp: { path: string; remove(): void };
let folder: string;

beforeAll(async () => {
  anvil = await startAnvil();
  const token: Address = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo USD', 'DUSD']);
  const keeper: Address = await deployContract(anvil.rpcUrl, 'Emitter');
  temp = makeTempDir('vigil-import-script-');
  folder = join(temp.path, 'oz');
  writeImportFolder(folder, { anvil, token, keeper });
});

afterAll(async () => {
  await anvil?.stop();
  temp?.remove();
});

async function importCli(...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/import.ts',
      '--data-dir',
      join(temp.path, 'data'),
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
  expect(preview).toContain('Rules to add (11):');
  expect(preview).toMatch(/Not carried over \(\d+\):/);
  expect(preview).toMatch(/keeper_heartbeat\.json:\d+: .*filter script is not run/);
  expect(preview).toContain('Nothing was changed. Run again with --yes to apply this import.');
  // The preview changed nothing: applying adds all eleven rules below.
  expect(await importCli('--yes')).toContain(
    'Applied: 1 chain(s), 2 contract(s), 11 rule(s) added; 0 already present.',
  );
  const again = await importCli('--yes');
  expect(again).not.toContain('Rules to add');
  expect(again).toContain(
    'Applied: 0 chain(s), 0 contract(s), 0 rule(s) added; 14 already present.',
  );
}, 240_000);
