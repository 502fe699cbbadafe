// Reconciliation: a store that silently differs from the chain (here, a snapshot edited on disk:
// one event deleted, one given a forged block hash) is found out by reconcile.run, with the
// range and the difference, and reconcile.repair makes it equal to the chain again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reconciliation } from '../../../src-main/ipc/contract.ts';
import { openStore } from '../../../src-main/core/store/index.ts';
import {
  createRecordMac,
  dataDirIdentity,
  INTEGRITY_KEYCHAIN_SERVICE,
} from '../../../src-main/core/integrity/index.ts';
import { readKeychainInChild } from '../../helpers/keychain.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock } from '../../helpers/chain-control.ts';
import { chainLogs, storedEvents } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import {
  connectRpc,
  RpcCallError,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { watchEmitter } from '../../helpers/contract-call.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
// Headless Vigil in a child process: the test stops it, edits its store, and starts it again
// (an engine restarted inside the test's own process loads keytar twice, which can hang).
let serve: ServeProcess;
let rpc: RpcClient;
const key = (row: { blockHash: string; logIndex: number }): string =>
  `${row.blockHash}:${row.logIndex}`;

const call = <T>(name: string, input?: unknown): Promise<T> => rpc.call<T>(name, input);

async function open(): Promise<void> {
  serve = await startServe({ dataDir: dataDir.path });
  rpc = await connectRpc(serve.wsUrl);
}

async function stop(): Promise<void> {
  rpc.close();
  await serve.kill();
}

/** The error a refused call answers with. */
async function refusal(name: string, input: unknown): Promise<RpcCallError['data']> {
  const error = await call(name, input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RpcCallError);
  return (error as RpcCallError).data;
}

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 30; i++) await emitMany(anvil.rpcUrl, emitter, 4);
  await open();
  await watchEmitter(call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
  const head = await headBlock(anvil.rpcUrl);
  await waitFor(async () => {
    const status = await call<{ chains: { indexedThrough: number | null }[] }>('status.get');
    return status.chains[0]?.indexedThrough === head;
  });
});

afterAll(async () => {
  rpc?.close();
  await serve?.kill();
  await anvil?.stop();
  dataDir.remove();
});

describe('reconciliation', () => {
  it('finds nothing wrong in a store that equals the chain', async () => {
    const result = await call<Reconciliation>('reconcile.run', { chainId: anvil.chainId });
    expect(result).toMatchObject({ status: 'ok', missing: [], extra: [], fromBlock: 0 });
    expect(result.storedCount).toBe(120);
    expect(result.chainCount).toBe(120);
  });

  it('reports a tampered store with the range and the difference, and repairs it', async () => {
    await stop();
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    const deleted = expected[10]!;
    const forged = expected[50]!;
    // Make the store differ from the chain the way silent corruption or a lost write would
    // look, through the store itself (its rows may sit in the head or in sealed segments): one
    // event gone, one moved to a block hash the chain never had.
    // Opened as Vigil opens it, with the directory's key: the change is the store's own, sealed
    // like any other, so only comparing with the chain can find it.
    const macKey = readKeychainInChild(
      INTEGRITY_KEYCHAIN_SERVICE,
      `mac-key:${dataDirIdentity(dataDir.path)}`,
    );
    const store = await openStore(dataDir.path, makeLogger(), {
      integrity: { mac: createRecordMac(Buffer.from(macKey!, 'base64')), adopting: false },
    });
    const rowAt = (log: { blockNumber: number; blockHash: string; logIndex: number }) =>
      store.queryEvents({ fromBlock: log.blockNumber, toBlock: log.blockNumber }).rows;
    const contractIds = [store.listContracts()[0]!.id];
    const lose = rowAt(deleted);
    store.applyCanonicalRange({
      chainId: anvil.chainId,
      contractIds,
      fromBlock: deleted.blockNumber,
      toBlock: deleted.blockNumber,
      events: lose.filter((row) => row.logIndex !== deleted.logIndex),
      blocks: [],
    });
    const move = rowAt(forged);
    store.applyCanonicalRange({
      chainId: anvil.chainId,
      contractIds,
      fromBlock: forged.blockNumber,
      toBlock: forged.blockNumber,
      events: move.map((row) =>
        row.logIndex === forged.logIndex ? { ...row, blockHash: `0x${'ee'.repeat(32)}` } : row,
      ),
      blocks: [],
    });
    store.close();

    await open();
    const mismatch = await call<Reconciliation>('reconcile.run', {
      chainId: anvil.chainId,
      fromBlock: 0,
      toBlock: expected.at(-1)!.blockNumber,
    });
    expect(mismatch.status).toBe('mismatch');
    expect(mismatch.missing.map(key).sort()).toEqual([key(deleted), key(forged)].sort());
    expect(mismatch.extra.map(key)).toEqual([`0x${'ee'.repeat(32)}:${forged.logIndex}`]);
    expect(mismatch.storedCount).toBe(119);

    const drift = await call<{ chains: { reconciliations: Reconciliation[] }[] }>('drift.get');
    expect(drift.chains[0]!.reconciliations[0]).toMatchObject({
      id: mismatch.id,
      status: 'mismatch',
    });

    const repaired = await call<Reconciliation>('reconcile.repair', { id: mismatch.id });
    expect(repaired).toMatchObject({ id: mismatch.id, status: 'repaired', missing: [], extra: [] });
    expect((await storedEvents(rpc)).map(key)).toEqual(expected.map(key));
  });

  it('refuses a range beyond what is indexed, and an unknown reconciliation', async () => {
    expect(
      await refusal('reconcile.run', { chainId: anvil.chainId, toBlock: 10_000 }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'toBlock' });
    expect(await refusal('reconcile.repair', { id: 9_999 })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'id',
    });
  });
});
