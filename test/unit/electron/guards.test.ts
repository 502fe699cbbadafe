import { describe, expect, it } from 'vitest';
import * as viemChains from 'viem/chains';
import {
  appIndexUrl,
  debugSwitchRefusal,
  devServerUrlFrom,
  explorerOrigins,
  externalLinkToOpen,
  isAppUrl,
  isDevToolsShortcut,
  isNavigationAllowed,
  isTrustedSender,
  lockedWebPreferences,
  refusedDebugSwitch,
} from '../../../src-main/ipc/electron-guards.ts';

const app = { indexFileUrl: appIndexUrl };
const dev = { ...app, devServerUrl: 'http://localhost:5173' };

describe('Electron guards', () => {
  it('recognises only the app’s own page', () => {
    expect(appIndexUrl).toBe('app://vigil/index.html');
    expect(isAppUrl('app://vigil/index.html#/events', app)).toBe(true);
    expect(isAppUrl('app://vigil/other.html', app)).toBe(false);
    expect(isAppUrl('app://evil/index.html', app)).toBe(false);
    expect(isAppUrl('file:///opt/vigil/out/renderer/index.html', app)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/chains', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('', app)).toBe(false);
  });

  it('trusts a request only from the app window’s top frame on the app’s page', () => {
    const frameUrl = 'app://vigil/index.html';
    expect(isTrustedSender({ frameUrl, isMainFrame: true, fromAppWindow: true }, app)).toBe(true);
    expect(isTrustedSender({ frameUrl, isMainFrame: false, fromAppWindow: true }, app)).toBe(false);
    expect(isTrustedSender({ frameUrl, isMainFrame: true, fromAppWindow: false }, app)).toBe(false);
    expect(
      isTrustedSender(
        { frameUrl: 'https://evil.example/', isMainFrame: true, fromAppWindow: true },
        app,
      ),
    ).toBe(false);
  });

  it('allows hash navigation within the page and nothing else', () => {
    const here = 'app://vigil/index.html#/dashboard';
    expect(isNavigationAllowed(here, 'app://vigil/index.html#/events', app)).toBe(true);
    expect(isNavigationAllowed(here, 'app://vigil/assets/x.js', app)).toBe(false);
    expect(isNavigationAllowed(here, 'https://evil.example/', app)).toBe(false);
    expect(isNavigationAllowed(here, 'file:///etc/passwd', app)).toBe(false);
  });

  it('opens in the system browser only https pages of a configured explorer, normalised', () => {
    const explorers = ['https://etherscan.io', 'https://basescan.org'];
    expect(externalLinkToOpen('https://etherscan.io/tx/0x1', explorers)).toBe(
      'https://etherscan.io/tx/0x1',
    );
    expect(externalLinkToOpen('HTTPS://EtherScan.IO/address/0xab', explorers)).toBe(
      'https://etherscan.io/address/0xab',
    );
    // A backslash is a slash to a WHATWG parser but not to every URL handler: what opens is the
    // normalised URL, on the explorer's host.
    expect(externalLinkToOpen('https://etherscan.io\\@evil.example/', explorers)).toBe(
      'https://etherscan.io/@evil.example/',
    );
    for (const hostile of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'http://etherscan.io/tx/0x1', // cleartext
      'https://evil.example/tx/0x1', // another host
      'https://etherscan.io.evil.example/', // suffix trick
      'https://evil.example/https://etherscan.io/',
      'https://etherscan.io@evil.example/', // userinfo: the host is evil.example
      'https://user:pw@etherscan.io/', // userinfo on the right host
      'https://xn--therscan-4fg.io/', // a look-alike, already punycode
      'https://\u0435therscan.io/', // Cyrillic е: IDNA makes it another origin
      'https://etherscan.io:8443/', // another port is another origin
      'ms-settings:', // an OS handler
      'smb://etherscan.io/share',
      '//etherscan.io/', // relative: no base
      '',
      'not a url',
    ])
      expect(externalLinkToOpen(hostile, explorers), hostile).toBeNull();
    // Nothing configured: nothing opens.
    expect(externalLinkToOpen('https://etherscan.io/tx/0x1', [])).toBeNull();
  });

  it('takes the configured chains’ explorers as set on the chain, else from the registry', () => {
    const known = Object.values(viemChains);
    const chains = (...ids: number[]) => ids.map((chainId) => ({ chainId }));
    expect(explorerOrigins(chains(1, 8453), known)).toEqual([
      'https://etherscan.io',
      'https://basescan.org',
    ]);
    // The operator's own explorer wins over the registry's.
    expect(
      explorerOrigins([{ chainId: 1, explorerUrl: 'https://eth.blockscout.com' }], known),
    ).toEqual(['https://eth.blockscout.com']);
    expect(
      explorerOrigins([{ chainId: 31337, explorerUrl: 'http://127.0.0.1:9999' }], known),
    ).toEqual([]);
    // Anvil's chain (31337) and unknown ids have no explorer; a bad registry entry allows nothing.
    expect(explorerOrigins(chains(31337, 7_777_777_777_777), known)).toEqual([]);
    expect(
      explorerOrigins(chains(7, 8), [
        { id: 7, blockExplorers: { default: { url: 'http://cleartext.example' } } },
        { id: 8, blockExplorers: { default: { url: 'not a url' } } },
      ]),
    ).toEqual([]);
  });
});

describe('packaged builds', () => {
  it('refuse debugging and remote-control switches, and allow them in development', () => {
    const argv = (...args: string[]): string[] => ['/opt/Vigil/vigil', ...args];
    for (const args of [
      ['--remote-debugging-port=9222'],
      ['--remote-debugging-port', '9222'],
      ['--remote-debugging-pipe'],
      ['--remote-debugging-address=0.0.0.0'],
      ['--inspect'],
      ['--inspect=0.0.0.0:9229'],
      ['--inspect-brk'],
      ['--inspect-port=9229'],
      ['-remote-debugging-port=9222'], // Chromium takes one dash too
      ['/remote-debugging-port=9222'], // and a slash on Windows
      ['--REMOTE-DEBUGGING-PORT=9222'], // and any case on Windows
      ['--workspace', 'w.yaml', '--inspect-brk=9229'],
      ['--', '--remote-debugging-port=9222'],
    ]) {
      expect(refusedDebugSwitch(argv(...args), true), args.join(' ')).not.toBeNull();
      expect(refusedDebugSwitch(argv(...args), false), args.join(' ')).toBeNull();
    }
    expect(refusedDebugSwitch(argv('--remote-debugging-port=9222'), true)).toBe(
      '--remote-debugging-port',
    );
    for (const args of [
      [],
      ['--workspace', '/home/ops/inspect.yaml'],
      ['--workspace=remote-debugging-port.yaml'],
      ['--inspector-theme'], // not a switch Chromium or Node know
    ])
      expect(refusedDebugSwitch(argv(...args), true), args.join(' ')).toBeNull();
    expect(debugSwitchRefusal('--inspect')).toMatch(/does not start with --inspect/);
  });

  it('open windows without DevTools, sandboxed and isolated in any build', () => {
    const packaged = lockedWebPreferences('/opt/Vigil/preload.cjs', true);
    expect(packaged).toMatchObject({
      devTools: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    const development = lockedWebPreferences('/src/out/preload/index.cjs', false);
    expect(development).toEqual({
      ...packaged,
      preload: '/src/out/preload/index.cjs',
      devTools: true,
    });
  });

  it('honour ELECTRON_RENDERER_URL only in development', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(devServerUrlFrom(env, false)).toBe('http://localhost:5173');
    expect(devServerUrlFrom(env, true)).toBeUndefined();
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: '' }, false)).toBeUndefined();
    expect(devServerUrlFrom({}, false)).toBeUndefined();
  });

  it('swallow every DevTools shortcut and nothing else', () => {
    const keys = { control: false, meta: false, alt: false, shift: false };
    for (const shortcut of [
      { ...keys, key: 'F12' },
      { ...keys, key: 'I', control: true, shift: true },
      { ...keys, key: 'J', control: true, shift: true },
      { ...keys, key: 'C', control: true, shift: true },
      { ...keys, key: 'i', meta: true, alt: true },
    ])
      expect(isDevToolsShortcut(shortcut), JSON.stringify(shortcut)).toBe(true);
    for (const ordinary of [
      { ...keys, key: 'i' },
      { ...keys, key: 'c', control: true }, // copy
      { ...keys, key: 'i', control: true }, // italic elsewhere
      { ...keys, key: 'F5' },
    ])
      expect(isDevToolsShortcut(ordinary), JSON.stringify(ordinary)).toBe(false);
  });
});
