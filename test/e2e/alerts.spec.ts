// The alerts path through the real UI: build a rule with the condition builder (the text follows,
// and a bad text is caught live at its column), backtest it over stored history, enable it, emit a
// matching event on anvil, see the firing in the feed and the count on the navigation,
// acknowledge it, and find its webhook in the delivery log. Real anvil, real headless server,
// a real webhook receiver, Debian's Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { sendFailingCall } from '../helpers/chain-control.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { deployPinger, watchPinger, type Pinger } from './pinger-contract.ts';

const rendererIndex = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
const secret = 'e2e-webhook-secret-0123456789';
const e18 = 10n ** 18n;

let anvil: AnvilInstance;
let serve: ServeProcess;
let rpc: RpcClient;
let receiver: WebhookReceiver;
let dataDir: ReturnType<typeof makeTempDir>;
let pinger: Pinger;

test.beforeAll(async () => {
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is not built: run `npm run build` first.');
  anvil = await startAnvil();
  pinger = await deployPinger(anvil.rpcUrl, anvil.chainId);
  receiver = await startWebhookReceiver(secret);
  // History for the backtest: two big pings, one small.
  await pinger.ping(5n * e18, 'big one');
  await pinger.ping(1n, 'small one');
  await pinger.ping(7n * e18, 'big two');
  dataDir = makeTempDir('vigil-e2e-alerts-');
  // The webhook receiver is on loopback: the operator allows that explicitly.
  serve = await startServe({ dataDir: dataDir.path, args: ['--allow-private-webhooks'] });
  rpc = await connectRpc(serve.wsUrl);
  await watchPinger(rpc, anvil, pinger);
});

test.afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await receiver?.close();
  await anvil?.stop();
  dataDir?.remove();
});

async function screenshot(page: Page | Locator, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

test('build a rule, backtest it, enable it, and see it fire in the feed', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect(page.getByText('No alert rules yet.')).toBeVisible();
  await screenshot(page, '01-alerts-empty');

  await page.getByRole('tab', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'New rule' }).click();
  const editor = page.getByRole('form', { name: 'Rule editor' });
  await editor.getByLabel('Name').fill('Big ping');
  await expect(editor.getByLabel('Contract')).toContainText('Pinger');
  await expect(editor.getByLabel('Event', { exact: true })).toHaveValue('Ping');

  // The builder: one comparison, value > 1e18. The text follows and is checked against the ABI.
  await editor.getByRole('button', { name: '+ Condition' }).click();
  const row = editor.getByTestId('condition-row');
  await row.getByLabel('Field').selectOption('value');
  await row.getByLabel('Operator').selectOption('>');
  await row.getByLabel('Value').fill('1e18');
  const text = editor.getByLabel('Condition as text');
  await expect(text).toHaveValue('value > 1e18');
  await expect(editor.getByTestId('condition-check')).toContainText(
    'Checked against the ABI: value > 1e18',
  );
  await screenshot(page, '02-builder');

  // A text that does not parse is caught live, at its column.
  await text.fill('value > > 1');
  await expect(editor.getByTestId('condition-check')).toContainText(
    'Column 9: expected a value after >',
  );
  await screenshot(page, '03-live-check-error');
  // A good text goes back into the builder.
  await text.fill('value > 1e18 and note contains "big"');
  await expect(editor.getByTestId('condition-check')).toContainText('Checked against the ABI');
  await expect(editor.getByTestId('condition-row')).toHaveCount(2);
  await expect(editor.getByTestId('condition-row').nth(0).getByLabel('Value')).toHaveValue('1e18');
  await expect(editor.getByTestId('condition-row').nth(1).getByLabel('Value')).toHaveValue('"big"');

  // Backtest before enabling: two of the three stored pings.
  await editor.getByRole('button', { name: 'Backtest' }).click();
  await expect(editor.getByTestId('backtest-summary')).toContainText('Would have fired 2 times');
  await expect(editor.getByTestId('backtest-match')).toHaveCount(2);
  await screenshot(page.getByRole('region', { name: 'Rule' }), '04-backtest');

  // Enable it with a webhook, and create it.
  await editor.getByRole('button', { name: '+ Webhook' }).click();
  await editor.getByLabel('Webhook 1 URL').fill(receiver.url);
  await editor.getByLabel('Webhook 1 secret').fill(secret);
  await editor.getByLabel(/^Enabled/).check();
  await editor.getByRole('button', { name: 'Create rule' }).click();
  const ruleRow = page.getByTestId('rule-row');
  await expect(ruleRow).toContainText('Big ping');
  await expect(ruleRow.getByLabel('Enable Big ping')).toBeChecked();
  await screenshot(page, '05-rule-enabled');

  // A matching event and one that does not match.
  await pinger.ping(1n, 'small live');
  await pinger.ping(3n * e18, 'big live');
  await expect(page.getByTestId('alerts-count')).toHaveText('1');
  await page.getByRole('tab', { name: /Feed/ }).click();
  const firing = page.getByTestId('firing');
  await expect(firing).toHaveCount(1);
  await expect(firing).toContainText('Big ping');
  await expect(firing).toContainText('note=big live');
  await expect(firing).toContainText('value=3,000,000,000,000,000,000');
  await screenshot(page, '06-feed-firing');

  await firing.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByTestId('alerts-count')).toHaveCount(0);
  await expect(page.getByText('Nothing needs attention.')).toBeVisible();
  await page.getByLabel(/Show all firings/).check();
  await expect(firing).toContainText('acknowledged');
  await screenshot(page, '07-acknowledged');

  // The webhook went out, signed, and the delivery log shows it.
  await expect.poll(() => receiver.accepted().length).toBe(1);
  expect(receiver.accepted()[0]!.signatureValid).toBe(true);
  await page.getByRole('tab', { name: 'Deliveries' }).click();
  const delivery = page.getByTestId('delivery-row');
  await expect(delivery).toHaveCount(1);
  await expect(delivery).toContainText('delivered');
  await expect(delivery).toContainText('#1');
  await screenshot(page, '08-deliveries');

  // The other kinds in the editor: a balance rule that proposes a top-up, a transaction rule.
  await page.getByRole('tab', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'New rule' }).click();
  const aside = page.getByRole('region', { name: 'Rule' });
  await editor.getByLabel('Kind').selectOption('balance');
  await expect(editor.getByLabel('Signer', { exact: true })).toBeVisible();
  await expect(editor.getByLabel('Below (ETH)')).toBeVisible();
  await editor.getByLabel(/^Propose a transaction when it fires/).check();
  await expect(editor.getByLabel('Note for the approver')).toBeVisible();
  await screenshot(aside, '09-balance-rule-with-proposal');
  await editor.getByLabel('Kind').selectOption('transaction');
  await expect(editor.getByRole('group', { name: 'Alert when a transaction' })).toBeVisible();
  await screenshot(aside, '10-transaction-rule');

  // A failed-call rule: a reverted call to the pinger fires, whoever sent it.
  await editor.getByLabel('Kind').selectOption('failed-call');
  await editor.getByLabel('Name').fill('Failed pinger calls');
  await editor.getByLabel('Addresses').fill(pinger.address.toLowerCase());
  await editor.getByLabel(/^Propose a transaction when it fires/).uncheck();
  await editor.getByLabel(/^Enabled/).check();
  await screenshot(aside, '11-failed-call-rule');
  await editor.getByRole('button', { name: 'Create rule' }).click();
  const failedCalls = page.getByTestId('rule-row').filter({ hasText: 'Failed pinger calls' });
  await expect(failedCalls).toContainText(
    `failed transactions to Pinger on chain ${anvil.chainId}`,
  );
  await expect(failedCalls.getByLabel('Enable Failed pinger calls')).toBeChecked();
  await screenshot(page, '12-failed-call-rule-listed');
  const failed = await sendFailingCall(anvil.rpcUrl, pinger.address);
  await page.getByRole('tab', { name: /Feed/ }).click();
  await expect(page.getByTestId('firing').filter({ hasText: 'Failed pinger calls' })).toContainText(
    failed,
  );
  await screenshot(page, '13-failed-call-firing');

  expect(problems).toEqual([]);
});
