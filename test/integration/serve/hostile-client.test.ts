// A hostile client against headless mode as a real process: requests that used to end it, DNS
// rebinding, tokens where they must not be, messages too deep or too large, floods. Each gets a
// specific refusal, and after each the same server still answers an honest call. And a client
// that asks project discovery to read folders the operator did not give it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawGet, rawRequest } from '../../helpers/raw-http.ts';
import {
  connectRpc,
  RpcCallError,
  splitWsUrl,
  startServe,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const dataDir = makeTempDir();
let server: ServeProcess;

beforeAll(async () => {
  server = await startServe({ dataDir: dataDir.path });
});

afterAll(async () => {
  await server?.kill('SIGKILL');
  dataDir.remove();
});

/** The server is alive and answers an authenticated call. */
async function stillAnswers(): Promise<void> {
  expect(server.process.exitCode).toBeNull();
  const rpc = await connectRpc(server.wsUrl);
  expect(await rpc.call('chains.list')).toEqual([]);
  rpc.close();
}

/** Opens a socket with bare ws, for frames connectRpc would never send. */
async function openRaw(): Promise<WebSocket> {
  const { url, headers } = splitWsUrl(server.wsUrl);
  const socket = new WebSocket(url, { headers });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** The next answer on the socket; pushes (drift.changed and the like have no id) are passed over. */
function nextMessage(
  socket: WebSocket,
): Promise<{ error?: { code: number; message: string; data: { code: string } } }> {
  type Answer = {
    id?: unknown;
    method?: unknown;
    error?: { code: number; message: string; data: { code: string } };
  };
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(data.toString()) as Answer;
      if (message.id === undefined && typeof message.method === 'string') return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
}

describe('malformed HTTP', () => {
  it('answers each with an error and stays up', async () => {
    const port = server.port;
    expect(await rawGet(port, '//')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawGet(port, '/%E0')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawGet(port, '/exports/%E0')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawGet(port, 'http://evil.example/')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawGet(port, '*')).toMatch(/^HTTP\/1.1 400/);
    expect(await rawGet(port, `/${'a'.repeat(6000)}`)).toMatch(/^HTTP\/1.1 400/);
    expect(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(
      await rawRequest(
        port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX: ${'b'.repeat(20_000)}\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1.1 431|^HTTP\/1.1 400/);
    // An upgrade that is not one, and one to a path that is not ours.
    expect(await rawGet(port, '//', ['Upgrade: websocket', 'Connection: Upgrade'])).toMatch(
      /^HTTP\/1.1 400/,
    );
    expect(
      await rawRequest(
        port,
        `GET /%E0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1.1 400/);
    expect(
      await rawGet(port, '/elsewhere', [
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ]),
    ).toMatch(/^HTTP\/1.1 403/);
    await stillAnswers();
  });
});

describe('DNS rebinding', () => {
  it('serves only Host headers that name this server', async () => {
    const port = server.port;
    expect(await rawGet(port, '/', [], `evil.example:${port}`)).toMatch(/^HTTP\/1.1 421/);
    expect(await rawGet(port, '/', [], `127.0.0.1:${port + 1}`)).toMatch(/^HTTP\/1.1 421/);
    expect(await rawGet(port, '/', [], `localhost:${port}`)).toMatch(/^HTTP\/1.1 200/);
    const { headers } = splitWsUrl(server.wsUrl);
    await expect(
      connectRpc(`ws://127.0.0.1:${port}/rpc`, { ...headers, host: `evil.example:${port}` }),
    ).rejects.toThrow(/HTTP 421/);
    await stillAnswers();
  });
});

describe('the token', () => {
  it('is printed in the fragment, never a query, and is refused in a query', async () => {
    // localhost, not 127.0.0.1: a passkey's RP ID must be a host name.
    expect(server.consoleUrl).toMatch(/^http:\/\/localhost:\d+\/#token=/);
    const base = `ws://127.0.0.1:${server.port}/rpc`;
    await expect(connectRpc(base)).rejects.toThrow(/HTTP 401/);
    await expect(connectRpc(`${base}?token=${server.token}`)).rejects.toThrow(/HTTP 401/);
    await expect(connectRpc(`${base}#token=wrong`)).rejects.toThrow(/HTTP 401/);
    expect(await rawGet(server.port, `/rpc?token=${server.token}`)).toMatch(/^HTTP\/1.1 401/);
    expect(await rawGet(server.port, `/exports/x.jsonl?token=${server.token}`)).toMatch(
      /^HTTP\/1.1 401/,
    );
  });

  it('is exchanged for an HttpOnly SameSite=Strict cookie that only our own page may use', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/session`, { method: 'POST' })).status).toBe(401);
    expect(
      (
        await fetch(`${base}/session`, {
          method: 'POST',
          headers: { authorization: 'Bearer wrong' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${base}/session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403);
    const exchanged = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, origin: base },
    });
    expect(exchanged.status).toBe(204);
    const setCookie = exchanged.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vigil_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(setCookie).not.toContain(server.token);
    const cookie = setCookie.split(';')[0]!;
    // A cookie alone does not mint another.
    expect((await fetch(`${base}/session`, { method: 'POST', headers: { cookie } })).status).toBe(
      401,
    );
    const ws = `ws://127.0.0.1:${server.port}/rpc`;
    const own = await connectRpc(ws, { cookie, origin: base });
    expect(await own.call('chains.list')).toEqual([]);
    own.close();
    // A browser always sends Origin: a cookie without one, or from elsewhere, is not our page.
    await expect(connectRpc(ws, { cookie })).rejects.toThrow(/HTTP 403/);
    await expect(connectRpc(ws, { cookie, origin: 'https://evil.example' })).rejects.toThrow(
      /HTTP 403/,
    );
    expect(await rawGet(server.port, '/rpc', [`Cookie: ${cookie}`])).toMatch(/^HTTP\/1.1 426/);
  });

  it('is read from VIGIL_TOKEN or a file, and refused on the command line', async () => {
    const fixed = 'a-fixed-token-for-tests-0123456789';
    const fromEnv = await startServe({ dataDir: makeTempDir().path, env: { VIGIL_TOKEN: fixed } });
    expect(fromEnv.token).toBe(fixed);
    await fromEnv.kill('SIGKILL');
    const file = join(dataDir.path, 'token.txt');
    writeFileSync(file, `${fixed}\n`);
    const fromFile = await startServe({
      dataDir: makeTempDir().path,
      args: ['--token-file', file],
    });
    expect(fromFile.token).toBe(fixed);
    await fromFile.kill('SIGKILL');
    await expect(
      startServe({ dataDir: makeTempDir().path, args: ['--token', fixed] }),
    ).rejects.toThrow(/--token is not accepted.*VIGIL_TOKEN/s);
    await expect(
      startServe({ dataDir: makeTempDir().path, env: { VIGIL_TOKEN: 'short' } }),
    ).rejects.toThrow(/at least 16 characters/);
  });
});

describe('messages', () => {
  it('refuses a deeply nested message before parsing it, and keeps the socket', async () => {
    const socket = await openRaw();
    const deep = `{"jsonrpc":"2.0","id":1,"method":"conditions.check","params":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const answer = nextMessage(socket);
    socket.send(deep);
    expect(await answer).toMatchObject({
      error: { code: -32600, message: expect.stringMatching(/nested too deeply/) },
    });
    // Within the depth limit but still wrong: a specific zod error, not a crash.
    const nested = `{"jsonrpc":"2.0","id":2,"method":"alerts.conditions.check","params":${'{"a":'.repeat(60)}1${'}'.repeat(60)}}`;
    const second = nextMessage(socket);
    socket.send(nested);
    expect(await second).toMatchObject({
      error: { code: -32602, data: { code: 'INVALID_INPUT' } },
    });
    socket.close();
    await stillAnswers();
  });

  it('closes a socket that sends more than the size limit or invalid UTF-8, and stays up', async () => {
    const big = await openRaw();
    const bigClosed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send(Buffer.alloc(64 * 1024 * 1024 + 1, 0x20), { binary: false });
    expect(await bigClosed).toBe(1009);
    const garbled = await openRaw();
    const garbledClosed = new Promise<number>((resolve) =>
      garbled.once('close', (code) => resolve(code)),
    );
    garbled.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await garbledClosed).toBe(1007);
    await stillAnswers();
  }, 60_000);

  it('answers a flood on one socket with rate-limit errors, not a fall', async () => {
    const socket = await openRaw();
    const answers: { id?: unknown; error?: { data: { code: string } } }[] = [];
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        answers.push(JSON.parse(data.toString()));
        if (answers.length === 500) resolve();
      }),
    );
    for (let id = 1; id <= 500; id++)
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'status.get' }));
    await all;
    const limited = answers.filter((answer) => answer.error?.data.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.id !== null && !answer.error).length).toBeGreaterThan(
      0,
    );
    socket.close();
    // Many connections at once: the ones past the limit are refused, the server stays up.
    const attempts = await Promise.allSettled(
      Array.from({ length: 80 }, () => connectRpc(server.wsUrl)),
    );
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/HTTP 503/);
    for (const attempt of attempts) if (attempt.status === 'fulfilled') attempt.value.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stillAnswers();
  });
});

describe('project discovery', () => {
  /** The contract error a call over the socket is refused with. */
  async function refusal(
    rpc: Awaited<ReturnType<typeof connectRpc>>,
    method: string,
    params: unknown,
  ): Promise<RpcCallError['data']> {
    const error = await rpc.call(method, params).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RpcCallError);
    return (error as RpcCallError).data;
  }

  it('reads no folder the operator did not give with --project-root', async () => {
    const rpc = await connectRpc(server.wsUrl);
    for (const path of ['/etc', join(homedir(), '.ssh'), dataDir.path, '/'])
      expect(await refusal(rpc, 'contracts.discover', { path })).toMatchObject({
        code: 'FOLDER_NOT_ALLOWED',
        field: 'path',
        details: { path, reason: 'not-chosen' },
      });
    expect(await refusal(rpc, 'dialog.chooseProjectFolder', {})).toMatchObject({
      code: 'NOT_AVAILABLE',
    });
    expect(await rpc.call('contracts.projectRoots', {})).toEqual({ roots: [] });
    rpc.close();
    await stillAnswers();
  });

  it('with a folder given, refuses "..", relative paths and a symbolic link out of it', async () => {
    const folders = makeTempDir();
    const data = makeTempDir();
    const allowed = join(folders.path, 'allowed');
    mkdirSync(join(allowed, 'out'), { recursive: true });
    symlinkSync('/etc', join(allowed, 'etc'));
    const withRoot = await startServe({ dataDir: data.path, args: ['--project-root', allowed] });
    try {
      const rpc = await connectRpc(withRoot.wsUrl);
      expect(await rpc.call('contracts.projectRoots', {})).toEqual({ roots: [allowed] });
      const attempts: [string, string][] = [
        [join(allowed, 'etc'), 'symlink-escape'],
        [`${allowed}/../../..${'/etc'}`, 'dot-dot'],
        ['allowed/out', 'relative'],
        [folders.path, 'not-chosen'],
      ];
      for (const [path, reason] of attempts)
        expect(await refusal(rpc, 'contracts.discover', { path })).toMatchObject({
          code: 'FOLDER_NOT_ALLOWED',
          details: { path, reason },
        });
      // The folder itself is read (it has no build output yet: that is all it says).
      expect(await refusal(rpc, 'contracts.discover', { path: allowed })).toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('No build artifacts or deployments'),
      });
      rpc.close();
    } finally {
      await withRoot.kill();
      data.remove();
      folders.remove();
    }
  });
});

describe('binding off loopback', () => {
  it('needs TLS or an explicit, loudly warned flag', async () => {
    await expect(
      startServe({ dataDir: makeTempDir().path, args: ['--host', '0.0.0.0'] }),
    ).rejects.toThrow(/puts Vigil on the network.*--tls-cert/s);
    const insecure = await startServe({
      dataDir: makeTempDir().path,
      args: ['--host', '0.0.0.0', '--allow-insecure-network'],
    });
    expect(insecure.output()).toMatch(/WARNING: serving on 0\.0\.0\.0 WITHOUT TLS/);
    try {
      // From this machine's network address (not loopback), over plain HTTP: the session may
      // read, but key import and approvals are refused before any passkey is even looked at.
      const address = Object.values(networkInterfaces())
        .flat()
        .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;
      if (address) {
        const remote = await connectRpc(
          `ws://${address}:${insecure.port}/rpc#token=${encodeURIComponent(insecure.token)}`,
          {},
          { person: null },
        );
        expect(await remote.call('chains.list')).toEqual([]);
        const refused = await remote
          .call('signers.import', { privateKey: `0x${'11'.repeat(32)}`, label: 'x' })
          .catch((error: { data: unknown }) => error.data);
        expect(refused).toMatchObject({
          code: 'FORBIDDEN',
          message: expect.stringMatching(/plain connection from another machine/),
        });
        remote.close();
      }
    } finally {
      await insecure.kill('SIGKILL');
    }
  });

  it('serves HTTPS and WSS with a certificate and key', async () => {
    const tlsDir = makeTempDir();
    const key = join(tlsDir.path, 'key.pem');
    const cert = join(tlsDir.path, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const secure = await startServe({
      dataDir: makeTempDir().path,
      args: ['--host', '0.0.0.0', '--tls-cert', cert, '--tls-key', key],
    });
    try {
      expect(secure.consoleUrl).toMatch(/^https:\/\//);
      expect(secure.wsUrl).toMatch(/^wss:\/\//);
      const rpc = await connectRpc(
        secure.wsUrl.replace('0.0.0.0', '127.0.0.1'),
        {},
        { rejectUnauthorized: false },
      );
      expect(await rpc.call('chains.list')).toEqual([]);
      rpc.close();
    } finally {
      await secure.kill('SIGKILL');
      tlsDir.remove();
    }
  });
});
