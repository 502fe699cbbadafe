// Collecting a Safe proposal's signatures in the real UI, with the real Safe 1.4.1 contracts on
// anvil: a proposal signed by the one owner whose key is here shows 1 of 2; a signed-proposal
// file from another owner's Vigil is chosen and imported (2 of 2); a pasted signature from a
// non-owner is refused with its reason; the proposal is exported for another owner; then it
// executes from the owner's key here and the transfer is on chain.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { getAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Transaction } from '../../src-main/ipc/contract.ts';
import { buildSignedProposalFile } from '../../src-main/core/safes/index.ts';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import {
  chainClients,
  contractAbis,
  deployDemoContracts,
  mintTokens,
} from '../helpers/contracts.ts';
import { fund, fundedKey } from '../helpers/funded-key.ts';
import { requireKeychain } from '../helpers/keychain.ts';
import {
  createSafe,
  deploySafeContracts,
  plainSafeTransaction,
  type CreatedSafe,
} from '../helpers/safe-contracts.ts';
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
let proposal: Transaction;

test.beforeAll(async () => {
  requireBuiltRenderer();
  await requireKeychain();
  anvil = await startAnvil({ blockTime: 1 });
  const deployment = await deploySafeContracts(anvil.rpcUrl);
  safe = await createSafe(anvil.rpcUrl, deployment);
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  await mintTokens(anvil.rpcUrl, token, safe.address, 100n);
  // Owner A's key pays for the execution at the end.
  await fund(anvil.rpcUrl, safe.owners[0]!.address, 10n ** 18n);
  dataDir = makeTempDir('vigil-e2e-safe-sig-');
  serve = await startServe({ dataDir: dataDir.path, args: ['--profile', 'e2e-operator'] });
  const rpc = await connectRpc(serve.wsUrl);
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await rpc.call('safes.add', { chainId: anvil.chainId, address: safe.address, name: 'Treasury' });
  await rpc.call('signers.import', { privateKey: safe.owners[0]!.privateKey, label: 'Owner A' });
  const proposed = await rpc.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    safe: safe.address,
    to: token,
    function: { name: 'transfer', args: [RECIPIENT, '7'] },
  });
  proposal = await rpc.call<Transaction>('txs.approve', {
    id: proposed.id,
    signer: safe.owners[0]!.address,
    seenSimulation: proposed.simulation!.id,
  });
  rpc.close();
});

test.afterAll(async () => {
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

test('import another owner’s signed-proposal file, refuse a non-owner’s signature, export', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  await addVirtualAuthenticator(page, defaultPerson);
  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: /^Transactions/ }).click();
  await page.locator(`tr[data-tx-id="${proposal.id}"]`).click();
  const detail = page.getByRole('complementary', { name: `Safe proposal ${proposal.id}` });
  await expect(detail.getByLabel('Signatures of threshold')).toHaveText('(1 of 2)');
  const exchange = detail.getByRole('region', { name: 'Collect signatures' });
  await exchange.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await screenshot(page, '01-one-of-two-with-collect-controls');

  // Owner B's Vigil exported this file: owner B's signature over the same Safe transaction.
  const fields = proposal.safe!;
  const transaction = plainSafeTransaction({
    to: getAddress(fields.to),
    data: fields.data as Hex,
    nonce: BigInt(fields.nonce),
  });
  const ownerB = privateKeyToAccount(safe.owners[1]!.privateKey);
  const file = buildSignedProposalFile({
    chainId: anvil.chainId,
    safe: safe.address,
    transaction,
    threshold: 2,
    signatures: [
      {
        owner: ownerB.address,
        kind: 'eip712',
        data: await ownerB.sign({ hash: fields.safeTxHash as Hex }),
      },
    ],
  });
  const path = join(dataDir.path, '..', `owner-b-${proposal.id}.json`);
  writeFileSync(path, JSON.stringify(file, null, 2));
  await exchange.getByLabel('Signed-proposal file').setInputFiles(path);
  await exchange.getByRole('button', { name: 'Import signatures' }).click();
  await expect(exchange.getByRole('status')).toContainText(
    `Recorded the signature of ${ownerB.address.toLowerCase()}`,
  );
  await expect(detail.getByLabel('Signatures of threshold')).toHaveText('(2 of 2)');

  const stranger = privateKeyToAccount((await fundedKey(anvil.rpcUrl, 0n)).privateKey);
  await exchange
    .getByLabel('Owner’s signature')
    .fill(await stranger.sign({ hash: fields.safeTxHash as Hex }));
  await exchange.getByRole('button', { name: 'Add signature' }).click();
  await expect(exchange.getByRole('alert')).toContainText(
    `recovers to ${stranger.address}, who is not an owner`,
  );
  // Above the sticky Safe actions at the bottom of the pane.
  await exchange.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await screenshot(page, '02-file-imported-non-owner-refused');

  await exchange.getByRole('button', { name: 'Export signed-proposal file' }).click();
  await expect(exchange.getByRole('status')).toContainText('with 2 signatures');
  await exchange.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await screenshot(page, '03-exported');

  // Two of two: Owner A's key executes, and the transfer lands.
  await executeSafeProposal(page, detail, `Owner A — ${safe.owners[0]!.address}`);
  await screenshot(page, '04-executed-after-import');
  const { reader } = chainClients(anvil.rpcUrl);
  expect(
    await reader.readContract({
      address: token,
      abi: contractAbis.DemoToken,
      functionName: 'balanceOf',
      args: [RECIPIENT],
    }),
  ).toBe(7n);
  expect(problems).toEqual([]);
});
