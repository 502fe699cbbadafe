// `npm run demo` as a newcomer meets it: the same startDemo() the script runs (anvil, the demo
// contracts and their traffic, headless Vigil, a generated and funded signer, one proposal, a
// keeper that stops), then every view in Debian's Chromium. Within a minute each view has
// something real in it, and both demo alert rules have fired.
import { expect, test } from '@playwright/test';
import { startDemo, type RunningDemo } from '../../scripts/demo.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { requireBuiltRenderer, screenshot, watchForProblems } from './stack.ts';

let demo: RunningDemo;
let dataDir: ReturnType<typeof makeTempDir>;
const output: string[] = [];

test.beforeAll(async () => {
  requireBuiltRenderer();
  dataDir = makeTempDir('vigil-e2e-demo-');
  demo = await startDemo({
    dataDir: dataDir.path,
    mode: 'headless',
    log: (line) => output.push(line),
    onExit: (why) => output.push(`EXIT: ${why}`),
  });
});

test.afterAll(async () => {
  await demo?.stop();
  dataDir?.remove();
});

test('every view of a fresh demo has content within a minute, and both rules fire', async ({
  page,
}) => {
  const startedAt = Date.now();
  const withinTheMinute = (): number => Math.max(5_000, 60_000 - (Date.now() - startedAt));
  const problems = watchForProblems(page);
  expect(demo.stage.signer, output.join('\n')).not.toBeNull();
  expect(output.join('\n')).toContain(
    `Start with Transactions: transaction #${demo.stage.proposalId} waits for your approval.`,
  );

  await page.goto(demo.consoleUrl!.replace('//127.0.0.1:', '//localhost:'));
  const main = page.getByRole('main');
  const nav = page.getByRole('navigation').first();

  await nav.getByRole('link', { name: 'Events' }).click();
  const rows = main.getByRole('row');
  await expect(rows.filter({ hasText: 'Transfer' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'Deposit' }).first()).toBeVisible();
  await screenshot(page, 'demo-events');
  // Amounts read with the token's symbol, the exact integer on hover.
  await expect(
    rows
      .filter({ hasText: 'Transfer' })
      .filter({ hasText: /value=[\d,.≈]+ DEMO/ })
      .first(),
  ).toBeVisible();
  // The early large deposit, found through the event filter.
  await main.getByLabel('Event', { exact: true }).selectOption('LargeMovement');
  await expect(rows.filter({ hasText: 'LargeMovement' }).first()).toBeVisible({
    timeout: withinTheMinute(),
  });

  // "Transfers above 10,000 DEMO", in the alert rules' language, searched by main.
  await main.getByLabel('Contract', { exact: true }).selectOption({ label: 'DemoToken' });
  await main.getByLabel('Event', { exact: true }).selectOption('Transfer');
  const search = page.getByRole('search', { name: 'Search events' });
  await search.getByLabel('Search').fill('value > 10000e18 and nope == 1');
  await expect(search.getByRole('alert')).toContainText('nope');
  await search.getByLabel('Search').fill('value > 10000e18');
  await expect(search.getByRole('alert')).toBeHidden();
  await search.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(search.getByRole('status')).toContainText('found');
  const found = rows.filter({ hasText: 'Transfer' });
  await expect(found.first()).toBeVisible({ timeout: withinTheMinute() });
  for (const text of await found.allInnerTexts()) {
    const amount = /value=≈?([\d,]+(?:\.\d+)?) DEMO/.exec(text);
    expect(amount, text).not.toBeNull();
    expect(Number(amount![1]!.replace(/,/g, '')), text).toBeGreaterThan(10_000);
  }
  await screenshot(page, 'demo-events-search');
  await search.getByRole('button', { name: 'Clear search' }).click();

  await nav.getByRole('link', { name: 'Signers' }).click();
  const signer = page.getByRole('article', { name: 'Signer Demo hot wallet' });
  await expect(signer).toContainText(demo.stage.signer!);
  await expect(signer).toContainText('ETH');
  await screenshot(page, 'demo-signers');

  await nav.getByRole('link', { name: /^Transactions/ }).click();
  await expect(page.getByLabel('1 awaiting approval')).toBeVisible();
  await expect(main).toContainText('Demo hot wallet');
  await expect(main).toContainText('DemoToken.transfer');
  await screenshot(page, 'demo-transactions');

  await nav.getByRole('link', { name: /^Alerts/ }).click();
  await expect(main.getByText('Vault large movement').first()).toBeVisible({
    timeout: withinTheMinute(),
  });
  await expect(main.getByText('Keeper stopped depositing').first()).toBeVisible({
    timeout: withinTheMinute(),
  });
  await screenshot(page, 'demo-alerts');

  await nav.getByRole('link', { name: 'Dashboard' }).click();
  await expect(main).toContainText('Demo devnet');
  await screenshot(page, 'demo-dashboard');
  await nav.getByRole('link', { name: 'Sync drift' }).click();
  await expect(main).toContainText('Demo devnet');
  await screenshot(page, 'demo-drift');

  expect(problems).toEqual([]);
  expect(output.filter((line) => line.startsWith('EXIT:'))).toEqual([]);
});
