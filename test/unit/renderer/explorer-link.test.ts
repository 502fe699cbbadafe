// Explorer pages for a chain's explorer URL: the path the common explorers share, the operator's
// URL with or without a trailing slash or a path, nothing for no explorer or a non-web URL.
import { describe, expect, it } from 'vitest';
import { explorerHref } from '../../../src-renderer/src/explorer.ts';

const HASH = `0x${'ab'.repeat(32)}`;

describe('explorerHref', () => {
  it('builds tx, address and block pages under the explorer', () => {
    expect(explorerHref('https://etherscan.io', 'tx', HASH)).toBe(
      `https://etherscan.io/tx/${HASH}`,
    );
    expect(explorerHref('https://etherscan.io/', 'address', '0xdead')).toBe(
      'https://etherscan.io/address/0xdead',
    );
    expect(explorerHref('https://scan.example/mainnet//', 'block', 812)).toBe(
      'https://scan.example/mainnet/block/812',
    );
  });

  it('gives nothing without an explorer, or for one that is not a web page', () => {
    expect(explorerHref(undefined, 'tx', HASH)).toBeNull();
    expect(explorerHref('', 'tx', HASH)).toBeNull();
    expect(explorerHref('javascript:alert(1)', 'tx', HASH)).toBeNull();
    expect(explorerHref('not a url', 'tx', HASH)).toBeNull();
  });

  it('keeps a value from leaving its path segment', () => {
    expect(explorerHref('https://etherscan.io', 'address', '../../evil?x=1')).toBe(
      'https://etherscan.io/address/..%2F..%2Fevil%3Fx%3D1',
    );
  });
});
