// The console at a laptop's width and from the keyboard (issue 18), on one populated stack: axe
// (WCAG 2.2 AA) on every view and main form with content in it, at 1280×800 and 900×700; the
// keyboard paths (one Tab stop per table, arrows, Enter, Escape back to the opener, shortcuts,
// tabs); and Remove reachable with the add form open. Real anvil, real headless server, the real
// OS keychain (a signer makes the approval screen), Debian's Chromium.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { Address, Hex } from 'viem';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { deployDemoContracts, mintTokens } from '../helpers/contracts.ts';
import { fundedKey } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { watchOnAnvil } from '../helpers/watch-setup.ts';
import { deployPinger, type Pinger } from './pinger-contract.ts';
import { requireBuiltRenderer, watchForProblems } from './stack.ts';

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SIZES = [
  { width: 1280, height: 800 },
  { width: 900, height: 700 },
] as const;
const RECIPIENT = '0x000000000000000000000000000000000000bEEF';

let anvil: AnvilInstance;
let serve: ServeProcess;
let rpc: RpcClient;
let dataDir: ReturnType<typeof makeTempDir>;
let token: Address;
let pinger: Pinger;
let signer: { privateKey: Hex; address: Address };

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil({ blockTime: 1 });
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  pinger = await deployPinger(anvil.rpcUrl, anvil.chainId);
  signer = await fundedKey(anvil.rpcUrl);
  dataDir = makeTempDir('vigil-e2e-a11y-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-operator'] });
  rpc = await connectRpc(serve.wsUrl);
  const call = (name: string, input?: unknown): Promise<unknown> => rpc.call(name, input);
  await watchOnAnvil(call, anvil, { address: token, artifact: 'DemoToken' }, 1);
  // A second contract, removed by the last test.
  await call('contracts.add', {
    chainId: anvil.chainId,
    address: pinger.address,
    abi: pinger.abi,
    startBlock: 0,
    name: 'Pinger',
  });
  const contracts = await rpc.call<{ id: string; name: string }[]>('contracts.list', {});
  const tokenId = contracts.find((contract) => contract.name === 'DemoToken')!.id;
  await rpc.call('alerts.rules.save', {
    name: 'Any mint',
    kind: 'event',
    contractId: tokenId,
    eventName: 'Transfer',
    condition: 'value >= 0',
    enabled: true,
    channels: [{ type: 'in-app' }, { type: 'desktop' }],
  });
  await rpc.call('signers.import', { privateKey: signer.privateKey, label: 'Treasury hot wallet' });
  for (let index = 1; index <= 6; index++)
    await mintTokens(anvil.rpcUrl, token, signer.address, BigInt(index) * 10n ** 18n);
  await rpc.call('txs.propose', {
    chainId: anvil.chainId,
    from: signer.address,
    to: RECIPIENT,
    value: '1000',
    note: 'a11y payout',
  });
});

test.afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

async function openConsole(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.goto(serve.consoleUrl);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

async function go(page: Page, hash: string, heading: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}

/** The states axe looks at: each view with content, its detail pane or main form open. */
const states: { name: string; open: (page: Page) => Promise<void> }[] = [
  {
    name: 'dashboard',
    open: async (page) => {
      await go(page, '#/dashboard', 'Dashboard');
      await expect(page.getByRole('article').first()).toBeVisible();
    },
  },
  { name: 'drift', open: (page) => go(page, '#/drift', 'Sync drift') },
  {
    name: 'chains-with-add-form',
    open: async (page) => {
      await go(page, '#/chains', 'Chains');
      await expect(page.getByRole('form', { name: 'Add chain' })).toBeVisible();
    },
  },
  {
    name: 'contracts-with-add-form',
    open: async (page) => {
      await go(page, '#/contracts', 'Contracts');
      const form = page.getByRole('form', { name: 'Add contract' });
      await form.getByLabel('Address').fill('0x1234');
      await form.getByRole('button', { name: 'Add contract' }).click();
      await expect(form.getByLabel('Address')).toHaveAttribute('aria-invalid', 'true');
    },
  },
  {
    name: 'contracts-token-form-with-error',
    open: async (page) => {
      await page.getByRole('button', { name: 'Set decimals and symbol of DemoToken' }).click();
      const form = page.getByRole('form', { name: 'Decimals and symbol of DemoToken' });
      await form.getByLabel('Decimals').fill('x');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form.getByLabel('Decimals')).toHaveAttribute('aria-invalid', 'true');
    },
  },
  {
    name: 'events-with-detail',
    open: async (page) => {
      await go(page, '#/events', 'Events');
      await page.getByTestId('event-row').first().click();
      await expect(page.getByRole('complementary', { name: 'Event detail' })).toBeVisible();
    },
  },
  {
    name: 'signers',
    open: async (page) => {
      await go(page, '#/signers', 'Signers');
      await expect(page.getByRole('article', { name: /Treasury hot wallet/ })).toBeVisible();
    },
  },
  {
    name: 'transactions-with-approval',
    open: async (page) => {
      await go(page, '#/transactions', 'Transactions');
      await page
        .getByRole('link', { name: /^Open transaction/ })
        .first()
        .click();
      const detail = page.getByRole('complementary', { name: /^Transaction \d+$/ });
      await expect(detail.getByRole('button', { name: 'Approve and send' })).toBeVisible();
    },
  },
  {
    name: 'transactions-reject-form',
    open: async (page) => {
      const detail = page.getByRole('complementary', { name: /^Transaction \d+$/ });
      await detail.getByRole('button', { name: 'Reject…' }).click();
      await expect(detail.getByLabel('Reason for rejecting')).toBeFocused();
    },
  },
  {
    name: 'transactions-compose',
    open: async (page) => {
      await go(page, '#/transactions?compose=1', 'Transactions');
      await expect(page.getByRole('form', { name: 'Propose a transaction' })).toBeVisible();
    },
  },
  {
    name: 'alerts-feed',
    open: async (page) => {
      await go(page, '#/alerts', 'Alerts');
      await expect(page.getByTestId('firing').first()).toBeVisible();
    },
  },
  {
    name: 'alerts-rule-editor',
    open: async (page) => {
      await page.getByRole('tab', { name: 'Rules' }).click();
      await page.getByRole('button', { name: 'Edit Any mint' }).click();
      await expect(page.getByRole('region', { name: 'Rule' })).toBeVisible();
    },
  },
  {
    name: 'alerts-deliveries',
    open: async (page) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await expect(page.getByTestId('delivery-row').first()).toBeVisible();
    },
  },
  { name: 'workspace', open: (page) => go(page, '#/workspace', 'Workspace') },
  {
    name: 'audit-with-detail',
    open: async (page) => {
      await go(page, '#/audit', 'Audit log');
      await page.getByTestId('audit-row').first().click();
      await expect(page.getByRole('complementary', { name: 'Audit entry detail' })).toBeVisible();
    },
  },
  {
    name: 'shortcut-help',
    open: async (page) => {
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    },
  },
];

test('axe finds no WCAG 2.2 AA violation on any view or main form, at 1280×800 and 900×700', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const problems = watchForProblems(page);
  const found: string[] = [];
  for (const size of SIZES) {
    await openConsole(page, size);
    for (const state of states) {
      await state.open(page);
      const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
      // An empty page passes everything: the check must have looked at something.
      expect(result.passes.length, state.name).toBeGreaterThan(10);
      for (const violation of result.violations) {
        found.push(
          `${size.width}×${size.height} ${state.name}: ${violation.id} (${violation.impact}) ` +
            violation.nodes.map((node) => node.target.join(' ')).join(' | '),
        );
        console.log(found.at(-1));
      }
      await page.screenshot({
        path: test.info().outputPath(`${state.name}-${size.width}.png`),
      });
    }
    await page.keyboard.press('Escape');
  }
  expect(found).toEqual([]);
  expect(problems).toEqual([]);
});

test('events table: one Tab stop, arrows move, Enter opens, Escape returns focus to the row', async ({
  page,
}) => {
  await openConsole(page, SIZES[0]);
  await go(page, '#/events', 'Events');
  const rows = page.getByTestId('event-row');
  await expect(rows.nth(2)).toBeVisible();
  // The search box sits between the filters and the table; its button waits for a query.
  await page.locator('#event-search').focus();
  await page.keyboard.press('Tab');
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await expect(rows.nth(0)).toHaveAttribute('tabindex', '-1');
  await expect(rows.nth(1)).toHaveAttribute('tabindex', '0');
  // Truncated cells keep their full value in the title; `c` copies the row's hash.
  await expect(rows.nth(1).getByRole('cell').nth(5)).toHaveAttribute('title', /^0x[0-9a-f]{64}$/);
  await page.keyboard.press('c');
  await expect(page.locator('#announcer')).toHaveText('Copied the transaction hash.');

  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(rows.nth(1)).toBeFocused();

  // One Tab leaves the table: the next stop is not another row.
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-testid="event-row"]:focus')).toHaveCount(0);

  // At 900 px the pane is a drawer: Escape closes it and focus is back on the row the same way.
  await page.setViewportSize(SIZES[1]);
  await rows.nth(1).focus();
  await page.keyboard.press('j');
  await expect(rows.nth(2)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(rows.nth(2)).toBeFocused();
});

test('shortcuts: ? lists them, g+letter goes to a view, / searches, a goes to Approve; the title counts', async ({
  page,
}) => {
  await openConsole(page, SIZES[0]);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('g');
  await page.keyboard.press('e');
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Events (1 awaiting approval) — Vigil');
  await page.keyboard.press('/');
  await expect(page.getByLabel('Chain', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');

  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await expect(page).toHaveTitle('Transactions (1 awaiting approval) — Vigil');
  const awaiting = page.getByRole('region', { name: 'Awaiting approval' });
  await awaiting.getByRole('row').nth(1).focus();
  await page.keyboard.press('a');
  // `a` only reaches the button: approving still asks for the person's passkey.
  await expect(page.getByRole('button', { name: 'Approve and send' })).toBeFocused();
  await expect(page.getByLabel('1 awaiting approval')).toBeVisible();
});

test('alerts: tabs follow the WAI-ARIA pattern; the rule editor takes focus and Escape gives it back', async ({
  page,
}) => {
  await openConsole(page, SIZES[1]);
  await go(page, '#/alerts', 'Alerts');
  const feed = page.getByRole('tab', { name: /^Feed/ });
  await feed.focus();
  await page.keyboard.press('ArrowRight');
  const rules = page.getByRole('tab', { name: 'Rules' });
  await expect(rules).toBeFocused();
  await expect(rules).toHaveAttribute('aria-selected', 'true');
  await expect(feed).toHaveAttribute('tabindex', '-1');
  await expect(page.getByRole('tabpanel', { name: 'Rules' })).toBeVisible();

  const newRule = page.getByRole('button', { name: 'New rule' });
  await newRule.click();
  const editor = page.getByRole('region', { name: 'Rule' });
  await expect(editor.getByLabel('Enabled')).toBeFocused();
  await expect(editor).toContainText('will not fire until you enable it');
  // Every rule's Remove stays clickable with the editor open.
  await page.getByRole('button', { name: 'Remove Any mint' }).click({ trial: true });
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(newRule).toBeFocused();
});

test('contracts and rules tables: one Tab stop, arrows move between rows, Enter goes into the row', async ({
  page,
}) => {
  await openConsole(page, SIZES[0]);
  await go(page, '#/contracts', 'Contracts');
  const contractRows = page.getByRole('table', { name: 'Watched contracts' }).locator('tbody tr');
  await expect(contractRows).toHaveCount(2);
  // `j` brings focus into the view's table, on its one tabbable row.
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('j');
  await expect(contractRows.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(contractRows.nth(1)).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('contracts-row-focused.png') });
  await expect(contractRows.nth(0)).toHaveAttribute('tabindex', '-1');
  await expect(contractRows.nth(1)).toHaveAttribute('tabindex', '0');
  await page.keyboard.press('Home');
  await expect(contractRows.nth(0)).toBeFocused();
  await page.keyboard.press('End');
  await expect(contractRows.nth(1)).toBeFocused();
  // Tab goes into this row's own buttons, not to the next row; Shift+Tab comes back to the row.
  await page.keyboard.press('Tab');
  await expect(contractRows.nth(1).locator(':focus')).toHaveCount(1);
  await page.keyboard.press('Shift+Tab');
  await expect(contractRows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(contractRows.nth(1).locator(':focus')).toHaveCount(1);
  // Arrows in the row's controls stay theirs.
  await page.keyboard.press('ArrowUp');
  await expect(contractRows.nth(1).locator(':focus')).toHaveCount(1);

  await rpc.call('alerts.rules.save', {
    name: 'Quiet keeper',
    kind: 'silence',
    contractId: (await rpc.call<{ id: string; name: string }[]>('contracts.list', {})).find(
      (contract) => contract.name === 'Pinger',
    )!.id,
    eventName: 'Ping',
    withinSeconds: 3600,
    enabled: false,
  });
  await go(page, '#/alerts', 'Alerts');
  await page.getByRole('tab', { name: 'Rules' }).click();
  const ruleRows = page.getByRole('table', { name: 'Alert rules' }).locator('tbody tr');
  await expect(ruleRows).toHaveCount(2);
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('j');
  await expect(ruleRows.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(ruleRows.nth(1)).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('rules-row-focused.png') });
  await page.keyboard.press('Enter');
  await expect(ruleRows.nth(1).getByRole('checkbox')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(ruleRows.nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(ruleRows.nth(0)).toBeFocused();
});

test('at 900 px the detail drawer keeps focus in itself and makes the page behind it inert', async ({
  page,
}) => {
  await openConsole(page, SIZES[1]);
  await go(page, '#/events', 'Events');
  const rows = page.getByTestId('event-row');
  await expect(rows.nth(1)).toBeVisible();
  await rows.nth(1).focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(page.locator('nav.nav')).toHaveAttribute('inert', '');
  expect(
    await page.evaluate<boolean>(
      `document.querySelector('[data-testid="event-row"]').closest('[inert]') !== null`,
    ),
  ).toBe(true);
  // Tab after Tab, focus never lands behind the drawer (at most it leaves for the browser's own UI).
  const outside: string[] = [];
  for (let press = 0; press < 25; press++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate<string>(`(() => {
      const active = document.activeElement;
      const drawer = document.querySelector('aside[aria-label="Event detail"]');
      if (!active || active === document.body) return 'body';
      return drawer?.contains(active) ? 'drawer' : active.outerHTML.slice(0, 80);
    })()`);
    if (where !== 'drawer' && where !== 'body') outside.push(where);
  }
  expect(outside).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('events-drawer-900.png') });
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(page.locator('nav.nav')).not.toHaveAttribute('inert');
  await expect(rows.nth(1)).toBeFocused();
  // Wide, the pane sits beside the table: nothing is inert.
  await page.setViewportSize(SIZES[0]);
  await page.keyboard.press('Enter');
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(page.locator('[inert]')).toHaveCount(0);
  await page.keyboard.press('Escape');
});

test('contracts: Remove is reachable and clickable with the add form open; focus goes to the next row', async ({
  page,
}) => {
  await openConsole(page, SIZES[1]);
  await go(page, '#/contracts', 'Contracts');
  const form = page.getByRole('form', { name: 'Add contract' });
  await form.getByLabel('Name').fill('half-typed');
  // At 900 px: the token's Remove is in view and nothing covers it.
  await page.getByRole('button', { name: 'Remove DemoToken' }).click({ trial: true });

  await page.setViewportSize(SIZES[0]);
  await expect(form.getByLabel('Name')).toHaveValue('half-typed');
  const remove = page.getByRole('button', { name: 'Remove Pinger' });
  await remove.click();
  const confirm = page.getByRole('button', { name: 'Confirm remove' });
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(remove).toBeFocused();
  await remove.click();
  await confirm.click();
  await expect(page.getByRole('cell', { name: 'Pinger', exact: true })).toBeHidden();
  // The remaining row's first control has focus, not the page body.
  await expect(page.getByRole('row', { name: /DemoToken/ }).locator(':focus')).toHaveCount(1);
});

test('contracts: decimals and symbol set by hand read in Events, and read from the chain again', async ({
  page,
}) => {
  await openConsole(page, SIZES[0]);
  await go(page, '#/contracts', 'Contracts');
  const row = page.getByRole('row', { name: /DemoToken/ });
  await expect(row).toContainText('18 decimals, DEMO (from the chain)');
  const open = row.getByRole('button', { name: 'Set decimals and symbol of DemoToken' });
  await open.click();
  const form = row.getByRole('form', { name: 'Decimals and symbol of DemoToken' });
  const decimals = form.getByLabel('Decimals');
  await expect(decimals).toBeFocused();
  await expect(decimals).toHaveValue('18');

  // Out of range: the error is under the field, tied to it, and nothing is saved.
  await decimals.fill('78');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(decimals).toHaveAttribute('aria-invalid', 'true');
  const errorId = (await decimals.getAttribute('aria-describedby'))!
    .split(' ')
    .find((id) => id.endsWith('-error'))!;
  await expect(page.locator(`[id="${errorId}"]`)).toHaveText('Must be at most 77');

  await decimals.fill('15');
  await form.getByLabel('Symbol').fill('mDEMO');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('15 decimals, mDEMO (set by hand)');
  await expect(open).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('contracts-token-by-hand.png') });
  // At 900 px the row's own buttons stay in view beside the amounts.
  await page.setViewportSize(SIZES[1]);
  await row.getByRole('button', { name: 'Remove DemoToken' }).click({ trial: true });
  await open.click();
  await page.screenshot({ path: test.info().outputPath('contracts-token-form-900.png') });
  await expect(row.getByRole('button', { name: 'Edit DemoToken' })).toBeInViewport({ ratio: 1 });
  await row.getByRole('button', { name: 'Cancel' }).click();
  await page.setViewportSize(SIZES[0]);

  // 6 DEMO minted in beforeAll reads as 6,000 mDEMO with 15 decimals.
  await go(page, '#/events', 'Events');
  const rows = page.getByTestId('event-row');
  await expect(rows.filter({ hasText: 'value=6,000 mDEMO' })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('events-token-by-hand.png') });

  await go(page, '#/contracts', 'Contracts');
  await row.getByRole('button', { name: 'Read from the chain again' }).click();
  await expect(row).toContainText('18 decimals, DEMO (from the chain)');
  await expect(open).toBeFocused();
  await go(page, '#/events', 'Events');
  await expect(rows.filter({ hasText: 'value=6 DEMO' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'mDEMO' })).toHaveCount(0);
});

test('alerts: Acknowledge all leaves focus on Show all and says what it did', async ({ page }) => {
  await openConsole(page, SIZES[0]);
  await go(page, '#/alerts', 'Alerts');
  const all = page.getByRole('button', { name: /^Acknowledge all \d+$/ });
  await expect(all).toBeVisible();
  const count = Number((await all.textContent())!.match(/\d+/)![0]);
  await all.click();
  await expect(all).toBeHidden();
  await expect(page.getByLabel(/^Show all firings/)).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText(`Acknowledged ${count} firings.`);
});
