// The Sync Drift view in the real UI: anvil mines a block a second behind two fault proxies;
// while both are paused the lag in time climbs, and it falls when they resume; a provider lying
// about block hashes is named in a disagreement and taken out, a rate-limited one shows as out of
// rotation with its reason; a depth-3 reorg appears in the reorg log;
// a reconciliation run from the view finds the store equal to the chain; the Dashboard shows the
// reorg and the provider trouble from the same push. Real anvil, real headless server, Chromium.
import { expect, test } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { emitManyTx, headBlock, rawRpc, reorg } from '../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../helpers/compare.ts';
import { deployContract, emitMany } from '../helpers/contracts.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../helpers/serve.ts';
import { watchEmitter } from '../helpers/contract-call.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { requireBuiltRenderer, screenshot, statValue, watchForProblems } from './stack.ts';

let anvil: AnvilInstance;
let proxies: FaultProxy[];
let serve: ServeProcess;
let rpc: RpcClient;
let dataDir: ReturnType<typeof makeTempDir>;
let emitter: `0x${string}`;

test.beforeAll(async () => {
  requireBuiltRenderer();
  anvil = await startAnvil({ blockTime: 1 });
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 5; i++) await emitMany(anvil.rpcUrl, emitter, 3);
  proxies = [await startFaultProxy(anvil.rpcUrl), await startFaultProxy(anvil.rpcUrl)];
  dataDir = makeTempDir('vigil-e2e-drift-');
  serve = await startServe({ dataDir: dataDir.path });
  rpc = await connectRpc(serve.wsUrl);
  await watchEmitter(
    rpc.call,
    { name: 'Anvil', chainId: anvil.chainId, rpcUrls: proxies.map((proxy) => proxy.url) },
    emitter,
  );
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
});

test.afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await Promise.all((proxies ?? []).map((proxy) => proxy.close()));
  await anvil?.stop();
  dataDir?.remove();
});

test('lag rises while the RPC is paused and falls when it resumes; a liar, a rate limit, a reorg and a reconciliation show', async ({
  page,
}) => {
  const problems = watchForProblems(page);

  await page.goto(`${serve.consoleUrl}#/drift`);
  await expect(page.getByRole('heading', { name: 'Sync drift', level: 1 })).toBeVisible();
  const card = page.getByRole('article', { name: 'Anvil drift' });
  const lagSeconds = card.getByTestId('lag-seconds');
  await expect(card.getByTestId('provider-row')).toHaveCount(2);
  await expect.poll(() => statValue(lagSeconds), { timeout: 30_000 }).toBeLessThan(3);
  await expect(card.getByTestId('lag-chart')).toBeVisible();
  await expect(card.getByText('No reorgs seen on this chain.')).toBeVisible();
  await screenshot(page, '01-drift-following');

  // Both providers hold every request: the chain keeps mining, the store cannot follow.
  for (const proxy of proxies) proxy.pause();
  await expect.poll(() => statValue(lagSeconds), { timeout: 30_000 }).toBeGreaterThan(6);
  await screenshot(page, '02-drift-paused');
  for (const proxy of proxies) proxy.resume();
  await expect.poll(() => statValue(lagSeconds), { timeout: 30_000 }).toBeLessThan(3);
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
  await screenshot(page, '03-drift-resumed');

  // The provider in use starts lying about block hashes: the watcher compares the providers
  // before believing the store is wrong, names the liar and stops using it.
  const providerInUse = async (): Promise<FaultProxy> => {
    const url = await card
      .getByTestId('provider-row')
      .filter({ hasText: 'in use' })
      .getAttribute('data-url');
    return proxies.find((proxy) => proxy.url === url)!;
  };
  const liar = await providerInUse();
  const honest = proxies.find((proxy) => proxy !== liar)!;
  liar.setFaults({ fault: { kind: 'lie-block-hash' } });
  const liarRow = card.getByTestId('provider-row').filter({ hasText: liar.url });
  await expect(liarRow).toContainText('out: disagrees');
  await expect(liarRow).toContainText(/disagrees on block \d+: answered 0x/);
  const disagreement = card.getByTestId('disagreement-row').first();
  await expect(disagreement).toContainText(liar.url);
  await expect(disagreement).toContainText(honest.url);
  await expect(disagreement).toContainText('wrong');
  await expect(disagreement).toContainText('hash in the store');
  await emitMany(anvil.rpcUrl, emitter, 2);
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
  await screenshot(page, '04-drift-disagreement');

  // The liar stops lying, and the honest one starts answering 429 with Retry-After: the first
  // is let back in (it agrees with the store again) and takes over.
  liar.clearFaults();
  honest.setFaults({ fault: { kind: 'status', status: 429, retryAfter: '300' } });
  await emitMany(anvil.rpcUrl, emitter, 2);
  const limitedRow = card.getByTestId('provider-row').filter({ hasText: honest.url });
  await expect(limitedRow).toContainText('out: rate-limited');
  await expect(limitedRow).toContainText('the provider asked to wait 300 s (Retry-After)');
  await expect(liarRow).toContainText('in rotation');
  await expect(liarRow).toContainText('in use');
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
  await screenshot(page, '05-drift-rate-limited');

  // A depth-3 reorg whose new branch carries other events. Mining pauses first, and the store
  // catches up with the head, so the three replaced blocks are all blocks Vigil has stored.
  await emitMany(anvil.rpcUrl, emitter, 2);
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
  await rawRpc(anvil.rpcUrl, 'evm_setIntervalMining', [0]);
  const pausedHead = await headBlock(anvil.rpcUrl);
  await expect
    .poll(
      async () =>
        (await rpc.call<{ chains: { indexedThrough: number | null }[] }>('drift.get', {}))
          .chains[0]!.indexedThrough,
      { timeout: 30_000 },
    )
    .toBe(pausedHead);
  await reorg(anvil.rpcUrl, 3, [{ tx: emitManyTx(emitter, 4), offset: 1 }]);
  await rawRpc(anvil.rpcUrl, 'evm_setIntervalMining', [1]);
  const reorgRow = card.getByTestId('reorg-row');
  await expect(reorgRow).toHaveCount(1, { timeout: 30_000 });
  await expect(reorgRow.getByTestId('reorg-depth')).toHaveText('3');
  await expect(card.getByTestId('reorg-count')).toHaveText('1');
  await waitForStoreToEqualChain(rpc, anvil.rpcUrl, emitter);
  await screenshot(page, '06-drift-reorg');

  // Reconciliation from the view: the whole indexed range, compared event by event.
  await card.getByRole('button', { name: 'Run reconciliation' }).click();
  const reconciliation = card.getByTestId('reconciliation-row').first();
  await expect(reconciliation).toContainText('ok');
  await expect(card.getByTestId('reconciliation-row')).toHaveCount(1);
  await screenshot(page, '07-drift-reconciled');

  await page.getByRole('link', { name: 'Dashboard' }).click();
  const dashboardCard = page.getByRole('article', { name: 'Anvil status' });
  await expect(dashboardCard.getByTestId('dashboard-reorgs')).toHaveText('1');
  await expect(dashboardCard.getByTestId('dashboard-last-reorg')).toContainText('depth 3');
  await expect(dashboardCard.getByTestId('dashboard-providers')).toHaveText('1 of 2');
  await expect(dashboardCard).toContainText('rate-limited: the provider asked to wait 300 s');
  await screenshot(page, '08-dashboard-drift');

  expect(problems).toEqual([]);
});
