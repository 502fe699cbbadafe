// A transaction approved by hand, through the real UI: import a signer's key, compose a call from
// the contract's ABI form (a wrong argument is caught as it is typed), look at what approving
// signs, approve it, and watch it reach confirmed with the event it caused. Real anvil (a block
// a second), real headless server, the real OS keychain, Debian's Chromium.
import { expect, test } from '@playwright/test';
import type { Address, Hex } from 'viem';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { deployDemoContracts, mintTokens } from '../helpers/contracts.ts';
import { fundedKey } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { connectRpc, startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  addVirtualAuthenticator,
  requireBuiltRenderer,
  screenshot,
  watchForProblems,
} from './stack.ts';
import { watchOnAnvil } from '../helpers/watch-setup.ts';

const RECIPIENT = '0x000000000000000000000000000000000000bEEF';

let anvil: AnvilInstance;
let serve: ServeProcess;
let dataDir: ReturnType<typeof makeTempDir>;
let token: Address;
let signer: { privateKey: Hex; address: Address };

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil({ blockTime: 1 });
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  signer = await fundedKey(anvil.rpcUrl);
  await mintTokens(anvil.rpcUrl, token, signer.address, 500n * 10n ** 18n);
  dataDir = makeTempDir('vigil-e2e-tx-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-operator'] });
  const rpc = await connectRpc(serve.wsUrl);
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  // An explorer for the chain, as the chain list or the operator gives it: links point there.
  await rpc.call('chains.update', {
    chainId: anvil.chainId,
    explorerUrl: 'https://explorer.example/',
  });
  rpc.close();
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

test('compose a call from the ABI form, approve it by hand, watch it reach confirmed', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  // The operator's passkey: a virtual authenticator in this Chromium, enrolled through the UI.
  await addVirtualAuthenticator(page);

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Signers' }).click();
  await expect(page.getByText('No signers yet')).toBeVisible();
  await expect(page.getByText('Nobody can approve yet')).toBeVisible();
  const enrollForm = page.getByRole('form', { name: 'Enroll a passkey' });
  await enrollForm.getByLabel('Your name').fill('Erin');
  await enrollForm.getByRole('button', { name: 'Enroll a passkey' }).click();
  await expect(enrollForm.getByRole('status')).toHaveText('Enrolled Erin.');
  await expect(page.getByRole('list', { name: 'Enrolled approvers' })).toContainText('Erin');
  const importForm = page.getByRole('form', { name: 'Import a key' });
  await importForm.getByLabel('Label').fill('Treasury hot wallet');
  await importForm.getByLabel('Private key').fill('not a key at all');
  await importForm.getByRole('button', { name: 'Import key' }).click();
  await expect(importForm.getByRole('alert')).toContainText('not a private key');
  await expect(importForm.getByLabel('Private key')).toHaveValue('');
  await importForm.getByLabel('Private key').fill(signer.privateKey);
  await importForm.getByRole('button', { name: 'Import key' }).click();
  const card = page.getByRole('article', { name: 'Signer Treasury hot wallet' });
  await expect(card).toContainText(signer.address);
  await expect(card).toContainText('ETH');
  await screenshot(page, '01-signer-imported');

  await page.getByRole('link', { name: /^Transactions/ }).click();
  await expect(page.getByText('Nothing proposed yet')).toBeVisible();
  await page.getByRole('link', { name: 'New transaction' }).first().click();
  const form = page.getByRole('form', { name: 'Propose a transaction' });
  await form
    .getByLabel('Contract', { exact: true })
    .selectOption({ label: `DemoToken — ${token}` });
  await form.getByLabel('Function', { exact: true }).selectOption('transfer(address,uint256)');
  await form.getByLabel('to (address)').fill(RECIPIENT);
  // A negative amount is out of range for uint256: main's encoder says so while typing.
  await form.getByLabel('value (uint256)').fill('-12');
  await expect(form.getByText('out of range')).toBeVisible();
  await screenshot(page, '02-compose-argument-error');
  await form.getByLabel('value (uint256)').fill('12.5e18');
  await expect(form.getByText('out of range')).toBeHidden();
  await form.getByLabel('Note (optional)').fill('e2e payout');
  await form.getByRole('button', { name: 'Propose' }).click();

  const detail = page.getByRole('complementary', { name: /^Transaction \d+$/ });
  await expect(detail.getByText('What approving signs')).toBeVisible();
  const whatIsSigned = detail.getByLabel('What will be signed');
  await expect(whatIsSigned).toContainText(`DemoToken — ${token}`);
  await expect(whatIsSigned).toContainText(signer.address);
  await expect(whatIsSigned).toContainText('Nonce');
  await expect(whatIsSigned).toContainText('gwei');
  await expect(detail.getByLabel('Decoded call')).toContainText('12,500,000,000,000,000,000');
  await expect(detail.getByRole('status').filter({ hasText: 'Succeeds' })).toBeVisible();
  await expect(page.getByLabel('1 awaiting approval')).toBeVisible();
  await screenshot(page, '03-approval-screen');

  await detail.getByRole('button', { name: 'Approve and send' }).click();
  await expect(detail.locator('.tx-status').first()).toHaveText(/sent|mined|confirmed/);
  await expect(detail.locator('.tx-status').first()).toHaveText('confirmed', { timeout: 30_000 });
  await expect(page.getByLabel('1 awaiting approval')).toBeHidden();
  const caused = detail.getByLabel('Events it caused');
  await expect(caused).toContainText('Transfer');
  await expect(caused).toContainText('12,500,000,000,000,000,000');
  await expect(detail.getByLabel('Timeline')).toContainText('approved');
  // Approved by the person whose passkey signed the digest, not by the session.
  await expect(detail).toContainText(/Approved by\s*Erin/);
  await screenshot(page, '04-confirmed');
  // The hash and both addresses open the chain's explorer, outside the app.
  const hashLink = detail.getByRole('link', { name: /^Open transaction 0x[0-9a-f]{64} in/ });
  await expect(hashLink).toHaveAttribute(
    'href',
    /^https:\/\/explorer\.example\/tx\/0x[0-9a-f]{64}$/,
  );
  await expect(hashLink).toHaveAttribute('target', '_blank');
  await expect(
    detail.getByRole('link', { name: `Open address ${signer.address} in the block explorer` }),
  ).toHaveAttribute('href', `https://explorer.example/address/${signer.address}`);

  expect(problems).toEqual([]);
});
