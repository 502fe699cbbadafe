// A Safe transfer through the real UI, against the real Safe 1.4.1 contracts on anvil: propose it
// as the Safe from the compose form, see the Safe transaction hash and the decoded call, sign it
// with two owners whose keys are in the keychain (each through the person's passkey), execute it
// from a third signer, approve that execution, and see both confirmed.
import { expect, test } from '@playwright/test';
import type { Address } from 'viem';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { deployDemoContracts, mintTokens } from '../helpers/contracts.ts';
import { fundedKey } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { createSafe, deploySafeContracts, type CreatedSafe } from '../helpers/safe-contracts.ts';
import { connectRpc, defaultPerson, startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { watchOnAnvil } from '../helpers/watch-setup.ts';
import {
  addVirtualAuthenticator,
  requireBuiltRenderer,
  screenshot,
  watchForProblems,
} from './stack.ts';
import { executeSafeProposal } from './safe-ui.ts';

const RECIPIENT = '0x000000000000000000000000000000000000bEEF';

let anvil: AnvilInstance;
let serve: ServeProcess;
let dataDir: ReturnType<typeof makeTempDir>;
let token: Address;
let safe: CreatedSafe;
let executor: Address;

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil({ blockTime: 1 });
  const deployment = await deploySafeContracts(anvil.rpcUrl);
  safe = await createSafe(anvil.rpcUrl, deployment);
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  await mintTokens(anvil.rpcUrl, token, safe.address, 100n);
  const executorKey = await fundedKey(anvil.rpcUrl);
  executor = executorKey.address;
  dataDir = makeTempDir('vigil-e2e-safe-tx-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-operator'] });
  const rpc = await connectRpc(serve.wsUrl);
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await rpc.call('safes.add', { chainId: anvil.chainId, address: safe.address, name: 'Treasury' });
  await rpc.call('signers.import', { privateKey: safe.owners[0]!.privateKey, label: 'Owner A' });
  await rpc.call('signers.import', { privateKey: safe.owners[1]!.privateKey, label: 'Owner B' });
  await rpc.call('signers.import', { privateKey: executorKey.privateKey, label: 'Executor' });
  rpc.close();
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

test('propose a Safe transfer, sign it with two owners, execute it, see it confirmed', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  // The person who enrolled when the keys were imported approves here with the same passkey.
  await addVirtualAuthenticator(page, defaultPerson);
  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: /^Transactions/ }).click();
  await page.getByRole('link', { name: 'New transaction' }).first().click();
  const form = page.getByRole('form', { name: 'Propose a transaction' });
  await form
    .getByLabel('From (signer, or as a Safe)')
    .selectOption({ label: `Safe Treasury — ${safe.address}` });
  await expect(form).toContainText('2 of its 3 owners sign it');
  await form
    .getByLabel('Contract', { exact: true })
    .selectOption({ label: `DemoToken — ${token}` });
  await form.getByLabel('Function', { exact: true }).selectOption('transfer(address,uint256)');
  await form.getByLabel('to (address)').fill(RECIPIENT);
  await form.getByLabel('value (uint256)').fill('7');
  await screenshot(page, '01-compose-as-safe');
  await form.getByRole('button', { name: 'Propose' }).click();

  const proposal = page.getByRole('complementary', { name: /^Safe proposal \d+$/ });
  const safeTx = proposal.getByLabel('Safe transaction');
  await expect(safeTx).toContainText(`Treasury — ${safe.address}`);
  await expect(safeTx).toContainText(/Safe transaction hash(Copy)?0x[0-9a-f]{64}/);
  await expect(proposal.getByLabel('Decoded call')).toContainText('transfer(address,uint256)');
  await expect(proposal.getByRole('status').filter({ hasText: 'Succeeds' })).toBeVisible();
  await expect(proposal.getByLabel('Signatures of threshold')).toHaveText('(0 of 2)');

  const actions = proposal.getByRole('region', { name: 'Safe actions' });
  await actions
    .getByLabel('Sign as')
    .selectOption({ label: `Owner A — ${safe.owners[0]!.address}` });
  await actions.getByRole('button', { name: 'Approve and sign' }).click();
  await expect(proposal.getByLabel('Signatures of threshold')).toHaveText('(1 of 2)');
  await screenshot(page, '02-one-of-two-signatures');
  await expect(actions.getByRole('button', { name: 'Execute…' })).toBeHidden();
  await actions.getByRole('button', { name: 'Approve and sign' }).click();
  await expect(proposal.getByLabel('Signatures of threshold')).toHaveText('(2 of 2)');
  await proposal.getByRole('region', { name: 'Signatures', exact: true }).scrollIntoViewIfNeeded();
  await screenshot(page, '03-two-of-two-signatures');
  const proposalId = Number(
    (await proposal.getAttribute('aria-label'))!.replace('Safe proposal ', ''),
  );

  // The rejection takes the same Safe nonce: both are shown as a conflict.
  await actions.getByRole('button', { name: 'Propose rejection…' }).click();
  const rejection = page.getByRole('complementary', { name: `Safe proposal ${proposalId + 1}` });
  await expect(rejection.getByLabel('Safe nonce conflict')).toContainText(
    `proposal ${proposalId} also has Safe nonce 0`,
  );
  await expect(rejection.getByLabel('Safe transaction')).toContainText('the rejection');
  await screenshot(page, '04-nonce-conflict');
  await page.locator(`tr[data-tx-id="${proposalId}"]`).click();
  await expect(proposal.getByLabel('Safe nonce conflict')).toBeVisible();

  await executeSafeProposal(page, proposal, `Executor — ${executor}`, () =>
    screenshot(page, '05-execution-proposed'),
  );
  await screenshot(page, '06-safe-proposal-executed');
  // The rejection at the same Safe nonce can never execute now.
  await page.locator(`tr[data-tx-id="${proposalId + 1}"]`).click();
  await expect(rejection.getByLabel('Settled')).toContainText(
    `Superseded: Safe nonce 0 was used by proposal ${proposalId}.`,
  );
  await expect(rejection.locator('.tx-status').first()).toHaveText('superseded');
  await screenshot(page, '07-rejection-superseded');
  expect(problems).toEqual([]);
});
