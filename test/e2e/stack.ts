// What every end-to-end spec runs against: the built renderer, a real anvil with the Pinger
// contract deployed, and headless mode on a fresh data directory. Plus screenshots named per test.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, type Locator, type Page } from '@playwright/test';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import type { Person } from '../helpers/person.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { deployPinger, type Pinger } from './pinger-contract.ts';

const rendererIndex = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));

export interface Stack {
  anvil: AnvilInstance;
  pinger: Pinger;
  serve: ServeProcess;
  dataDir: ReturnType<typeof makeTempDir>;
  stop(): Promise<void>;
}

/** Headless mode serves the built renderer: a spec cannot run without it. */
export function requireBuiltRenderer(): void {
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is not built: run `npm run build` first.');
}

export async function startStack(
  options: { serveArgs?: string[]; serveEnv?: Record<string, string> } = {},
): Promise<Stack> {
  requireBuiltRenderer();
  const anvil = await startAnvil();
  const pinger = await deployPinger(anvil.rpcUrl, anvil.chainId);
  const dataDir = makeTempDir('vigil-e2e-');
  const serve = await startServe({
    dataDir: dataDir.path,
    args: options.serveArgs ?? [],
    ...(options.serveEnv ? { env: options.serveEnv } : {}),
  });
  return {
    anvil,
    pinger,
    serve,
    dataDir,
    async stop() {
      await serve.kill();
      await anvil.stop();
      dataDir.remove();
    },
  };
}

/**
 * Gives the page's browser a virtual authenticator (Chrome DevTools Protocol's WebAuthn domain)
 * that verifies its user at once. With `person`, it also holds that person's passkey, so the
 * browser approves as the person a test enrolled from Node. Returns the authenticator's id.
 */
export async function addVirtualAuthenticator(
  page: Page,
  person?: Person,
  /** Where the copied passkey's counter starts; a second copy of one passkey must start higher. */
  signCount = 1_000_000,
): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  if (person)
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: Buffer.from(person.authenticator.credentialId, 'base64url').toString(
          'base64',
        ),
        isResidentCredential: false,
        rpId: 'localhost',
        privateKey: person.authenticator.privateKeyPkcs8,
        // Past anything the Node side signed: the server refuses a counter that goes back.
        signCount,
      },
    });
  return authenticatorId;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** Collects uncaught page errors and console errors; a spec ends by expecting none. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** The number behind a stat, from its data-value (the text is formatted for people). */
export async function statValue(stat: Locator): Promise<number> {
  const raw = await stat.getAttribute('data-value');
  return raw === null ? Number.NaN : Number(raw);
}
