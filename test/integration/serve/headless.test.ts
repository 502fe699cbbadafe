// Headless mode as a real process: its token and Origin checks, and kill -9 in the middle of a
// backfill, after which the store still ends equal to the chain.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../../src-main/ipc/content-security-policy.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import { chainLogs, storedEvents } from '../../helpers/compare.ts';
import {
  connectRpc,
  splitWsUrl,
  startServe,
  waitFor,
  type RpcCallError,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
const running: ServeProcess[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  // Enough history that the backfill takes many ranges (dense blocks keep ranges small).
  for (let i = 0; i < 80; i++) await emitMany(anvil.rpcUrl, emitter, 1_000);
});

afterAll(async () => {
  await Promise.all(running.map((serve) => serve.kill('SIGKILL')));
  await anvil?.stop();
  dataDir.remove();
});

async function serve(): Promise<ServeProcess> {
  const started = await startServe({ dataDir: dataDir.path });
  running.push(started);
  return started;
}

describe('headless mode', () => {
  it('refuses a missing or wrong token and a foreign Origin, and accepts its own', async () => {
    const server = await serve();
    const base = `ws://127.0.0.1:${server.port}/rpc`;
    await expect(connectRpc(base)).rejects.toThrow(/HTTP 401/);
    await expect(connectRpc(`${base}?token=wrong`)).rejects.toThrow(/HTTP 401/);
    await expect(connectRpc(server.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow(
      /HTTP 403/,
    );
    const own = await connectRpc(server.wsUrl, { origin: `http://127.0.0.1:${server.port}` });
    expect(await own.call('chains.list')).toEqual([]);
    const unknown = await own.call('nope.nope').catch((error: RpcCallError) => error);
    expect(unknown).toMatchObject({ jsonRpcCode: -32601, data: { code: 'UNKNOWN_METHOD' } });
    own.close();
    // A batch is answered with an array, in order, with nothing for a notification (no id).
    const target = splitWsUrl(server.wsUrl);
    const socket = new WebSocket(target.url, { headers: target.headers });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const replied = new Promise<string>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(data.toString())),
    );
    socket.send(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'chains.list' },
        { jsonrpc: '2.0', method: 'chains.list' },
        { jsonrpc: '2.0', id: 'two', method: 'nope.nope' },
      ]),
    );
    expect(JSON.parse(await replied)).toEqual([
      { jsonrpc: '2.0', id: 1, result: [] },
      {
        jsonrpc: '2.0',
        id: 'two',
        error: expect.objectContaining({ code: -32601, data: expect.anything() }),
      },
    ]);
    socket.close();
    const response = await fetch(server.consoleUrl);
    expect(response.status).toBe(200);
    // The one policy, the same constant the desktop app's app:// handler sends.
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(await response.text()).toMatch(/<div id="root">/);
    expect(await server.kill('SIGTERM')).toBe(0);
    running.pop();
  });

  it('survives kill -9 mid-backfill and ends with exactly the chain’s logs', async () => {
    let server = await serve();
    let rpc = await connectRpc(server.wsUrl);
    await rpc.call('chains.add', {
      name: 'anvil',
      chainId: anvil.chainId,
      rpcUrls: [anvil.rpcUrl],
    });
    await rpc.call('contracts.add', {
      chainId: anvil.chainId,
      address: emitter,
      abi: loadArtifact('Emitter').abi,
      startBlock: 0,
    });
    // Wait until a snapshot holding part of the history is on disk, then kill mid-backfill, so
    // the restart must resume from that snapshot's cursor (not from scratch, not from the end).
    await waitFor(
      async () => {
        const status = await rpc.call<{ chains: { totalEvents: number }[] }>('status.get');
        return (
          (status.chains[0]?.totalEvents ?? 0) > 3_000 &&
          existsSync(join(dataDir.path, 'store.sqlite'))
        );
      },
      60_000,
      20,
    );
    const before = await rpc.call<{
      chains: { totalEvents: number; indexedThrough: number | null }[];
    }>('status.get');
    rpc.close();
    await server.kill('SIGKILL');
    running.pop();
    expect(before.chains[0]!.totalEvents).toBeLessThan(80_000); // it really was mid-backfill

    await emitMany(anvil.rpcUrl, emitter, 25); // and the chain moved on meanwhile
    server = await serve();
    rpc = await connectRpc(server.wsUrl);
    // The acknowledged chain and contract survived the kill.
    expect(await rpc.call<unknown[]>('chains.list')).toHaveLength(1);
    expect(await rpc.call<unknown[]>('contracts.list')).toHaveLength(1);
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    await waitFor(async () => {
      const status = await rpc.call<{ chains: { totalEvents: number }[] }>('status.get');
      return status.chains[0]?.totalEvents === expected.length;
    }, 120_000);
    const stored = await storedEvents(rpc);
    const key = (row: { blockHash: string; logIndex: number }): string =>
      `${row.blockHash}:${row.logIndex}`;
    expect(stored.map(key)).toEqual(expected.map(key));
    rpc.close();
  });
});
