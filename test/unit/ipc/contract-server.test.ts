import { describe, expect, it } from 'vitest';
import type { VigilCore } from '../../../src-main/core/app.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';
import { allowedHostNames, originAllowed } from '../../../src-main/web/request-guards.ts';
import { parseJsonRpcMessage, jsonRpcResponseText } from '../../../src-main/web/json-rpc.ts';
import { fakeCore } from '../../helpers/fake-core.ts';

function recordingCore(
  answer: (name: string, input: unknown) => unknown,
): VigilCore & { calls: unknown[] } {
  const calls: unknown[] = [];
  const core = fakeCore((name, input) => {
    calls.push([name, input]);
    return answer(name, input);
  });
  return { ...core, calls };
}

describe('contract server', () => {
  it('refuses invalid input before the core sees it, naming the field', async () => {
    const core = recordingCore(() => ({}));
    const server = createContractServer(core);
    const envelope = await server.handle('chains.add', {
      name: 'x',
      chainId: 1,
      rpcUrls: ['http://ok', 'ftp://nope'],
    });
    expect(envelope).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'INVALID_INPUT',
        field: 'rpcUrls[1]',
        message: expect.stringMatching(/rpcUrls\[1\]: must be an http/),
      }),
    });
    const address = await server.handle('contracts.add', {
      chainId: 1,
      address: '0x123',
      abi: [],
      startBlock: 0,
    });
    expect(address).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'address' },
    });
    expect(core.calls).toEqual([]);
  });

  it('refuses unknown methods and inherited property names', async () => {
    const server = createContractServer(recordingCore(() => ({})));
    expect(await server.handle('nope', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await server.handle('toString', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it('passes parsed input through and keeps a VigilError code and field across the boundary', async () => {
    const server = createContractServer(
      recordingCore(() => {
        throw new VigilError(
          'CHAIN_ID_MISMATCH',
          'RPC http://a answered chain id 1, but this chain is configured as 5.',
          {
            field: 'rpcUrls[0]',
            details: { answered: 1 },
          },
        );
      }),
    );
    const envelope = await server.handle('chains.add', {
      name: ' Main ',
      chainId: 5,
      rpcUrls: ['http://a'],
    });
    expect(envelope).toEqual({
      ok: false,
      error: {
        code: 'CHAIN_ID_MISMATCH',
        message: 'RPC http://a answered chain id 1, but this chain is configured as 5.',
        field: 'rpcUrls[0]',
        details: { answered: 1 },
      },
    });
  });

  it('hides the stack of an unexpected error but keeps its message', async () => {
    const server = createContractServer(
      recordingCore(() => {
        throw new TypeError('boom');
      }),
    );
    expect(await server.handle('chains.list', undefined)).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Internal error: boom' },
    });
  });
});

describe('headless guards', () => {
  it('allows only this server’s own origin (or none, for scripts)', () => {
    const names = allowedHostNames('127.0.0.1');
    expect(originAllowed(undefined, names, 4000, 'http')).toBe(true);
    expect(originAllowed('http://127.0.0.1:4000', names, 4000, 'http')).toBe(true);
    expect(originAllowed('http://localhost:4000', names, 4000, 'http')).toBe(true);
    expect(originAllowed('https://127.0.0.1:4000', names, 4000, 'http')).toBe(false);
    expect(originAllowed('http://127.0.0.1:4001', names, 4000, 'http')).toBe(false);
    expect(originAllowed('https://evil.example', names, 4000, 'http')).toBe(false);
    expect(originAllowed('http://evil.example:4000', names, 4000, 'http')).toBe(false);
    expect(originAllowed('null', names, 4000, 'http')).toBe(false);
  });

  it('frames JSON-RPC requests and errors', () => {
    expect(parseJsonRpcMessage('{')).toMatchObject({ code: -32700 });
    expect(parseJsonRpcMessage('{"id":1}')).toMatchObject({ code: -32600 });
    expect(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"method":"chains.list"}')).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'chains.list' },
    ]);
    expect(
      JSON.parse(
        jsonRpcResponseText(3, { ok: false, error: { code: 'INVALID_INPUT', message: 'bad' } }),
      ),
    ).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32602, message: 'bad', data: { code: 'INVALID_INPUT', message: 'bad' } },
    });
    // An answer made JSON where it was answered is put in as it is, beside an id of any kind.
    expect(
      JSON.parse(jsonRpcResponseText('a"b', { ok: true, value: '{"rows":[{"n":"1"}]}' })),
    ).toEqual({ jsonrpc: '2.0', id: 'a"b', result: { rows: [{ n: '1' }] } });
    expect(JSON.parse(jsonRpcResponseText(null, { ok: true, value: 'null' }))).toEqual({
      jsonrpc: '2.0',
      id: null,
      result: null,
    });
  });

  it('answers as JSON text what it answers as a value, refusals included', async () => {
    const core = recordingCore((name) => ({ answered: name }));
    const server = createContractServer(core);
    expect(await server.handleAsJson('chains.list', {})).toEqual({
      ok: true,
      value: '{"answered":"chains.list"}',
    });
    const refused = await server.handleAsJson('chains.add', { name: 'x' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await server.handleAsJson('no.such', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    // The shell's requests have no answer without a shell, as JSON or not.
    expect(await server.handleAsJson('dialog.chooseExportFile', { format: 'csv' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
  });
});
