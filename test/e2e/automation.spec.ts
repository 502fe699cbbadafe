// The Automation view and the switch through the real UI: write a policy in the form (a bad
// amount and a condition on an argument the function does not have are shown under their
// fields), create and enable it with a person's passkey, pause with the switch on the
// navigation, reload and find it still paused, resume with the passkey. Real anvil, real headless
// server, the real OS keychain, Debian's Chromium.
import { copyFileSync, mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { AuditEntry, AutomationStatus } from '../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { contractIdOf } from '../helpers/alerts.ts';
import { deployDemoContracts, mintTokens } from '../helpers/contracts.ts';
import { fund } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { enroll, makePerson, type Person } from '../helpers/person.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { watchOnAnvil } from '../helpers/watch-setup.ts';
import { addVirtualAuthenticator, requireBuiltRenderer, watchForProblems } from './stack.ts';

const TREASURY = '0x00000000000000000000000000000000000000aa';
const RECIPIENT = '0x000000000000000000000000000000000000bEEF';

let anvil: AnvilInstance;
let serve: ServeProcess;
let rpc: RpcClient;
let dataDir: ReturnType<typeof makeTempDir>;
let erin: Person;
let token: `0x${string}`;
let keeper: `0x${string}`;

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  dataDir = makeTempDir('vigil-e2e-automation-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-automation'] });
  erin = makePerson('Erin', `http://localhost:${serve.port}`);
  // Erin approves in the browser; the tests' own setup (a rule or a schedule under the policy,
  // which needs a person too) is approved by a second passkey from Node. One passkey used from
  // both sides would have its signature counter go back, which the server rightly refuses.
  const setup = makePerson('Setup', `http://localhost:${serve.port}`);
  rpc = await connectRpc(serve.wsUrl, {}, { person: setup });
  const call = <T>(name: string, input?: unknown): Promise<T> => rpc.call<T>(name, input);
  await enroll(call, erin);
  await enroll(call, setup, erin);
  await watchOnAnvil(call, anvil, { address: token, artifact: 'DemoToken' });
  ({ address: keeper } = await call<{ address: `0x${string}` }>('signers.generate', {
    label: 'Keeper',
  }));
});

test.afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

/** What the rule and the schedule propose: one unit of the token from the keeper. */
const keeperTransfer = () => ({
  chainId: anvil.chainId,
  from: keeper,
  to: token,
  function: { name: 'transfer', args: [RECIPIENT, '1'] },
});

/** axe's WCAG 2.2 AA findings on the page as it is, as the accessibility spec checks each view. */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.map(
    (violation) =>
      `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
  );
}

/** Saved with the test's output and, for the review of the view, under the notes. */
async function screenshot(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const notes = process.env['VIGIL_SCREENS_DIR'];
  if (notes) {
    mkdirSync(notes, { recursive: true });
    copyFileSync(path, `${notes}/${name}.png`);
  }
}

test('write a policy, enable it with a passkey, pause, reload, resume with a passkey', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  await addVirtualAuthenticator(page, erin);
  await page.goto(serve.consoleUrl);
  const switchPanel = page.getByRole('region', { name: 'Automation switch' });
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('running');
  await expect(switchPanel).toContainText('0 of 0 policies enabled');

  await page.getByRole('link', { name: 'Automation' }).click();
  await expect(page.getByRole('heading', { name: 'Automation', level: 1 })).toBeVisible();
  await expect(page.getByText('No policies yet.')).toBeVisible();
  await screenshot(page, '01-empty');

  await page.getByRole('button', { name: 'New policy' }).click();
  const form = page.getByRole('form', { name: 'Policy editor' });
  await form.getByLabel('Name').fill('Top up');
  await expect(form.getByLabel('Chain', { exact: true })).toHaveValue(String(anvil.chainId));
  await expect(form.getByLabel('Signer (from the keychain)')).toContainText('Keeper');
  await form.getByLabel('Contract 1').selectOption({ label: `DemoToken — ${token}` });
  await form.getByLabel('transfer(address,uint256)').check();
  // `amount` is not an argument of transfer: the server says so, under the condition.
  const condition = form.getByLabel('Condition on transfer (optional)');
  await condition.fill('amount <= 1000e18');
  // A fee the form cannot read in gwei is caught before anything is sent.
  await form.getByLabel('Max fee per gas (gwei)').fill('fifty');
  await form.getByLabel('Daily budget (ETH)').fill('0.1');
  await form.getByLabel('At most per hour').fill('4');
  await form.getByRole('button', { name: 'Create policy' }).click();
  const feeField = form.getByLabel('Max fee per gas (gwei)');
  await expect(feeField).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Not an amount: write a decimal amount')).toBeVisible();
  await feeField.fill('50');
  await form.getByRole('button', { name: 'Create policy' }).click();
  await expect(condition).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByRole('alert')).toContainText('amount');
  await expect(feeField).not.toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, '02-field-error');
  expect(await axeViolations(page)).toEqual([]);
  expect(
    (await rpc.call<{ policies: unknown[] }>('automation.policies.list', {})).policies,
  ).toEqual([]);

  await condition.fill('value <= 1000e18');
  // Creating is a person's to approve: the passkey in this browser answers.
  await form.getByRole('button', { name: 'Create policy' }).click();
  const row = page.getByTestId('policy-row');
  await expect(row).toContainText('Top up');
  await expect(row).toContainText('transfer where value <= 1000e18');
  await expect(row).toContainText('50 gwei');
  await expect(row.getByLabel('Enable Top up')).not.toBeChecked();

  // A controlled switch: it turns on when main answers, after the person approved.
  await row.getByLabel('Enable Top up').click();
  await expect(row.getByLabel('Enable Top up')).toBeChecked();
  await expect(switchPanel).toContainText('1 of 1 policy enabled');
  await screenshot(page, '03-policies');

  // Edited: the form opens with the stored policy in ETH and gwei; a lower fee cap narrows it.
  await row.getByRole('button', { name: 'Edit Top up' }).click();
  const editor = page.getByRole('form', { name: 'Policy editor' });
  await expect(editor.getByLabel('Max fee per gas (gwei)')).toHaveValue('50');
  await expect(editor.getByLabel('Daily budget (ETH)')).toHaveValue('0.1');
  await expect(editor.getByLabel('Condition on transfer (optional)')).toHaveValue(
    'value <= 1000e18',
  );
  await editor.getByLabel('Max fee per gas (gwei)').fill('40');
  await editor.getByRole('button', { name: 'Save policy' }).click();
  await expect(row).toContainText('40 gwei');
  await expect(row.getByLabel('Enable Top up')).toBeChecked();

  // Pausing needs nobody.
  await switchPanel.getByRole('button', { name: 'Pause automation' }).click();
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('paused');
  await screenshot(page, '04-paused');
  expect(await axeViolations(page)).toEqual([]);
  await page.reload();
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('paused');
  await expect(page.getByRole('region', { name: 'Switch state' })).toContainText(
    'Paused: no policy approves anything',
  );

  await switchPanel.getByRole('button', { name: 'Resume automation' }).click();
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('running');
  const status = await rpc.call<AutomationStatus>('automation.status', {});
  expect(status).toMatchObject({ paused: false, enabledPolicies: 1 });
  const { entries } = await rpc.call<{ entries: AuditEntry[] }>('audit.list', {
    action: 'automation.resumed',
  });
  expect(entries).toHaveLength(1);
  expect(entries[0]!.details['approvedBy']).toMatchObject({ name: 'Erin' });
  expect(problems).toEqual([]);
});

test('a rule under the policy: what it decided and why, the budget it used, the switch', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  await fund(anvil.rpcUrl, keeper, 10n ** 18n);
  await mintTokens(anvil.rpcUrl, token, keeper, 100n);
  // Each mint to the treasury proposes a 1-unit transfer from the keeper, under Top up (enabled
  // by the test before): approved on its own while the switch runs, left for a person once paused.
  await rpc.call('alerts.rules.save', {
    name: 'Treasury minted',
    kind: 'event',
    contractId: contractIdOf(anvil.chainId, token),
    eventName: 'Transfer',
    condition: `from == 0x0000000000000000000000000000000000000000 and to == ${TREASURY}`,
    enabled: true,
    propose: { ...keeperTransfer(), execute: { policy: 'top-up' } },
  });
  await addVirtualAuthenticator(page, erin, 2_000_000);
  await page.goto(`${serve.consoleUrl}#/automation`);
  await expect(page.getByRole('heading', { name: 'Automation', level: 1 })).toBeVisible();
  await expect(page.getByText('No decisions yet.')).toBeVisible();

  await mintTokens(anvil.rpcUrl, token, TREASURY, 5n);
  const decisions = page.getByTestId('decision-row');
  await expect(decisions).toHaveCount(1, { timeout: 30_000 });
  await expect(decisions.first().locator('.badge-approved')).toHaveText('approved');
  await expect(decisions.first()).toContainText('Within all');
  await expect(
    page.getByRole('progressbar', { name: 'Approved in the last hour by Top up' }),
  ).toHaveAttribute('aria-valuenow', '25');
  const spent = page.getByRole('progressbar', { name: 'Budget used today by Top up' });
  await expect(spent.locator('..')).toContainText(/of 0\.1 ETH today/);
  await expect(spent.locator('..')).not.toContainText('(0 ETH of');

  const switchPanel = page.getByRole('region', { name: 'Automation switch' });
  await switchPanel.getByRole('button', { name: 'Pause automation' }).click();
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('paused');
  await mintTokens(anvil.rpcUrl, token, TREASURY, 5n);
  await expect(decisions).toHaveCount(2, { timeout: 30_000 });
  const refused = decisions.first();
  await expect(refused).toContainText('left for a person');
  await expect(refused).toContainText('Switch');
  await screenshot(page, '05-decisions');
  expect(await axeViolations(page)).toEqual([]);

  // The refused one links to its transaction, waiting in the queue for a person.
  const txLink = refused.getByRole('link', { name: /^#\d+$/ });
  const txId = (await txLink.textContent())!.slice(1);
  await switchPanel.getByRole('button', { name: 'Resume automation' }).click();
  await expect(switchPanel.getByTestId('automation-state')).toHaveText('running');
  await txLink.click();
  const detail = page.getByRole('complementary', { name: `Transaction ${txId}` });
  await expect(detail.locator('.tx-status').first()).toHaveText('proposed');
  // The queue shows the limit that stopped it, for the person who approves it now.
  const policySection = detail.getByRole('region', { name: 'Policy decision' });
  await expect(policySection).toContainText('Executed under policy top-up');
  await expect(policySection).toContainText('left for a person');
  await expect(policySection).toContainText('Switch: paused');
  await expect(policySection).toContainText('Automation is paused');
  await screenshot(page, '08-tx-policy-decision');
  expect(problems).toEqual([]);
});

test('a schedule under the policy: its next slot, its runs, the hourly rate that stops it', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  // Every two seconds a transfer under Top up, which has approved one of its four an hour (the
  // rule of the test before): three more are approved, then the rate leaves one for a person.
  await rpc.call('automation.schedules.save', {
    name: 'Drip',
    everySeconds: 2,
    propose: keeperTransfer(),
    execute: { policy: 'top-up' },
    catchUpSeconds: 60,
  });
  await page.goto(`${serve.consoleUrl}#/automation`);
  const schedule = page.getByTestId('schedule-row');
  await expect(schedule).toContainText('Drip');
  await expect(schedule).toContainText('every 2.0 s');
  await expect(schedule).toContainText('under Top up');
  await expect(schedule.locator('.badge-run-proposed')).toBeVisible({ timeout: 30_000 });

  const decisions = page.getByTestId('decision-row');
  await expect(decisions.filter({ hasText: 'Per hour' }).first()).toContainText(
    'left for a person',
    { timeout: 30_000 },
  );
  await expect(decisions.locator('.badge-approved')).toHaveCount(4);
  await expect(
    page.getByRole('progressbar', { name: 'Approved in the last hour by Top up' }),
  ).toHaveAttribute('aria-valuenow', '100');

  // Disabled from its row: no next slot; its recent runs each link to their proposal.
  await schedule.getByLabel('Enable schedule Drip').click();
  await expect(schedule.getByLabel('Enable schedule Drip')).not.toBeChecked();
  await expect(schedule).toContainText('none');
  await schedule.getByRole('button', { name: 'Recent runs of Drip' }).click();
  const runs = schedule.getByRole('list', { name: 'Runs of Drip' }).locator('li');
  await expect(runs.first()).toContainText('proposed');
  await expect(runs.first().getByRole('link', { name: /^#\d+$/ })).toBeVisible();
  await screenshot(page, '06-schedules');
  expect(await axeViolations(page)).toEqual([]);
  // The workspace file carries the policy and the schedule: importing it again changes nothing,
  // and the summary says so for each.
  const { yaml } = await rpc.call<{ yaml: string }>('workspace.export', {});
  await page.getByRole('link', { name: 'Workspace' }).click();
  const importForm = page.getByRole('form', { name: 'Import workspace' });
  await importForm.getByLabel('Workspace YAML').fill(yaml);
  await importForm.getByRole('button', { name: 'Import' }).click();
  await expect(importForm.getByRole('status')).toContainText(
    '0 automation policy(ies) added (disabled until you enable them under Automation), 0 changed, 1 unchanged; 0 schedule(s) added (disabled until you enable them), 1 unchanged',
  );
  await importForm.getByRole('link', { name: 'Automation' }).click();
  await expect(schedule).toContainText('Drip');

  // At the narrow width the accessibility spec uses too: wide tables scroll inside their region.
  await page.setViewportSize({ width: 900, height: 700 });
  await screenshot(page, '07-narrow');
  expect(await axeViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});
