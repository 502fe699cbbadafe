// The Audit view in the real UI: an operator configures a chain and a contract with the forms,
// renames both in place, opens the Audit view and sees the entries (their own name as actor), opens one, filters,
// exports the log (a download in headless mode), verifies the download in the view and on the
// command line's code, sees an edited copy fail at the right line, and checks the live log.
// A second test starts Vigil on a data directory tampered with on disk: the app says so loudly.
// Before that, a transaction is approved by hand in the Transactions view, and its whole life
// (proposed, simulated, approved by the operator, signed, sent, mined, confirmed) is in the log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { verifyAuditExportFile } from '../../src-main/core/audit/index.ts';
import type { Transaction } from '../../src-main/ipc/contract.ts';
import { fundedKey } from '../helpers/funded-key.ts';
import type { AnvilInstance } from '../helpers/anvil.ts';
import { editSnapshot } from '../helpers/edit-snapshot.ts';
import { connectRpc, defaultPerson, startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import type { Pinger } from './pinger-contract.ts';
import {
  addVirtualAuthenticator,
  screenshot,
  startStack,
  watchForProblems,
  type Stack,
} from './stack.ts';

const OPERATOR = 'e2e-operator';

let stack: Stack;
let anvil: AnvilInstance;
let serve: ServeProcess;
let pinger: Pinger;
let downloads: ReturnType<typeof makeTempDir>;

test.beforeAll(async () => {
  stack = await startStack({ serveArgs: ['--profile', OPERATOR] });
  ({ anvil, serve, pinger } = stack);
  downloads = makeTempDir('vigil-e2e-downloads-');
});

test.afterAll(async () => {
  await stack?.stop();
  downloads?.remove();
});

test('see the entries of what was done, export them, and prove the export unedited', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  // The browser holds the passkey of the operator the script below enrolls: one person, two tools.
  await addVirtualAuthenticator(page, defaultPerson);
  await page.goto(serve.consoleUrl);

  // What the audit log will hold: a chain and a contract added through the forms.
  await page.getByRole('link', { name: 'Chains' }).click();
  await page.getByLabel('Name').fill('Anvil');
  await page.getByLabel('Chain ID').fill(String(anvil.chainId));
  await page.getByLabel('RPC URLs').fill(anvil.rpcUrl);
  await page.getByLabel('Confirmations').fill('0');
  await page.getByRole('button', { name: 'Add chain' }).click();
  await expect(page.getByRole('cell', { name: 'Anvil', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByLabel('Chain', { exact: true }).selectOption(String(anvil.chainId));
  await page.getByLabel('Address').fill(pinger.address);
  await page.getByLabel('Name').fill('Pinger');
  await page.getByLabel('Start block').fill('0');
  await page.getByLabel('ABI', { exact: true }).fill(JSON.stringify(pinger.abi));
  await page.getByRole('button', { name: 'Add contract' }).click();
  await expect(page.getByRole('cell', { name: 'Pinger', exact: true })).toBeVisible();

  // Both changed in place: the chain renamed, the contract renamed.
  await page.getByRole('link', { name: 'Chains' }).click();
  await page.getByRole('button', { name: 'Edit Anvil' }).click();
  await page.getByLabel('Chain name').fill('Anvil local');
  await screenshot(page, '00-chain-editing');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('cell', { name: 'Anvil local', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByRole('button', { name: 'Edit Pinger' }).click();
  await page.getByLabel('Contract name').fill('Pinger (ops)');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('cell', { name: 'Pinger (ops)', exact: true })).toBeVisible();

  // A transaction approved by hand: the signer's key imported and a transfer proposed by a
  // script, then approved in the Transactions view.
  const rpc = await connectRpc(serve.wsUrl);
  const key = await fundedKey(anvil.rpcUrl);
  await rpc.call('signers.import', { privateKey: key.privateKey, label: 'ops' });
  const proposed = await rpc.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: key.address,
    to: '0x000000000000000000000000000000000000dEaD',
    value: '1000',
  });
  rpc.close();
  await page.getByRole('link', { name: /^Transactions/ }).click();
  await page.getByRole('link', { name: `Open transaction ${proposed.id}` }).click();
  const txDetail = page.getByRole('complementary', { name: `Transaction ${proposed.id}` });
  await txDetail.getByRole('button', { name: 'Approve and send' }).click();
  await expect(txDetail.locator('.tx-status').first()).toHaveText('confirmed', {
    timeout: 30_000,
  });

  // The Audit view: newest first, the operator's profile as the actor of their decisions.
  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(17);
  await expect(page.getByTestId('audit-headline')).toContainText('17 entries in all · head seq 17');
  const newestFirst = [
    ['tx.confirmed', 'system'],
    ['tx.mined', 'system'],
    ['tx.sent', 'system'],
    ['tx.signed', 'system'],
    ['tx.approved', OPERATOR],
    ['tx.simulated', 'system'],
    // The passkey's approval of exactly what is signed, before anything else happens.
    ['approval.given', OPERATOR],
    ['tx.simulated', OPERATOR],
    ['tx.proposed', OPERATOR],
    ['signer.imported', OPERATOR],
    ['approval.given', OPERATOR],
    // The script's first request that needs a person enrolled the operator's passkey.
    ['approver.enrolled', OPERATOR],
    ['contract.changed', OPERATOR],
    ['chain.changed', OPERATOR],
    ['contract.added', OPERATOR],
    ['chain.added', OPERATOR],
    ['app.started', 'system'],
  ];
  for (const [index, [action, actor]] of newestFirst.entries()) {
    await expect(rows.nth(index)).toContainText(action!);
    await expect(rows.nth(index)).toContainText(actor!);
  }
  await expect(rows.nth(12)).toContainText('name: Pinger → Pinger (ops)');
  await expect(rows.nth(13)).toContainText('name: Anvil → Anvil local');
  await screenshot(page, '01-audit-entries');

  // The approval in full: exactly what was signed, and a link to the transaction.
  await rows.nth(4).click();
  const approval = page.getByRole('complementary', { name: 'Audit entry detail' });
  await expect(approval.getByRole('heading', { name: 'tx.approved' })).toBeVisible();
  await expect(approval).toContainText(key.address);
  await expect(approval).toContainText('gasLimit');
  await screenshot(page, '01b-audit-approval-detail');

  // An entry opens in full, with its hashes and a link to what it is about.
  await rows.nth(15).click();
  const detail = page.getByRole('complementary', { name: 'Audit entry detail' });
  await expect(detail.getByRole('heading', { name: 'chain.added' })).toBeVisible();
  await expect(detail).toContainText(anvil.rpcUrl);
  await expect(detail.getByRole('link', { name: 'Open the chain →' })).toHaveAttribute(
    'href',
    `#/chains?chainId=${anvil.chainId}`,
  );
  await screenshot(page, '02-audit-entry-detail');

  // Filters: by action, and by free text.
  await page.getByLabel('Action', { exact: true }).selectOption('chain.added');
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Action', { exact: true }).selectOption('');
  await page.getByLabel('Search').fill('Pinger');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('contract.added');
  await page.getByLabel('Search').fill('');
  await expect(rows).toHaveCount(17);

  // Export: in a browser the server writes the file and the browser downloads it.
  const exportForm = page.getByRole('form', { name: 'Export the audit log' });
  const downloadStarted = page.waitForEvent('download');
  await exportForm.getByRole('button', { name: 'Export and download' }).click();
  const download = await downloadStarted;
  const exported = join(downloads.path, download.suggestedFilename());
  await download.saveAs(exported);
  expect(download.suggestedFilename()).toMatch(/^vigil-audit-\d{8}-\d{6}-[0-9a-f]+\.jsonl$/);
  await expect(exportForm.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(exportForm.getByTestId('export-result')).toContainText('Exported 17 entries');
  // The export is recorded too, and arrives in the table by itself.
  await expect(rows).toHaveCount(18);
  await expect(rows.first()).toContainText('audit.exported');
  await expect(page.getByTestId('audit-headline')).toContainText('18 entries in all · head seq 18');
  await screenshot(page, '03-audit-exported');

  // The same code as npm run audit:verify says it is intact.
  const check = await verifyAuditExportFile(exported);
  expect(check.verification).toMatchObject({ intact: true, count: 17, firstSeq: 1, lastSeq: 17 });

  // Verify the download in the view.
  const verifyForm = page.getByRole('form', { name: 'Verify an export' });
  await verifyForm.getByLabel('Exported file').setInputFiles(exported);
  await verifyForm.getByRole('button', { name: 'Verify' }).click();
  const result = verifyForm.getByTestId('verify-result');
  await expect(result).toContainText('Intact: 17 entries, seq 1..17, head');
  await expect(result).toContainText('the export is from this log');
  await screenshot(page, '04-verify-intact');

  // An edited copy fails at the line that was edited.
  const edited = join(downloads.path, 'edited.jsonl');
  writeFileSync(edited, readFileSync(exported, 'utf8').replace('"name":"Anvil"', '"name":"Anv1l"'));
  await verifyForm.getByLabel('Exported file').setInputFiles(edited);
  await verifyForm.getByRole('button', { name: 'Verify' }).click();
  await expect(result).toContainText('Broken: edited at line 3 (seq 2)');
  await expect(result).toContainText('was edited: its content no longer matches its hash');
  await screenshot(page, '05-verify-edited');

  // And the live log, checked now.
  await page.getByRole('button', { name: 'Verify live log' }).click();
  await expect(page.getByText('The live log, just now')).toBeVisible();
  await expect(page.locator('.live-check').getByTestId('verify-result')).toContainText(
    'Intact: 18 entries, seq 1..18',
  );
  await screenshot(page, '06-live-log-verified');

  expect(problems).toEqual([]);
});

test('a data directory tampered with on disk is reported loudly: safe mode, the edit not loaded', async ({
  page,
}) => {
  const tamperedDir = makeTempDir('vigil-e2e-tampered-');
  let tamperedServe: ServeProcess | undefined;
  try {
    // A first run leaves a snapshot; then someone edits entry 1 inside it.
    const first = await startServe({ dataDir: tamperedDir.path });
    // Once it answers a request (a SIGTERM in its first moments can end it before its handler
    // runs, without the final snapshot this test edits).
    const rpc = await connectRpc(first.wsUrl);
    await rpc.call('audit.status');
    rpc.close();
    await first.kill();
    await editSnapshot(tamperedDir.path, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`);

    tamperedServe = await startServe({ dataDir: tamperedDir.path });
    await page.goto(tamperedServe.consoleUrl);
    // The edited snapshot fails its MAC: it is not loaded, and Vigil is in safe mode, on every view.
    const banner = page.getByTestId('safe-mode-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Safe mode: Vigil signs nothing.');
    await expect(banner).toContainText(
      'store.sqlite: it carries a plain checksum where its MAC should be',
    );
    await expect(banner).toContainText('store.sqlite.quarantined-');
    await screenshot(page, '07-safe-mode-banner');

    // The entries are all there as written: the edit was never loaded.
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    const rows = page.getByTestId('audit-row');
    await expect(rows).toHaveCount(3);
    await expect(page.getByTestId('safe-mode-banner')).toBeVisible();
    await expect(rows.last()).not.toContainText('mallory');
    await expect(page.getByTestId('export-signing-key')).toContainText(
      'Exports are signed (Ed25519)',
    );
    await page.getByRole('button', { name: 'Verify live log' }).click();
    await expect(page.locator('.live-check').getByTestId('verify-result')).toContainText(
      'Intact: 3 entries',
    );
    await screenshot(page, '08-safe-mode-audit-view');
  } finally {
    await tamperedServe?.kill();
    tamperedDir.remove();
  }
});
