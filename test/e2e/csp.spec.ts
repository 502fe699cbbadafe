// The one CSP in a real browser: headless mode sends exactly the policy the desktop app's app://
// handler sends (the same constant), index.html carries no second copy, and every view of the
// built renderer, charts included, loads under it in Chromium without a single violation.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { contentSecurityPolicy } from '../../src-main/ipc/content-security-policy.ts';
import { waitForStoreToEqualChain } from '../helpers/compare.ts';
import { watchEmitter } from '../helpers/contract-call.ts';
import { deployContract, emitMany } from '../helpers/contracts.ts';
import { connectRpc, type RpcClient } from '../helpers/serve.ts';
import { startStack, screenshot, type Stack } from './stack.ts';

// route.ts's list (it cannot be imported here: it needs the DOM's types).
const routes = [
  'dashboard',
  'drift',
  'chains',
  'contracts',
  'events',
  'signers',
  'transactions',
  'alerts',
  'automation',
  'workspace',
  'audit',
];

let stack: Stack;
let rpc: RpcClient;

test.beforeAll(async () => {
  stack = await startStack();
  const emitter = await deployContract(stack.anvil.rpcUrl, 'Emitter');
  await emitMany(stack.anvil.rpcUrl, emitter, 5);
  rpc = await connectRpc(stack.serve.wsUrl);
  await watchEmitter(
    rpc.call,
    { name: 'Anvil', chainId: stack.anvil.chainId, rpcUrls: [stack.anvil.rpcUrl] },
    emitter,
  );
  await waitForStoreToEqualChain(rpc, stack.anvil.rpcUrl, emitter);
});

test.afterAll(async () => {
  rpc?.close();
  await stack?.stop();
});

test('every view loads under the one CSP without a violation', async ({ page }) => {
  const violations: string[] = [];
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      violations.push(`console: ${message.text()}`);
    else if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // The browser's own report, which a console filter could miss.
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  // (Page code as text: the tests are typed without the DOM library.)
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      reportViolation(event.violatedDirective + ' blocked ' + event.blockedURI + ' (' + event.sourceFile + ')'));`,
  });

  const response = await page.goto(stack.serve.consoleUrl);
  expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy);
  const indexHtml = readFileSync(
    fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url)),
    'utf8',
  );
  expect(indexHtml).not.toMatch(/http-equiv/i);
  expect(indexHtml).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // no inline script

  for (const route of routes) {
    await page.goto(`${stack.serve.consoleUrl.replace(/#.*$/, '')}#/${route}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (route === 'dashboard' || route === 'drift')
      await expect(page.locator('svg.recharts-surface').first()).toBeVisible();
  }
  await screenshot(page, 'csp-last-view');
  expect(violations).toEqual([]);

  // The policy is in force (a violation is seen when one happens): an injected inline script
  // is refused and reported.
  const ran = await page.evaluate(`(() => {
    const script = document.createElement('script');
    script.textContent = 'globalThis.injectedRan = true';
    document.head.append(script);
    return globalThis.injectedRan === true;
  })()`);
  expect(ran).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations.every((text) => /script-src/.test(text))).toBe(true);
  expect(problems).toEqual([]);
});
