// The condition builder's text operators through the real UI: an operator picks "starts with" and
// "ignore case" for a text argument, the text follows as lower(note) starts_with "big", a literal
// with capitals under lower(…) is caught live, and the backtest selects the stored events whose
// note starts with "big" in any case. Real anvil, real headless server, Debian's Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { deployPinger, watchPinger } from './pinger-contract.ts';

const rendererIndex = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
/** Where the screenshots go besides the test's output, when a person asks for them. */
const screensDir = process.env['VIGIL_SCREENS_DIR'];

let anvil: AnvilInstance;
let serve: ServeProcess;
let rpc: RpcClient;
let dataDir: ReturnType<typeof makeTempDir>;

test.beforeAll(async () => {
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is not built: run `npm run build` first.');
  anvil = await startAnvil();
  const pinger = await deployPinger(anvil.rpcUrl, anvil.chainId);
  // Notes that differ from "big…" only in case, and one that does not start with it.
  await pinger.ping(1n, 'Big one');
  await pinger.ping(2n, 'small BIG');
  await pinger.ping(3n, 'BIG two');
  dataDir = makeTempDir('vigil-e2e-condition-ops-');
  serve = await startServe({ dataDir: dataDir.path });
  rpc = await connectRpc(serve.wsUrl);
  await watchPinger(rpc, anvil, pinger);
});

test.afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await anvil?.stop();
  dataDir?.remove();
});

async function screenshot(page: Page, name: string): Promise<void> {
  const region = page.getByRole('region', { name: 'Rule' });
  await region.screenshot({ path: test.info().outputPath(`${name}.png`) });
  if (screensDir) await region.screenshot({ path: `${screensDir}/${name}.png` });
}

test('pick starts with and ignore case for a text argument, and backtest it', async ({ page }) => {
  await page.goto(serve.consoleUrl);
  await page.getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('tab', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'New rule' }).click();
  const editor = page.getByRole('form', { name: 'Rule editor' });
  await editor.getByLabel('Name').fill('Big notes');
  await expect(editor.getByLabel('Event', { exact: true })).toHaveValue('Ping');

  await editor.getByRole('button', { name: '+ Condition' }).click();
  const row = editor.getByTestId('condition-row');
  // Ignore case is offered for text only.
  await row.getByLabel('Field').selectOption('value');
  await expect(row.getByLabel('ignore case')).toHaveCount(0);
  await row.getByLabel('Field').selectOption('note');
  await expect(row.getByLabel('Operator').locator('option')).toHaveText([
    '==',
    '!=',
    'in',
    'contains',
    'starts with',
    'ends with',
  ]);
  await row.getByLabel('Operator').selectOption('starts_with');
  await row.getByLabel('Value').fill('"Big"');
  const text = editor.getByLabel('Condition as text');
  await expect(text).toHaveValue('note starts_with "Big"');
  // Ticking ignore case lowercases the literal, which lower(note) could never match otherwise.
  await row.getByLabel('ignore case').check();
  await expect(row.getByLabel('Value')).toHaveValue('"big"');
  await expect(text).toHaveValue('lower(note) starts_with "big"');
  await expect(editor.getByTestId('condition-check')).toContainText(
    'Checked against the ABI: lower(note) starts_with "big"',
  );

  await editor.getByRole('button', { name: 'Backtest' }).click();
  await expect(editor.getByTestId('backtest-summary')).toContainText('Would have fired 2 times');
  await expect(editor.getByTestId('backtest-match')).toHaveCount(2);
  await screenshot(page, 'rule-editor-starts-with-ignore-case');

  // A capital under lower(…) is caught live, with what to write instead.
  await text.fill('lower(note) ends_with "BIG"');
  await expect(editor.getByTestId('condition-check')).toContainText(
    'lower(note) ends_with "BIG" can never match: lower(note) has no capital letters; write "big"',
  );
  await expect(row.getByLabel('ignore case')).toBeChecked();
  await screenshot(page, 'rule-editor-lower-capital-refused');
});
