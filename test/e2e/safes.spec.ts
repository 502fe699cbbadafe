// The Safes section of the Signers view, against the real Safe 1.4.1 contracts on anvil: empty,
// an address that is not a Safe refused under its field, a 2-of-3 Safe added with the owner whose
// key is in the keychain marked, and a threshold changed on chain shown after "Read now".
import { expect, test } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import { connectRpc, startServe, type ServeProcess } from '../helpers/serve.ts';
import {
  changeThresholdData,
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  plainSafeTransaction,
  type CreatedSafe,
  type SafeDeployment,
} from '../helpers/safe-contracts.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { requireBuiltRenderer, screenshot, watchForProblems } from './stack.ts';

let anvil: AnvilInstance;
let serve: ServeProcess;
let dataDir: ReturnType<typeof makeTempDir>;
let deployment: SafeDeployment;
let safe: CreatedSafe;

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil();
  deployment = await deploySafeContracts(anvil.rpcUrl);
  safe = await createSafe(anvil.rpcUrl, deployment);
  dataDir = makeTempDir('vigil-e2e-safes-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-operator'] });
  const rpc = await connectRpc(serve.wsUrl);
  await rpc.call('chains.add', { name: 'Anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
  await rpc.call('signers.import', { privateKey: safe.owners[1]!.privateKey, label: 'Owner B' });
  rpc.close();
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

test('add a Safe in the Signers view and see a threshold change after reading it again', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Signers' }).click();
  const section = page.getByRole('region', { name: 'Safes' });
  await expect(section.getByText('No Safes yet')).toBeVisible();
  await screenshot(page, '01-safes-empty');

  const form = page.getByRole('form', { name: 'Add a Safe' });
  await form.getByLabel('Safe address').fill(deployment.multiSendCallOnly);
  await form.getByRole('button', { name: 'Add Safe' }).click();
  await expect(form.getByText(/is not a Safe/)).toBeVisible();
  await screenshot(page, '02-safes-not-a-safe');

  await form.getByLabel('Safe address').fill(safe.address);
  await form.getByLabel('Name (optional)').fill('Treasury');
  await form.getByRole('button', { name: 'Add Safe' }).click();
  await expect(form.getByRole('status')).toHaveText('Added Treasury: 2 of 3 owners.');
  const card = page.getByRole('article', { name: 'Safe Treasury' });
  await expect(card).toContainText('2 of 3 owners (1 in this keychain)');
  await expect(card.getByRole('list', { name: 'Owners' }).getByText('keychain signer')).toHaveCount(
    1,
  );
  await screenshot(page, '03-safe-added');
  await card.getByRole('button', { name: 'Alert on changes' }).click();
  await expect(card.getByRole('status')).toHaveText(
    '7 alert rules added for owner, threshold, module and guard changes.',
  );

  await execSafeTransaction(
    anvil.rpcUrl,
    anvil.chainId,
    safe.address,
    plainSafeTransaction({ to: safe.address, data: changeThresholdData(3), nonce: 0n }),
    safe.owners.slice(0, 2),
  );
  await card.getByRole('button', { name: 'Read now' }).click();
  await expect(card).toContainText('3 of 3 owners');
  await screenshot(page, '04-safe-threshold-changed');
  expect(problems).toEqual([]);
});
