// The whole path through the real UI: an operator adds a chain and a contract with the forms,
// events emitted on anvil (some before, some after) show up in the Events table and on the
// Dashboard. Real anvil, real headless server, Debian's Chromium.
import { expect, test } from '@playwright/test';
import type { AnvilInstance } from '../helpers/anvil.ts';
import type { ServeProcess } from '../helpers/serve.ts';
import type { Pinger } from './pinger-contract.ts';
import { screenshot, startStack, statValue, watchForProblems, type Stack } from './stack.ts';

let stack: Stack;
let anvil: AnvilInstance;
let serve: ServeProcess;
let pinger: Pinger;

test.beforeAll(async () => {
  // Small seal thresholds, so the few events of this spec are sealed into a segment the Store
  // card counts, and store health every second, so its write-rate chart fills in.
  stack = await startStack({
    serveEnv: {
      VIGIL_TUNING: JSON.stringify({
        sealMinEvents: 2,
        sealMaxAgeMs: 0,
        maintainIntervalMs: 200,
        storeHealthIntervalMs: 1_000,
      }),
    },
  });
  ({ anvil, serve, pinger } = stack);
});

test.afterAll(async () => {
  await stack?.stop();
});

test('add a chain and a contract in the UI, then watch its events arrive', async ({ page }) => {
  const problems = watchForProblems(page);

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

  // The Store card: the events just sealed, files on disk, the engine's memory and a write rate.
  const storeCard = page.getByRole('article', { name: 'Store health' });
  await expect.poll(() => statValue(storeCard.getByTestId('store-segments'))).toBeGreaterThan(0);
  await expect
    .poll(() => statValue(storeCard.getByTestId('store-bytes-on-disk')))
    .toBeGreaterThan(10_000);
  expect(await statValue(storeCard.getByTestId('store-memory'))).toBeGreaterThan(10_000_000);
  await expect(storeCard.getByTestId('store-bytes-on-disk')).toHaveText(/^[\d.]+ (kB|MB)$/);
  await expect(storeCard.getByTestId('store-write-rate')).toHaveText(/\/min$/);
  await expect(storeCard.getByTestId('store-write-rate-chart')).toBeVisible();
  await expect(storeCard.getByTestId('store-problem')).toHaveCount(0);
  await screenshot(page, '06-dashboard');

  // The same figures in Sync drift, below the chain's drift.
  await page.getByRole('link', { name: 'Sync drift', exact: true }).click();
  const driftStoreCard = page.getByRole('article', { name: 'Store health' });
  await expect(driftStoreCard.getByTestId('store-segments')).not.toHaveText('0');
  await expect(driftStoreCard.getByTestId('store-write-rate-chart')).toBeVisible();
  // The view scrolls inside its own pane, which a full-page screenshot does not unroll.
  await driftStoreCard.scrollIntoViewIfNeeded();
  await screenshot(page, '06b-drift-store');

  expect(problems).toEqual([]);
});

test('a wrong token gets a clear banner instead of endless loading', async ({ page }) => {
  const url = new URL(serve.consoleUrl);
  url.hash = '#token=not-the-token';
  await page.goto(url.toString());
  await expect(page.getByRole('alert')).toContainText('Access token refused');
  await screenshot(page, '07-bad-token');
});

test('the token leaves the address bar and is kept nowhere a script can read it', async ({
  page,
}) => {
  // An answer on the WebSocket proves the page got in with what it holds.
  const answered = async (): Promise<void> => {
    const socket = await page.waitForEvent('websocket');
    await socket.waitForEvent('framereceived');
  };
  const firstAnswer = answered();
  await page.goto(serve.consoleUrl);
  await firstAnswer;
  expect(page.url()).not.toContain(serve.token);
  const visibleToScripts = await page.evaluate(
    'JSON.stringify([document.cookie, { ...sessionStorage }, { ...localStorage }])',
  );
  expect(visibleToScripts).not.toContain(serve.token);
  const cookies = await page.context().cookies();
  expect(cookies).toEqual([
    expect.objectContaining({ name: 'vigil_session', httpOnly: true, sameSite: 'Strict' }),
  ]);
  // A reload works on the cookie alone.
  const secondAnswer = answered();
  await page.reload();
  await secondAnswer;
  await expect(page.getByRole('alert')).toHaveCount(0);
});
