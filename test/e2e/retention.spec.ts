// A contract's retention set in the Contracts view: editing the row offers keep everything, days
// or events; the server's refusal of a bad number shows under the buttons, naming the field; the
// accepted one shows in the row. Real anvil, real headless server, Debian's Chromium.
import { expect, test } from '@playwright/test';
import { connectRpc, defaultPerson, type RpcClient } from '../helpers/serve.ts';
import {
  addVirtualAuthenticator,
  screenshot,
  startStack,
  watchForProblems,
  type Stack,
} from './stack.ts';

let stack: Stack;
let rpc: RpcClient;

test.beforeAll(async () => {
  stack = await startStack();
  rpc = await connectRpc(stack.serve.wsUrl);
  await rpc.call('chains.add', {
    name: 'Anvil',
    chainId: stack.anvil.chainId,
    rpcUrls: [stack.anvil.rpcUrl],
    confirmations: 0,
  });
  await rpc.call('contracts.add', {
    chainId: stack.anvil.chainId,
    address: stack.pinger.address,
    abi: stack.pinger.abi,
    startBlock: 0,
    name: 'Pinger',
  });
  // Shortening a retention deletes history: only a person may. The operator's passkey is
  // enrolled by this first shortening (the script answers as them); clearing it needs nobody.
  const id = `${stack.anvil.chainId}:${stack.pinger.address.toLowerCase()}`;
  await rpc.call('contracts.update', { id, retention: { days: 365 } });
  await rpc.call('contracts.update', { id, retention: null });
});

test.afterAll(async () => {
  rpc?.close();
  await stack?.stop();
});

test('set a contract retention in the Contracts view', async ({ page }) => {
  const problems = watchForProblems(page);
  // The browser holds the same operator's passkey, and answers the save's approval with it.
  await addVirtualAuthenticator(page, defaultPerson);
  await page.goto(stack.serve.consoleUrl);
  await page.getByRole('link', { name: 'Contracts' }).click();
  const row = page.getByRole('row', { name: /Pinger/ });
  await expect(row.getByRole('cell', { name: 'everything', exact: true })).toBeVisible();

  await row.getByRole('button', { name: 'Edit Pinger' }).click();
  const editing = page.locator('tr.row-editing');
  await editing.getByLabel('Retention').selectOption('days');
  await editing.getByLabel('Days to keep').fill('0');
  await editing.getByRole('button', { name: 'Save' }).click();
  await expect(editing.getByRole('alert')).toContainText('Retention days');
  await screenshot(page, 'retention-refused');

  await editing.getByLabel('Days to keep').fill('30');
  await editing.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('cell', { name: '30 days', exact: true })).toBeVisible();
  await screenshot(page, 'retention-saved');

  await row.getByRole('button', { name: 'Edit Pinger' }).click();
  await editing.getByLabel('Retention').selectOption('events');
  await editing.getByLabel('Events to keep').fill('5000');
  await screenshot(page, 'retention-editing');
  await editing.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('cell', { name: 'newest 5,000 events', exact: true })).toBeVisible();
  expect(problems).toEqual([]);
});
