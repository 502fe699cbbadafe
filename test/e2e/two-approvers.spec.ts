// A signer that needs two people: Alice and Bob each hold their own passkey, in their own browser
// (two contexts, two virtual authenticators). A transfer is proposed; Alice approves and the queue
// says who approved and who is awaited, nothing is sent; Bob approves and it is confirmed on anvil.
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { Address, Hex } from 'viem';
import type { Transaction } from '../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { rawRpc } from '../helpers/chain-control.ts';
import { fundedKey } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { enroll, makePerson, type Person } from '../helpers/person.ts';
import { connectRpc, startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  addVirtualAuthenticator,
  requireBuiltRenderer,
  screenshot,
  watchForProblems,
} from './stack.ts';

const RECIPIENT = '0x000000000000000000000000000000000000bEEF';

let anvil: AnvilInstance;
let serve: ServeProcess;
let dataDir: ReturnType<typeof makeTempDir>;
let signer: { privateKey: Hex; address: Address };
let alice: Person;
let bob: Person;
let proposed: Transaction;

const chainNonce = async (): Promise<number> =>
  Number(await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer.address, 'latest']));

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil({ blockTime: 1 });
  signer = await fundedKey(anvil.rpcUrl);
  dataDir = makeTempDir('vigil-e2e-two-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-team'] });
  const origin = `http://localhost:${serve.port}`;
  alice = makePerson('Alice', origin);
  bob = makePerson('Bob', origin);
  // The team's setup, scripted: Alice enrolls first (from this machine), then approves Bob's
  // enrollment, the key's import and the rule that it takes two of them to sign.
  const rpc = await connectRpc(serve.wsUrl, {}, { person: alice });
  const call = <T>(name: string, input?: unknown): Promise<T> => rpc.call<T>(name, input);
  await enroll(call, alice);
  await enroll(call, bob, alice);
  await call('chains.add', { name: 'Anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
  await call('signers.import', { privateKey: signer.privateKey, label: 'Team treasury' });
  await call('signers.setApprovalsRequired', { address: signer.address, required: 2 });
  proposed = await call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: signer.address,
    to: RECIPIENT,
    value: '1000000000000000',
    note: 'two-person payout',
  });
  rpc.close();
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

/** Each browser's copy of a passkey counts on from past the copies before it. */
let copies = 0;

/** A browser of its own for `person`, holding their passkey, open on the proposal. */
async function openAs(browser: Browser, person: Person): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(page, person, 1_000_000 * ++copies);
  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: /^Transactions/ }).click();
  await page.evaluate(`location.hash = '#/transactions?id=${proposed.id}'`);
  return page;
}

test('a 2-of-2 signer waits for the second approver, then sends', async ({ browser }) => {
  const nonce = await chainNonce();
  const alicePage = await openAs(browser, alice);
  const problems = watchForProblems(alicePage);
  const aliceDetail = alicePage.getByRole('complementary', { name: `Transaction ${proposed.id}` });
  const approvals = aliceDetail.getByLabel('Approvals so far');
  await expect(approvals).toContainText('No approvals yet (0 of 2)');
  await expect(approvals).toContainText(/awaiting 2 more from Alice, Bob/);
  await aliceDetail.getByRole('button', { name: 'Approve and send' }).click();
  await expect(approvals).toContainText('Approved by Alice (1 of 2)');
  await expect(approvals).toContainText('awaiting 1 more from Bob');
  await expect(aliceDetail.locator('.tx-status').first()).toHaveText('proposed');
  await screenshot(alicePage, '01-alice-approved-bob-awaited');
  expect(await chainNonce()).toBe(nonce);

  const bobPage = await openAs(browser, bob);
  const bobProblems = watchForProblems(bobPage);
  const bobDetail = bobPage.getByRole('complementary', { name: `Transaction ${proposed.id}` });
  await expect(bobDetail.getByLabel('Approvals so far')).toContainText(
    'Approved by Alice (1 of 2)',
  );
  await bobDetail.getByRole('button', { name: 'Approve and send' }).click();
  await expect(bobDetail.locator('.tx-status').first()).toHaveText('confirmed', {
    timeout: 30_000,
  });
  await expect(bobDetail).toContainText(/Approved by\s*Alice, Bob/);
  await screenshot(bobPage, '02-bob-approved-confirmed');
  expect(await chainNonce()).toBe(nonce + 1);
  expect([...problems, ...bobProblems]).toEqual([]);
});

test('a generated key is offered an encrypted backup at once', async ({ browser }) => {
  const page = await openAs(browser, alice);
  const problems = watchForProblems(page);
  await page.getByRole('link', { name: 'Signers' }).click();
  const generate = page.getByRole('form', { name: 'Generate a key' });
  await generate.getByLabel('Label').fill('Spare keeper');
  await generate.getByRole('button', { name: 'Generate key' }).click();
  const offer = page.getByRole('region', { name: 'Back up the new key' });
  await expect(offer).toBeVisible();
  await offer.getByLabel('Backup passphrase').fill('short');
  await offer.getByRole('button', { name: 'Write encrypted backup' }).click();
  await expect(offer).toContainText('at least 12 characters');
  await offer.getByLabel('Backup passphrase').fill('correct horse battery staple');
  await offer.getByLabel('Passphrase again').fill('correct horse battery staple');
  await offer.getByRole('button', { name: 'Write encrypted backup' }).click();
  await expect(offer.getByRole('status')).toContainText('Encrypted backup written to', {
    timeout: 30_000,
  });
  await expect(offer.getByRole('link', { name: /download vigil-keystore-0x/ })).toBeVisible();
  await screenshot(page, '03-generated-key-backed-up');
  expect(problems).toEqual([]);
});
