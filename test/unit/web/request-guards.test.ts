// The headless server's first checks, as pure functions: Host (DNS rebinding), the request
// target, and the size and depth of a JSON-RPC message before anything recursive parses it.
import { describe, expect, it } from 'vitest';
import { parseJsonRpcMessage } from '../../../src-main/web/json-rpc.ts';
import {
  allowedHostNames,
  consoleUrlFor,
  hostAllowed,
  isLoopbackHost,
  jsonDepthExceeds,
  parseTarget,
} from '../../../src-main/web/request-guards.ts';

describe('Host header', () => {
  const names = allowedHostNames('127.0.0.1');
  it('serves loopback names on our port', () => {
    expect(hostAllowed('127.0.0.1:4000', names, 4000)).toBe(true);
    expect(hostAllowed('localhost:4000', names, 4000)).toBe(true);
    expect(hostAllowed('LOCALHOST:4000', names, 4000)).toBe(true);
    expect(hostAllowed('[::1]:4000', names, 4000)).toBe(true);
  });
  it('refuses a rebinding name, another port, a missing or malformed Host', () => {
    expect(hostAllowed('evil.example:4000', names, 4000)).toBe(false);
    expect(hostAllowed('127.0.0.1.nip.io:4000', names, 4000)).toBe(false);
    expect(hostAllowed('127.0.0.1:4001', names, 4000)).toBe(false);
    expect(hostAllowed('127.0.0.1', names, 4000)).toBe(false);
    expect(hostAllowed(undefined, names, 4000)).toBe(false);
    expect(hostAllowed('127.0.0.1:4000:1', names, 4000)).toBe(false);
    expect(hostAllowed('[::1:4000', names, 4000)).toBe(false);
  });
  it('adds the bound address and names given by the operator', () => {
    const bound = allowedHostNames('10.1.2.3', ['vigil.internal']);
    expect(hostAllowed('10.1.2.3:4000', bound, 4000)).toBe(true);
    expect(hostAllowed('vigil.internal:4000', bound, 4000)).toBe(true);
    expect(hostAllowed('10.1.2.4:4000', bound, 4000)).toBe(false);
  });
  it('knows loopback binds', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.5')).toBe(false);
  });
});

describe('request target', () => {
  it('accepts origin-form paths', () => {
    expect(parseTarget('/')?.pathname).toBe('/');
    expect(parseTarget('/exports/a.csv?x=1')?.pathname).toBe('/exports/a.csv');
  });
  it('refuses what used to throw or is not ours', () => {
    for (const target of [
      '//',
      '//evil.example/x',
      '/%E0',
      '/%zz',
      'http://x/',
      '*',
      '',
      undefined,
    ])
      expect(parseTarget(target), String(target)).toBeNull();
    expect(parseTarget(`/${'a'.repeat(5000)}`)).toBeNull();
  });
});

describe('message limits', () => {
  it('counts depth outside strings only', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('["[[[[[[", "\\"[[[["]', 1)).toBe(false);
  });
  it('refuses deep and large messages before parsing, and empty or huge batches', () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"x","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(parseJsonRpcMessage(deep)).toMatchObject({
      code: -32600,
      error: { message: expect.stringMatching(/nested too deeply/) },
    });
    expect(parseJsonRpcMessage('"x"', { maxLength: 2, maxDepth: 64 })).toMatchObject({
      error: { message: expect.stringMatching(/too large/) },
    });
    expect(parseJsonRpcMessage('[]')).toMatchObject({ code: -32600 });
    const request = '{"jsonrpc":"2.0","method":"chains.list"}';
    expect(parseJsonRpcMessage(`[${Array(101).fill(request).join(',')}]`)).toMatchObject({
      error: { message: expect.stringMatching(/1 to 100 requests/) },
    });
  });
});

describe('the console URL', () => {
  it('names localhost when bound to loopback (passkeys need a host name), and that Host is served', () => {
    expect(consoleUrlFor('http', '127.0.0.1', 4780, 'a b')).toBe(
      'http://localhost:4780/#token=a%20b',
    );
    expect(consoleUrlFor('http', '::1', 4780, 't')).toBe('http://localhost:4780/#token=t');
    expect(consoleUrlFor('https', 'localhost', 443, 't')).toBe('https://localhost:443/#token=t');
    // Another loopback address is not what localhost resolves to: printed as it is.
    expect(consoleUrlFor('http', '127.0.0.2', 4780, 't')).toBe('http://127.0.0.2:4780/#token=t');
    expect(consoleUrlFor('https', '192.168.1.5', 4780, 't')).toBe(
      'https://192.168.1.5:4780/#token=t',
    );
    expect(consoleUrlFor('https', 'fd00::5', 4780, 't')).toBe('https://[fd00::5]:4780/#token=t');
    for (const bound of ['127.0.0.1', '::1']) {
      const names = allowedHostNames(bound);
      expect(hostAllowed('localhost:4780', names, 4780), bound).toBe(true);
      expect(hostAllowed('LOCALHOST:4780', names, 4780), bound).toBe(true);
      expect(hostAllowed('localhost.evil.example:4780', names, 4780), bound).toBe(false);
    }
  });
});
