// Issue 16 in the real UI: an OpenZeppelin Monitor folder inside the --project-root folder is
// previewed in the Workspace view (what is added, what is not carried over with file:line and
// why), imported on confirm, and a second preview finds everything already there. A folder
// outside the chosen one is refused.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { deployContract } from '../helpers/contracts.ts';
import { writeImportFolder } from '../helpers/oz-monitor-folder.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { screenshot, startStack, watchForProblems, type Stack } from './stack.ts';

let stack: Stack;
const roots = makeTempDir('vigil-e2e-import-');

test.setTimeout(180_000);

test.beforeAll(async () => {
  stack = await startStack({
    serveArgs: ['--project-root', roots.path, '--allow-private-webhooks'],
    serveEnv: { OPS_WEBHOOK_SECRET: 'ops-webhook-secret-0123456789' },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  roots.remove();
});

test('preview an OpenZeppelin Monitor folder, import it, and find it there the second time', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  const { anvil, serve } = stack;
  const token = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo USD', 'DUSD']);
  const keeper = await deployContract(anvil.rpcUrl, 'Emitter');
  const folder = join(roots.path, 'oz-monitor-config');
  writeImportFolder(folder, { anvil, token, keeper });

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Workspace' }).click();
  const panel = page.getByRole('region', { name: 'Import from another tool' });
  await panel.getByLabel('Configuration folder').fill('/etc');
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByRole('alert')).toContainText('/etc is not inside');

  await panel.getByLabel('Configuration folder').fill(folder);
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText(/oz-monitor: 14 to add, 0 already in Vigil/)).toBeVisible();
  await expect(panel.getByRole('table', { name: 'Rules to add' }).getByRole('row')).toHaveCount(12);
  const notCarried = panel.getByRole('table', { name: 'Not carried over' });
  await expect(
    notCarried
      .getByRole('row')
      .filter({ hasText: /keeper_heartbeat\.json:\d+/ })
      .filter({
        hasText: 'filter script is not run',
      }),
  ).toHaveCount(1);
  await expect(
    notCarried.getByRole('row').filter({ hasText: 'Telegram is not a Vigil channel' }),
  ).toHaveCount(1);
  await screenshot(page, 'import-preview');

  await panel.getByRole('button', { name: 'Import 14 item(s)' }).click();
  await expect(panel.getByRole('status')).toContainText(
    'Imported: 1 chain(s), 2 contract(s) and 11 rule(s) added; 0 already present.',
  );
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText(/nothing new to add, 14 already in Vigil/)).toBeVisible();
  await expect(panel.getByRole('button', { name: /^Import \d+ item/ })).toHaveCount(0);
  await screenshot(page, 'import-again');
  expect(problems).toEqual([]);
});
