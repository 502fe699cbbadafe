import { describe, expect, it } from 'vitest';
import {
  isAppUrl,
  isExternalLinkAllowed,
  isNavigationAllowed,
  isTrustedSender,
} from '../../../src-main/ipc/electron-guards.ts';

const app = { indexFileUrl: 'file:///opt/vigil/out/renderer/index.html' };
const dev = { ...app, devServerUrl: 'http://localhost:5173' };

describe('Electron guards', () => {
  it('recognises only the app’s own page', () => {
    expect(isAppUrl('file:///opt/vigil/out/renderer/index.html#/events', app)).toBe(true);
    expect(isAppUrl('file:///opt/vigil/out/renderer/other.html', app)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/chains', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('', app)).toBe(false);
  });

  it('trusts a request only from the app window’s top frame on the app’s page', () => {
    const frameUrl = 'file:///opt/vigil/out/renderer/index.html';
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
    const here = 'file:///opt/vigil/out/renderer/index.html#/dashboard';
    expect(
      isNavigationAllowed(here, 'file:///opt/vigil/out/renderer/index.html#/events', app),
    ).toBe(true);
    expect(isNavigationAllowed(here, 'https://evil.example/', app)).toBe(false);
    expect(isNavigationAllowed(here, 'file:///etc/passwd', app)).toBe(false);
  });

  it('opens only https links externally', () => {
    expect(isExternalLinkAllowed('https://etherscan.io/tx/0x1')).toBe(true);
    expect(isExternalLinkAllowed('http://example.com')).toBe(false);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
  });
});
