// The whole path through the real UI: an operator adds a chain and a contract with the forms,
// events emitted on anvil (some before, some after) show up in the Events table and on the
// Dashboard. Real anvil, real headless server, Debian's Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { deployPinger, type Pinger } from './pinger-contract.ts';

const rendererIndex = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));

let anvil: AnvilInstance;
let serve: ServeProcess;
let dataDir: ReturnType<typeof makeTempDir>;
let pinger: Pinger;

test.beforeAll(async () => {
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is not built: run `npm run build` first.');
  anvil = await startAnvil();
  pinger = await deployPinger(anvil.rpcUrl, anvil.chainId);
  dataDir = makeTempDir('vigil-e2e-');
  serve = await startServe({ dataDir: dataDir.path });
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

test('add a chain and a contract in the UI, then watch its events arrive', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });

  // Two events before the contract is watched: they must come in through backfill.
  await pinger.ping(1_000_000_000_000_000_000n, 'before one');
  await pinger.ping(2n, 'before two');

  await page.goto(serve.consoleUrl);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByText('No chains yet')).toBeVisible();
  await screenshot(page, '01-dashboard-empty');
  await page.getByRole('link', { name: 'Sync drift' }).click();
  await expect(page.getByRole('heading', { name: 'Sync drift', level: 1 })).toBeVisible();
  await expect(page.getByText('No chains yet')).toBeVisible();
  await screenshot(page, '01b-drift-empty');

  await page.getByRole('link', { name: 'Chains' }).click();
  await expect(page.getByRole('heading', { name: 'Chains', level: 1 })).toBeVisible();
  // A wrong chain id first: the server's error must show in the form, not vanish.
  const chainForm = page.getByRole('form', { name: 'Add chain' });
  await page.getByLabel('Name').fill('Anvil');
  await page.getByLabel('Chain ID').fill('1');
  await page.getByLabel('RPC URLs').fill(anvil.rpcUrl);
  await page.getByRole('button', { name: 'Add chain' }).click();
  await expect(chainForm.getByRole('alert')).toContainText(String(anvil.chainId));
  await screenshot(page, '02a-chain-id-mismatch');

  await page.getByLabel('Chain ID').fill(String(anvil.chainId));
  await page.getByLabel('RPC URLs').fill(anvil.rpcUrl);
  await page.getByLabel('Confirmations').fill('0');
  await page.getByRole('button', { name: 'Add chain' }).click();
  await expect(page.getByRole('cell', { name: 'Anvil', exact: true })).toBeVisible();
  await screenshot(page, '02-chain-added');

  await page.getByRole('link', { name: 'Contracts' }).click();
  await expect(page.getByRole('heading', { name: 'Contracts', level: 1 })).toBeVisible();
  await page.getByLabel('Chain', { exact: true }).selectOption(String(anvil.chainId));
  await page.getByLabel('Address').fill(pinger.address);
  await page.getByLabel('Name').fill('Pinger');
  await page.getByLabel('Start block').fill('0');
  await page.getByLabel('ABI', { exact: true }).fill(JSON.stringify(pinger.abi));
  await expect(page.getByText('Looks good')).toBeVisible();
  await page.getByRole('button', { name: 'Add contract' }).click();
  await expect(page.getByRole('cell', { name: 'Pinger', exact: true })).toBeVisible();
  await screenshot(page, '03-contract-added');

  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible();
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(2);

  // Three more while the table is open: they must arrive as live pushes.
  await pinger.ping(3n, 'live one');
  await pinger.ping(123_456_789_012_345_678_901_234_567_890n, 'live two');
  await pinger.ping(5n, 'live three');
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toContainText('Ping');
  await expect(rows.first()).toContainText('value=5');
  await expect(rows.nth(1)).toContainText('123,456,789,012,345,678,901,234,567,890'.slice(0, 27));
  await screenshot(page, '04-events-live');

  // The detail pane shows the decoded arguments, the big amount exact (never through Number).
  await rows.nth(1).click();
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  await expect(detail.getByRole('heading', { name: 'Ping' })).toBeVisible();
  await expect(detail).toContainText('123,456,789,012,345,678,901,234,567,890');
  await expect(detail).toContainText('live two');
  await screenshot(page, '05-event-detail');

  // Filtering by event name keeps the rows (all are Ping).
  await page.getByLabel('Event', { exact: true }).selectOption('Ping');
  await expect(rows).toHaveCount(5);

  await page.getByRole('link', { name: 'Dashboard' }).click();
  const card = page.getByRole('article', { name: 'Anvil status' });
  await expect(card.getByTestId('total-events')).toHaveText('5');
  await expect(card.getByTestId('events-per-minute-chart')).toBeVisible();
  await expect(card.getByRole('progressbar')).toBeVisible();
  await screenshot(page, '06-dashboard');

  expect(problems).toEqual([]);
});

test('a wrong token gets a clear banner instead of endless loading', async ({ page }) => {
  const url = new URL(serve.consoleUrl);
  url.searchParams.set('token', 'not-the-token');
  await page.goto(url.toString());
  await expect(page.getByRole('alert')).toContainText('Access token refused');
  await screenshot(page, '07-bad-token');
});
