// Issue 13 point 3 in the real UI: the Contracts form fetches a verified ABI from Sourcify, shows
// why Etherscan could not (no key, then the key asked for and the fetch retried), and adds the
// contract. Sourcify and Etherscan are a local stand-in here (they cannot be reached from the
// test machine; see the README), passed to serve with --sourcify-url and --etherscan-url. Then a
// proxy Etherscan names the implementation of (its ABI merged, said), and a diamond whose facets'
// ABIs are fetched by address after it is watched, each facet named in the Contracts view.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { encodeFunctionData, toFunctionSelector } from 'viem';
import { compileSolidity, deployCompiled, sendCall } from '../helpers/solidity.ts';
import { startExplorerStandIn, type ExplorerStandIn } from '../helpers/explorer-stand-in.ts';
import { filesUnder, placesHoldingText } from '../helpers/key-leaks.ts';
import { connectRpc, type RpcClient } from '../helpers/serve.ts';
import { screenshot, startStack, watchForProblems, type Stack } from './stack.ts';

const E2E_KEY = 'E2EKEY4N8B2V6C1X';
let stack: Stack;
let standIn: ExplorerStandIn;
let rpc: RpcClient;

test.beforeAll(async () => {
  standIn = await startExplorerStandIn();
  stack = await startStack({
    serveArgs: ['--sourcify-url', standIn.sourcifyUrl, '--etherscan-url', standIn.etherscanUrl],
    serveEnv: { VIGIL_TUNING: JSON.stringify({ proxyCheckIntervalMs: 0 }) },
  });
  rpc = await connectRpc(stack.serve.wsUrl);
  await rpc.call('chains.add', {
    name: 'Anvil',
    chainId: stack.anvil.chainId,
    rpcUrls: [stack.anvil.rpcUrl],
  });
});

test.afterAll(async () => {
  rpc?.close();
  await stack?.stop();
  await standIn?.stop();
});

test('fetch a verified ABI, see why one cannot be fetched, and add the contract', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  const compiled = compileSolidity({
    'Ledger.sol': readFileSync(new URL('../fixtures/projects/Ledger.sol', import.meta.url), 'utf8'),
  });
  const ledger = compiled.get('Ledger')!;
  const { address } = await deployCompiled(stack.anvil.rpcUrl, ledger);
  const unverified = (await deployCompiled(stack.anvil.rpcUrl, compiled.get('Vault')!)).address;
  standIn.verify(stack.anvil.chainId, address, { name: 'Ledger', abi: [...ledger.abi] });

  await page.goto(stack.serve.consoleUrl);
  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByLabel('Address').fill(unverified);
  await page.getByRole('button', { name: 'Fetch ABI' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'not verified on Sourcify' }),
  ).toBeVisible();
  await screenshot(page, '01-not-verified');

  await page.getByLabel('Address').fill(address);
  await page.getByLabel('Verified source').selectOption('etherscan');
  await page.getByRole('button', { name: 'Fetch ABI' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'No Etherscan API key is set' }),
  ).toBeVisible();
  await page.getByLabel('Etherscan API key').fill(E2E_KEY);
  await screenshot(page, '02-etherscan-key-asked');
  await page.getByRole('button', { name: 'Save key and fetch' }).click();
  await expect(page.getByText('Fetched Ledger from Etherscan')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Ledger');
  await expect(page.getByLabel('ABI', { exact: true })).toHaveValue(/"Recorded"/);
  await screenshot(page, '03-fetched');

  await page.getByRole('button', { name: 'Add contract' }).click();
  await expect(page.getByText('Watching Ledger.')).toBeVisible();
  await screenshot(page, '04-added');
  expect(await rpc.call('explorers.status', {})).toEqual({ etherscan: { hasKey: true } });
  // The key typed in the form is in no file of the data directory and no line serve printed.
  expect(
    placesHoldingText(E2E_KEY, [
      ...filesUnder(stack.dataDir.path),
      { where: 'serve output', text: stack.serve.output() },
    ]),
  ).toEqual([]);
  expect(problems).toEqual([]);
});

test('a proxy Etherscan names the implementation of, then a diamond whose facets are fetched', async ({
  page,
}) => {
  const problems = watchForProblems(page);
  const { anvil } = stack;
  const compiled = compileSolidity({
    'Proxies.sol': readFileSync(
      new URL('../fixtures/proxies/Proxies.sol', import.meta.url),
      'utf8',
    ),
  });
  const contract = (name: string) => compiled.get(name)!;
  const v1 = (await deployCompiled(anvil.rpcUrl, contract('CounterV1'))).address;
  const proxy = (
    await deployCompiled(anvil.rpcUrl, contract('ERC1967Proxy'), [
      v1,
      encodeFunctionData({ abi: contract('CounterV1').abi, functionName: 'value' } as never),
    ])
  ).address;
  standIn.verify(anvil.chainId, proxy, {
    name: 'ERC1967Proxy',
    abi: [...contract('ERC1967Proxy').abi],
    implementation: v1,
  });
  standIn.verify(anvil.chainId, v1, { name: 'CounterV1', abi: [...contract('CounterV1').abi] });

  await page.goto(stack.serve.consoleUrl);
  await page.getByRole('link', { name: 'Contracts' }).click();
  await page.getByLabel('Address').fill(proxy);
  await page.getByLabel('Verified source').selectOption('etherscan');
  await page.getByRole('button', { name: 'Fetch ABI' }).click();
  await expect(page.getByText('Etherscan says it is a proxy for CounterV1')).toContainText(
    'that ABI is merged in',
  );
  await expect(page.getByLabel('ABI', { exact: true })).toHaveValue(/"Counted"/);
  await screenshot(page, '05-etherscan-proxy-merged');

  const transfer = (await deployCompiled(anvil.rpcUrl, contract('TransferFacet'))).address;
  const pause = (await deployCompiled(anvil.rpcUrl, contract('PauseFacet'))).address;
  const diamond = (
    await deployCompiled(anvil.rpcUrl, contract('SmallDiamond'), [
      [
        {
          facetAddress: transfer,
          action: 0,
          functionSelectors: [toFunctionSelector('function move(address,uint256)')],
        },
        {
          facetAddress: pause,
          action: 0,
          functionSelectors: [toFunctionSelector('function pause()')],
        },
      ],
    ])
  ).address;
  await sendCall(anvil.rpcUrl, diamond, contract('TransferFacet').abi, 'move', [diamond, 7n]);
  standIn.verify(anvil.chainId, transfer, {
    name: 'TransferFacet',
    abi: [...contract('TransferFacet').abi],
  });
  standIn.verify(anvil.chainId, pause, {
    name: 'PauseFacet',
    abi: [...contract('PauseFacet').abi],
  });
  await rpc.call('contracts.add', {
    chainId: anvil.chainId,
    address: diamond,
    abi: contract('SmallDiamond').abi,
    name: 'Diamond',
  });
  const panel = page.getByLabel('Diamond proxy');
  const facets = panel.getByRole('list', { name: 'Diamond facets' });
  await expect(facets.getByRole('listitem')).toHaveCount(2);
  // The diamond's own ABI has neither facet's functions.
  await expect(facets.getByText('ABI not loaded')).toHaveCount(2);
  await screenshot(page, '06a-diamond-facets-not-loaded');
  // What this step is about: a Moved already stored, undecoded, before the facets' ABIs load.
  await expect
    .poll(
      async () =>
        (
          await rpc.call<{ rows: { eventName: string | null }[] }>('events.query', {
            address: diamond,
          })
        ).rows.length,
      { timeout: 30_000 },
    )
    .toBe(1);
  await panel.getByRole('button', { name: 'Fetch facet ABIs' }).click();
  await expect(panel.getByRole('status')).toContainText('Loaded TransferFacet, PauseFacet');
  await expect(facets).toContainText('TransferFacet');
  await expect(facets).toContainText('PauseFacet');
  await expect(facets.getByText('ABI not loaded')).toHaveCount(0);
  await screenshot(page, '06-diamond-facets');
  // The Moved stored before the facets' ABIs were loaded reads decoded.
  await page.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Moved' })).toHaveCount(1);
  await screenshot(page, '07-diamond-event-decoded');
  expect(problems).toEqual([]);
});
