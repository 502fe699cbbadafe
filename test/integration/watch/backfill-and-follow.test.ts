// Real anvil, real files, the real engine thread: what Vigil stores must be exactly what the
// chain's eth_getLogs returns — across many blocks, dense blocks, live follow and restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, decodeEventLog, getAddress, http, type Abi, type Hex } from 'viem';
import type { EventRow } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, emitKinds, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { chainLogs, storedEvents } from '../../helpers/compare.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
// Headless Vigil in a child process, so the restart below is a new process (an engine restarted
// inside the test's own process loads keytar twice, which can hang).
let serve: ServeProcess;
let server: RpcClient;

const call = <T>(name: string, input?: unknown): Promise<T> => server.call<T>(name, input);

async function open(): Promise<void> {
  serve = await startServe({ dataDir: dataDir.path });
  server = await connectRpc(serve.wsUrl);
}

async function stop(): Promise<void> {
  server.close();
  await serve.kill();
}

async function caughtUp(): Promise<void> {
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const head = Number(await client.getBlockNumber());
  await waitFor(async () => {
    const status = await call<{ chains: { indexedThrough: number | null }[] }>('status.get');
    return (status.chains[0]?.indexedThrough ?? -1) >= head;
  }, 90_000);
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  // History before Vigil starts: many transactions over many blocks, all event kinds.
  for (let i = 0; i < 40; i++) await emitMany(anvil.rpcUrl, emitter, 50 + i);
  await emitKinds(anvil.rpcUrl, emitter);
  await open();
});

afterAll(async () => {
  server?.close();
  await serve?.kill();
  await anvil?.stop();
  dataDir.remove();
});

describe('backfill, follow and restart on a real chain', () => {
  it('backfills thousands of events across many blocks to exactly the chain’s logs', async () => {
    await call('chains.add', {
      name: 'anvil',
      chainId: anvil.chainId,
      rpcUrls: [anvil.rpcUrl],
      confirmations: 2,
    });
    const artifact = loadArtifact('Emitter');
    await call('contracts.add', {
      chainId: anvil.chainId,
      address: emitter,
      abi: artifact,
      startBlock: 0,
    });
    await caughtUp();
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    expect(expected.length).toBeGreaterThan(2_500);
    const stored = await storedEvents(server);
    expect(stored.map(identity)).toEqual(expected.map(identity));
  });

  it('decodes arguments equal to what was emitted, for every ABI kind', async () => {
    const abi = loadArtifact('Emitter').abi as Abi;
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    const stored = await storedEvents(server);
    const byKey = new Map(stored.map((row) => [identity(row), row]));
    let checked = 0;
    for (const log of expected) {
      const row = byKey.get(identity(log))!;
      let viemDecoded: { eventName: string; args: unknown } | undefined;
      try {
        viemDecoded = decodeEventLog({
          abi,
          topics: log.topics as [Hex],
          data: log.data as Hex,
        }) as { eventName: string; args: unknown };
      } catch {
        viemDecoded = undefined;
      }
      if (!viemDecoded) {
        expect(row.eventName).toBeNull();
        expect(row.topics).toEqual(log.topics);
        expect(row.data).toEqual(log.data);
        continue;
      }
      expect(row.eventName).toBe(viemDecoded.eventName);
      expect(row.args).toEqual(toWire(viemDecoded.args));
      checked++;
    }
    expect(checked).toBe(expected.length - stored.filter((row) => row.eventName === null).length);
    expect(new Set(stored.map((row) => row.eventName)).size).toBeGreaterThanOrEqual(5);
  });

  it('follows the head: new events appear with pending then confirmed status', async () => {
    await emitMany(anvil.rpcUrl, emitter, 7);
    await caughtUp();
    const stored = await storedEvents(server);
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    expect(stored.map(identity)).toEqual(expected.map(identity));
    const newest = stored.at(-1)!;
    expect(newest.status).toBe('pending');
    await emitMany(anvil.rpcUrl, emitter, 1);
    await emitMany(anvil.rpcUrl, emitter, 1);
    await caughtUp();
    await waitFor(async () => {
      const rows = await storedEvents(server);
      return rows.find((row) => identity(row) === identity(newest))?.status === 'confirmed';
    });
  });

  it('stores a dense block of 2,500 logs without error', async () => {
    const receipt = await emitMany(anvil.rpcUrl, emitter, 2_500);
    await caughtUp();
    const rows = await call<{ rows: EventRow[] }>('events.query', {
      chainId: anvil.chainId,
      fromBlock: Number(receipt.blockNumber),
      toBlock: Number(receipt.blockNumber),
      limit: 10_000,
    });
    expect(rows.rows).toHaveLength(2_500);
    expect(rows.rows.map((row) => row.logIndex)).toEqual([...Array(2_500).keys()]);
  });

  it('resumes after a restart with no gap and no duplicate', async () => {
    await stop();
    await emitMany(anvil.rpcUrl, emitter, 33); // happens while Vigil is down
    await open();
    await caughtUp();
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    expect((await storedEvents(server)).map(identity)).toEqual(expected.map(identity));
  });

  it('pages with cursors in chain order, newest first on request, and filters by event and address', async () => {
    const all = await storedEvents(server);
    const firstPage = await call<{ rows: EventRow[]; nextCursor?: string }>('events.query', {
      limit: 100,
    });
    const secondPage = await call<{ rows: EventRow[] }>('events.query', {
      limit: 100,
      cursor: firstPage.nextCursor,
    });
    expect([...firstPage.rows, ...secondPage.rows].map(identity)).toEqual(
      all.slice(0, 200).map(identity),
    );
    const newest = await call<{ rows: EventRow[] }>('events.query', { limit: 5, order: 'desc' });
    expect(newest.rows.map(identity)).toEqual(all.slice(-5).reverse().map(identity));
    const pings = await call<{ rows: EventRow[] }>('events.query', {
      eventName: 'Ping',
      address: emitter.toLowerCase(),
      limit: 10_000,
    });
    expect(pings.rows.length).toBe(all.filter((row) => row.eventName === 'Ping').length);
    expect(pings.rows.every((row) => row.address === getAddress(emitter))).toBe(true);
  });
});

function identity(row: { blockHash: string; logIndex: number; transactionHash: string }): string {
  return `${row.blockHash}:${row.logIndex}:${row.transactionHash}`;
}

/** viem's decoded values in Vigil's wire format, to compare with stored args. */
function toWire(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) return getAddress(value);
  if (typeof value === 'string' && value.startsWith('0x')) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toWire(inner)]));
  }
  return value;
}
