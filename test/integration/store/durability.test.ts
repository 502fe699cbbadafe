// The store's promises on real files: what was acknowledged survives without a snapshot, a
// damaged snapshot is reported and the previous good one used, and nothing is destroyed.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src-main/core/store/index.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

const chain = {
  chainId: 31337,
  name: 'anvil',
  rpcUrls: ['http://127.0.0.1:8545'],
  confirmations: 2,
};
const contract = {
  id: '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3',
  chainId: 31337,
  address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  name: 'Token',
  abi: [{ type: 'event', name: 'E', inputs: [] }],
  startBlock: 0,
};

function event(blockNumber: number, logIndex = 0) {
  return {
    chainId: 31337,
    contractId: contract.id,
    blockNumber,
    blockHash: `0x${blockNumber.toString(16).padStart(64, '0')}`,
    blockTimestamp: 1_700_000_000 + blockNumber,
    logIndex,
    transactionHash: `0x${'ab'.repeat(32)}`,
    transactionIndex: 0,
    address: contract.address,
    eventName: 'E',
    signature: 'E()',
    args: {},
    topics: [],
    data: '0x',
    status: 'confirmed' as const,
  };
}

describe('store durability on disk', () => {
  const { open, freshDir, crash: crashStore, closeCleanly } = useStoreSandbox();
  function crash(store: Store): void {
    crashStore(store);
  }
  let lastDir = '';

  it('an acknowledged operator change survives a crash with no snapshot at all', async () => {
    lastDir = freshDir();
    const store = await open(lastDir);
    store.execute({ type: 'chain.add', chain });
    store.execute({ type: 'contract.add', contract });
    crash(store);
    expect(existsSync(join(lastDir, 'store.sqlite'))).toBe(false);
    const reopened = await open(lastDir);
    expect(reopened.recovery.journalEntriesReplayed).toBe(2);
    expect(reopened.listChains()).toEqual([chain]);
    expect(reopened.listContracts().map((c) => c.id)).toEqual([contract.id]);
  });

  it('chain data and its cursor come back together after a crash, from the head log, without any snapshot', async () => {
    lastDir = freshDir();
    const store = await open(lastDir);
    store.execute({ type: 'chain.add', chain });
    store.execute({ type: 'contract.add', contract });
    store.commitChainData({
      chainId: 31337,
      events: [event(1), event(2)],
      blocks: [],
      cursors: [{ contractId: contract.id, indexedThrough: 10 }],
    });
    store.snapshot();
    store.commitChainData({
      chainId: 31337,
      events: [event(11)],
      blocks: [],
      cursors: [{ contractId: contract.id, indexedThrough: 20 }],
    });
    crash(store);
    const reopened = await open(lastDir);
    expect(reopened.contractCursors(31337)).toEqual([
      { id: contract.id, address: contract.address, startBlock: 0, cursor: 20 },
    ]);
    expect(reopened.queryEvents({}).rows.map((row) => row.blockNumber)).toEqual([1, 2, 11]);
  });

  it('a damaged operator snapshot is reported, moved aside, and the previous good one is used; chain data, kept apart, is untouched', async () => {
    lastDir = freshDir();
    const store = await open(lastDir);
    store.execute({ type: 'chain.add', chain });
    store.execute({ type: 'contract.add', contract });
    store.commitChainData({
      chainId: 31337,
      events: [event(1)],
      blocks: [],
      cursors: [{ contractId: contract.id, indexedThrough: 5 }],
    });
    store.snapshot();
    store.commitChainData({
      chainId: 31337,
      events: [event(6)],
      blocks: [],
      cursors: [{ contractId: contract.id, indexedThrough: 9 }],
    });
    store.snapshot();
    closeCleanly(store);
    const current = join(lastDir, 'store.sqlite');
    const bytes = readFileSync(current);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
    writeFileSync(current, bytes);

    const log = makeLogger();
    const reopened = await open(lastDir, log);
    expect(reopened.recovery.snapshotSource).toBe('previous');
    expect(reopened.recovery.damagedSnapshots[0]?.reason).toMatch(/checksum mismatch/);
    expect(log.messages.join('\n')).toMatch(
      /error: Snapshot .*store\.sqlite is damaged \(checksum mismatch/,
    );
    expect(reopened.contractCursors(31337)[0]?.cursor).toBe(9);
    expect(reopened.queryEvents({}).rows.map((row) => row.blockNumber)).toEqual([1, 6]);
    expect(reopened.listChains()).toEqual([chain]);
    expect(readdirSync(lastDir).some((name) => name.startsWith('store.sqlite.damaged-'))).toBe(
      true,
    );
  });

  it('the journal keeps only what the previous snapshot lacks, and both snapshots still load', async () => {
    lastDir = freshDir();
    const store = await open(lastDir);
    const chainNamed = (name: string) => ({ ...chain, chainId: 1000 + name.length, name });
    store.execute({ type: 'chain.add', chain: chainNamed('a') }); // journal entry 1
    store.snapshot(); // covers 1
    store.execute({ type: 'chain.add', chain: chainNamed('bb') }); // 2
    store.snapshot(); // covers 2; the previous (1) is the fallback: nothing to cut yet below it
    store.execute({ type: 'chain.add', chain: chainNamed('ccc') }); // 3
    store.snapshot(); // covers 3; the fallback now covers 2: entries 1..2 can go
    store.execute({ type: 'chain.add', chain: chainNamed('dddd') }); // 4
    const journalPath = join(lastDir, 'journal.ndjson');
    const lines = readFileSync(journalPath, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/"compactedThrough":2/);
    expect(lines.slice(1).map((line) => JSON.parse(line.slice(17)).seq)).toEqual([3, 4]);
    crash(store);

    const names = ['a', 'bb', 'ccc', 'dddd'];
    const reopened = await open(lastDir);
    expect(reopened.listChains().map((item) => item.name)).toEqual(names);
    expect(reopened.recovery.journalEntriesReplayed).toBe(1);
    reopened.execute({ type: 'chain.add', chain: chainNamed('eeeee') }); // 5, after the cut
    crash(reopened);

    // With the newest snapshot damaged, the fallback plus the journal still give everything.
    const current = join(lastDir, 'store.sqlite');
    const bytes = readFileSync(current);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
    writeFileSync(current, bytes);
    const fallback = await open(lastDir);
    expect(fallback.recovery.snapshotSource).toBe('previous');
    expect(fallback.listChains().map((item) => item.name)).toEqual([...names, 'eeeee']);
  });

  it('a journal cut short behind the snapshot stops start-up, names the problem and changes nothing', async () => {
    lastDir = freshDir();
    const store = await open(lastDir);
    store.execute({ type: 'chain.add', chain });
    store.execute({ type: 'contract.add', contract });
    closeCleanly(store);
    const journalPath = join(lastDir, 'journal.ndjson');
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    writeFileSync(journalPath, `${lines[0]}\n`);
    const sizes = () =>
      readdirSync(lastDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => [entry.name, readFileSync(join(entry.parentPath, entry.name)).length]);
    const before = sizes();
    await expect(openStore(lastDir, makeLogger())).rejects.toThrow(
      /includes journal entry 2, but journal\.ndjson ends at 1/,
    );
    expect(sizes()).toEqual(before);
  });

  it('a second process on the same data directory is refused', async () => {
    lastDir = freshDir();
    await open(lastDir);
    // Pretend another live process (this test's parent) holds it.
    writeFileSync(join(lastDir, 'vigil.lock'), String(process.ppid));
    await expect(openStore(lastDir, makeLogger())).rejects.toThrow(
      /in use by another Vigil process/,
    );
  });
});
