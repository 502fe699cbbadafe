// Issue 13 in the real UI: a chain added from viem's list (the public RPC marked as such), a UUPS
// proxy added with its creation block found from the chain, shown with its implementation, then
// upgraded on anvil, the upgrade seen, the alert rule added and the new ABI loaded. Headless mode
// runs with --project-root: discovery reads that folder and nothing else.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { encodeFunctionData } from 'viem';
import { join } from 'node:path';
import { compileSolidity, deployCompiled, sendCall } from '../helpers/solidity.ts';
import { hardhatProject } from '../helpers/project-folders.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { screenshot, startStack, watchForProblems, type Stack } from './stack.ts';

let stack: Stack;
/** The folder headless mode is started with as --project-root. */
const projects = makeTempDir('vigil-e2e-project-');

// Compiling OpenZeppelin's proxies with solc-js takes a minute or more on two busy cores.
test.setTimeout(300_000);

test.beforeAll(async () => {
  stack = await startStack({
    serveArgs: ['--project-root', projects.path],
    serveEnv: { VIGIL_TUNING: JSON.stringify({ proxyCheckIntervalMs: 0 }) },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  projects.remove();
});

test('add a chain from the list, then a proxy, and follow its upgrade', async ({ page }) => {
  const problems = watchForProblems(page);
  const { anvil, serve } = stack;
  const compiled = compileSolidity({
    'Proxies.sol': readFileSync(
      new URL('../fixtures/proxies/Proxies.sol', import.meta.url),
      'utf8',
    ),
  });
  const v1 = compiled.get('CounterV1')!;
  const v2 = compiled.get('CounterV2')!;
  const implementation = (await deployCompiled(anvil.rpcUrl, v1)).address;
  const nextImplementation = (await deployCompiled(anvil.rpcUrl, v2)).address;
  const deployed = await deployCompiled(anvil.rpcUrl, compiled.get('ERC1967Proxy')!, [
    implementation,
    encodeFunctionData({ abi: v1.abi, functionName: 'value' } as never),
  ]);
  const proxy = deployed.address;

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Chains' }).click();
  await page.getByLabel('Start from a known chain').fill('anvil');
  await expect(page.getByRole('button', { name: `Use Anvil (${anvil.chainId})` })).toBeVisible();
  await screenshot(page, '01-chain-list');
  await page.getByRole('button', { name: `Use Anvil (${anvil.chainId})` }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Anvil');
  await expect(page.getByLabel('Confirmations')).toHaveValue('2');
  const shared = page.getByRole('note', { name: 'Shared public endpoints' });
  await expect(shared).toContainText('rate-limited, not for production');
  await screenshot(page, '02-chain-preset-picked');
  await page.getByLabel('RPC URLs', { exact: true }).fill(anvil.rpcUrl);
  await page.getByRole('button', { name: 'Add chain' }).click();
  await expect(page.getByRole('cell', { name: 'Anvil', exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByLabel('Address').fill(proxy);
  await page.getByRole('button', { name: 'Find creation block' }).click();
  await expect(
    page.getByText(`Created in block ${Number(deployed.receipt.blockNumber)}`),
  ).toBeVisible();
  await expect(page.getByLabel('Start block')).toHaveValue(String(deployed.receipt.blockNumber));
  await page.getByLabel('Name', { exact: true }).fill('Counter');
  await page.getByLabel('ABI', { exact: true }).fill(JSON.stringify(v1.abi));
  await page.getByRole('button', { name: 'Add contract' }).click();
  const panel = page.getByLabel('Counter proxy');
  await expect(panel).toContainText('UUPS proxy');
  await expect(panel).toContainText(implementation.slice(0, 8));
  await screenshot(page, '03-proxy-with-implementation');

  await sendCall(anvil.rpcUrl, proxy, v1.abi, 'upgradeToAndCall', [nextImplementation, '0x']);
  await panel.getByRole('button', { name: 'Check for upgrades' }).click();
  await expect(panel).toContainText('Upgraded');
  await expect(panel).toContainText('ABI not loaded');
  await panel.getByRole('button', { name: 'Alert on upgrades' }).click();
  await expect(panel).toContainText('Alert rule added');
  await screenshot(page, '04-proxy-upgraded');

  await panel.getByRole('button', { name: 'Load implementation ABI' }).click();
  await panel.getByLabel('New implementation ABI').fill(JSON.stringify(v2.abi));
  await panel.getByRole('button', { name: 'Save ABI' }).click();
  await expect(panel).toContainText('Implementation ABI loaded');
  await expect(panel).not.toContainText('ABI not loaded');
  // The contract now decodes the new implementation's event (its Events column, which narrow
  // layouts hide, still holds it).
  await expect(page.locator('td', { hasText: 'Doubled' })).toBeAttached();
  await screenshot(page, '05-implementation-abi-loaded');
  expect(problems).toEqual([]);
});

test('discover contracts in a project folder, add two, see their events', async ({ page }) => {
  const problems = watchForProblems(page);
  const { anvil, serve } = stack;
  const compiled = compileSolidity({
    'Ledger.sol': readFileSync(new URL('../fixtures/projects/Ledger.sol', import.meta.url), 'utf8'),
  });
  const empty = join(projects.path, 'empty');
  const root = join(projects.path, 'hardhat');
  const vault = await hardhatProject(root, anvil, compiled);

  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByText('Add from a project folder').click();
  const panel = page.getByRole('region', { name: 'Contracts from a project folder' });
  // A folder the operator did not allow is refused, whatever the page asks.
  await panel.getByLabel('Project folder').fill('/etc');
  await panel.getByRole('button', { name: 'Find deployments' }).click();
  await expect(panel.getByRole('alert')).toContainText(
    '/etc is not inside a project folder the operator chose',
  );
  await screenshot(page, '06a-discovery-refused');
  await panel.getByLabel('Project folder').fill(empty);
  await panel.getByRole('button', { name: 'Find deployments' }).click();
  await expect(panel.getByRole('alert')).toContainText('is not a folder');
  // The allowed folder is offered; the project is inside it.
  await panel
    .getByRole('group', { name: 'Folders Vigil may read' })
    .getByRole('button', { name: projects.path })
    .click();
  await expect(panel.getByLabel('Project folder')).toHaveValue(projects.path);
  await panel.getByLabel('Project folder').fill(root);
  await panel.getByRole('button', { name: 'Find deployments' }).click();
  const found = panel.getByRole('table', { name: 'Deployments found' });
  await expect(found.getByRole('row')).toHaveCount(3);
  await expect(found).toContainText(String(vault.deployed.block));
  await expect(found).toContainText(String(vault.ignition.block));
  await screenshot(page, '06-discovery-list');
  await panel.getByRole('button', { name: 'Add 2 ticked' }).click();
  await expect(panel.getByRole('status')).toContainText('Added 2');
  await expect(found.getByText('watched')).toHaveCount(2);
  await screenshot(page, '07-discovery-added');

  const vaultAbi = compiled.get('Vault')!.abi;
  await sendCall(anvil.rpcUrl, vault.deployed.address, vaultAbi, 'deposit', [11n]);
  await sendCall(anvil.rpcUrl, vault.ignition.address, vaultAbi, 'deposit', [22n]);
  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Deposited' })).toHaveCount(2);
  await screenshot(page, '08-discovered-events');
  expect(problems).toEqual([]);
});
