// Issue 16 in the real UI: an OpenZeppelin Monitor folder inside the --project-root folder is
// previewed in the Workspace view (what is added, what is not carried over with file:line and
// why), imported on confirm, and a second preview finds everything already there. A folder
// outside the chosen one is refused. An OpenZeppelin Relayer folder whose keystore passphrase and
// webhook signing key are named by variables the server lacks is imported with both typed in the
// panel, and the key approved with the operator's passkey.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { getAddress } from 'viem';
import type { AlertRule } from '../../src-main/ipc/contract.ts';
import { deployContract } from '../helpers/contracts.ts';
import { writeImportFolder } from '../helpers/oz-monitor-folder.ts';
import { ozRelayerFolder } from '../helpers/oz-relayer-folder.ts';
import { enroll, makePerson } from '../helpers/person.ts';
import { connectRpc } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  addVirtualAuthenticator,
  screenshot,
  startStack,
  watchForProblems,
  type Stack,
} from './stack.ts';

let stack: Stack;
const roots = makeTempDir('vigil-e2e-import-');

test.setTimeout(180_000);

test.beforeAll(async () => {
  stack = await startStack({
    serveArgs: ['--project-root', roots.path, '--allow-private-webhooks'],
    serveEnv: { OPS_WEBHOOK_SECRET: 'ops-webhook-secret-0123456789' },
  });
});

/** The whole panel, however long its preview: the viewport grown to hold it for the picture. */
async function previewScreenshot(page: Page, panel: Locator, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  // Tall enough for any preview, so that nothing scrolls while the picture is taken.
  await page.setViewportSize({ ...viewport, height: 6_000 });
  await panel.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await panel.screenshot({ path: test.info().outputPath(`${name}.png`) });
  await page.setViewportSize(viewport);
}

/** axe's WCAG 2.2 AA findings in the import panel, as the accessibility spec checks views. */
async function panelViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .include('section[aria-label="Import from another tool"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(result.passes.length).toBeGreaterThan(5);
  return result.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(' | ')}`,
  );
}

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
  await expect(panel.getByText(/oz-monitor: 15 to add, 0 already in Vigil/)).toBeVisible();
  await expect(panel.getByRole('table', { name: 'Rules to add' }).getByRole('row')).toHaveCount(13);
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
  await previewScreenshot(page, panel, 'import-preview-oz-monitor');

  await panel.getByRole('button', { name: 'Import 15 item(s)' }).click();
  await expect(panel.getByRole('status')).toContainText(
    'Imported: 1 chain(s), 2 contract(s) and 12 rule(s) added; 0 already present.',
  );
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText(/nothing new to add, 15 already in Vigil/)).toBeVisible();
  await expect(panel.getByRole('button', { name: /^Import \d+ item/ })).toHaveCount(0);
  await screenshot(page, 'import-again');
  expect(problems).toEqual([]);
});

test('an OpenZeppelin Relayer folder: the passphrase and the webhook secret typed, the key approved', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  const { anvil, serve } = stack;
  const passphrase = 'relayer-fixture-passphrase';
  const webhookKey = 'typed-in-the-browser-0123456789';
  const folder = ozRelayerFolder(roots.path, 'oz-relayer', anvil, [
    { file: 'config/config.json', from: '"KEYSTORE_PASSPHRASE"', to: '"E2E_KEYSTORE_PASSPHRASE"' },
    { file: 'config/config.json', from: '"WEBHOOK_SIGNING_KEY"', to: '"E2E_WEBHOOK_SIGNING_KEY"' },
  ]);
  const signer = getAddress(
    `0x${(JSON.parse(readFileSync(join(folder, 'config/keys/local-signer.json'), 'utf8')) as { address: string }).address}`,
  );
  // The operator's passkey, enrolled from Node and held by the browser, approves the key.
  const operator = makePerson('Operator', `http://localhost:${serve.port}`);
  const rpc = await connectRpc(serve.wsUrl, {}, { person: null });
  await enroll(rpc.call, operator);
  await addVirtualAuthenticator(page, operator);

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Workspace' }).click();
  const panel = page.getByRole('region', { name: 'Import from another tool' });
  await panel.getByLabel('Configuration folder').fill(folder);
  await panel.getByRole('button', { name: 'Preview' }).click();
  const secrets = panel.getByRole('group', { name: 'Secrets the import reads' });
  await expect(secrets.getByLabel('E2E_KEYSTORE_PASSPHRASE')).toHaveAttribute('type', 'password');
  await expect(secrets.getByLabel('E2E_WEBHOOK_SIGNING_KEY')).toHaveAttribute(
    'autocomplete',
    'off',
  );
  await expect(secrets).toContainText(
    /webhook signing key of notification "ops-webhook" \(config\/config\.json:\d+\)/,
  );
  const importButton = panel.getByRole('button', { name: /^Import \d+ item/ });
  await expect(importButton).toBeDisabled();
  await expect(panel).toContainText('Type E2E_KEYSTORE_PASSPHRASE, E2E_WEBHOOK_SIGNING_KEY first');
  await previewScreenshot(page, panel, 'import-preview-oz-relayer');
  expect(await panelViolations(page)).toEqual([]);

  // A wrong passphrase: refused with the file and line that names the keystore, nothing added.
  await secrets.getByLabel('E2E_KEYSTORE_PASSPHRASE').fill('not-the-passphrase');
  await secrets.getByLabel('E2E_WEBHOOK_SIGNING_KEY').fill(webhookKey);
  await importButton.click();
  await expect(panel.getByRole('alert')).toContainText(
    /config\/config\.json:\d+ keystore .*local-signer\.json \(passphrase from E2E_KEYSTORE_PASSPHRASE\): wrong passphrase/,
  );
  await previewScreenshot(page, panel, 'import-refused-oz-relayer');
  expect(await panelViolations(page)).toEqual([]);
  await secrets.getByLabel('E2E_KEYSTORE_PASSPHRASE').fill(passphrase);
  await importButton.click();
  await expect(panel.getByRole('status')).toContainText('and 1 signer key(s) added');

  await page.getByRole('link', { name: 'Signers' }).click();
  await expect(page.getByRole('article', { name: 'Signer OZ Relayer local-signer' })).toContainText(
    signer,
  );
  await page.getByRole('link', { name: /^Alerts/ }).click();
  await page.getByRole('tab', { name: 'Rules' }).click();
  await expect(
    page.getByTestId('rule-row').filter({ hasText: 'Relayer Sepolia payments relayer' }),
  ).toContainText('webhook');
  // The webhook's secret is the one typed (its hint is its last characters), kept by Vigil.
  const { rules } = await rpc.call<{ rules: AlertRule[] }>('alerts.rules.list', {});
  rpc.close();
  expect(rules.flatMap((rule) => rule.channels)).toContainEqual(
    expect.objectContaining({ type: 'webhook', secretHint: `…${webhookKey.slice(-4)}` }),
  );

  // With a signer in the keychain, the calls another tool's files make from its own wallet
  // (Kwala's call) are carried over once the operator says which signer sends them.
  const kwala = join(roots.path, 'kwala-calls');
  cpSync('test/fixtures/imports/kwala', kwala, { recursive: true });
  await page.getByRole('link', { name: 'Workspace' }).click();
  await panel.getByLabel('Configuration folder').fill(kwala);
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  const notCarried = panel.getByRole('table', { name: 'Not carried over' });
  const walletCalls = notCarried.getByRole('row', { name: /sends calls from its own wallet/ });
  await expect(walletCalls).not.toHaveCount(0);
  await panel.getByLabel(/send from/).selectOption({ value: signer });
  await expect(walletCalls).toHaveCount(0);
  await expect(panel.getByLabel('under')).toBeEnabled();
  await previewScreenshot(page, panel, 'import-kwala-calls-from-signer');
  expect(problems).toEqual([]);
});

test('previews Defender as Code and Kwala files, and a typed URL token previewed before import', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  const defender = join(roots.path, 'defender');
  const kwala = join(roots.path, 'kwala');
  cpSync('test/fixtures/imports/defender/v2', defender, { recursive: true });
  cpSync('test/fixtures/imports/kwala', kwala, { recursive: true });
  await page.goto(stack.serve.consoleUrl);
  await page.getByRole('link', { name: 'Workspace' }).click();
  const panel = page.getByRole('region', { name: 'Import from another tool' });
  for (const [folder, format] of [
    [defender, 'defender'],
    [kwala, 'kwala'],
  ] as const) {
    await panel.getByLabel('Configuration folder').fill(folder);
    await panel.getByRole('button', { name: 'Preview' }).click();
    await expect(panel.getByText(new RegExp(`^${format}: \\d+ to add`))).toBeVisible();
    await previewScreenshot(page, panel, `import-preview-${format}`);
  }
  // A token of a URL typed: the import waits until a preview shows what it carries over, which
  // shows the channel without the token.
  const token = '1290412345678901234/typed-discord-token';
  await panel.getByLabel('SECURITY_DISCORD_HOOK').fill(token);
  await expect(panel.getByRole('button', { name: /^Import \d+ item/ })).toBeDisabled();
  await panel.getByRole('button', { name: 'Preview with what you typed' }).click();
  await expect(
    panel.getByRole('table', { name: 'Rules to add' }).getByRole('row', { name: /approval_watch/ }),
  ).toContainText('discord webhook https://discord.com/api/webhooks/');
  await expect(panel.getByRole('button', { name: /^Import \d+ item/ })).toBeEnabled();
  await expect(panel.getByLabel('SECURITY_DISCORD_HOOK')).toHaveValue(token);
  expect(await panel.innerText()).not.toContain('typed-discord-token');
  await previewScreenshot(page, panel, 'import-preview-kwala-typed');

  // A serverless.yml reading ${env:…} with no default, unset where Vigil runs: the preview is
  // refused at that line and asks for the value; typed, the preview goes on with it.
  const unset = join(roots.path, 'defender-unset');
  cpSync('test/fixtures/imports/defender/v2', unset, { recursive: true });
  const yml = join(unset, 'serverless.yml');
  writeFileSync(
    yml,
    readFileSync(yml, 'utf8').replace(
      "${env:SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T000/B000/treasury'}",
      '${env:SLACK_WEBHOOK_URL}',
    ),
  );
  await panel.getByLabel('Configuration folder').fill(unset);
  await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(panel.getByRole('alert')).toContainText(
    'the environment variable SLACK_WEBHOOK_URL is not set where Vigil runs',
  );
  const asked = panel.getByRole('group', { name: 'Secrets the import reads' });
  await expect(panel.getByRole('button', { name: 'Preview with what you typed' })).toBeDisabled();
  await previewScreenshot(page, panel, 'import-refused-defender-asks-env');
  await asked.getByLabel('SLACK_WEBHOOK_URL').fill('https://hooks.slack.com/services/T9/B9/typed');
  await panel.getByRole('button', { name: 'Preview with what you typed' }).click();
  await expect(panel.getByText(/^defender: \d+ to add/)).toBeVisible();
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await previewScreenshot(page, panel, 'import-preview-defender-typed-env');
  expect(problems).toEqual([]);
});
