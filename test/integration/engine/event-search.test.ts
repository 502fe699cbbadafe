// Searching events by what they say, on a real chain: conditions over uint256, int256, address,
// arrays and tx.from, and "everything that touched this address". Each answer, read page by page
// with small pages, must equal what the chain's own logs say, decoded here independently with
// viem and with each transaction's sender read from the node. Bad conditions point at their
// column; a condition without a chosen contract and event is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, decodeEventLog, http, type Address, type Hex } from 'viem';
import type { EventRow, WatchedContract } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import {
  anvilAccount,
  contractAbis,
  deployContract,
  deployDemoContracts,
  emitKinds,
  mintTokens,
  sampleKinds,
  transferTokens,
} from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  CallError,
  startVigilInProcess,
  type VigilUnderTest,
} from '../../helpers/vigil-in-process.ts';

const e18 = 10n ** 18n;
let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let token: Address;
let emitter: Address;
const account = (index: number): Address => anvilAccount(index).address;

/** A log as the chain gives it, decoded here, with its transaction's sender and target. */
interface ChainLog {
  position: string;
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
  from: Address;
  to: Address | null;
}
let chainLogs: ChainLog[] = [];

const idOf = (address: Address): string => `${anvil.chainId}:${address.toLowerCase()}`;
const positionOf = (row: { blockNumber: number | bigint; logIndex: number }): string =>
  `${row.blockNumber}:${row.logIndex}`;

/** Every page of a search, newest first, three rows a page. */
async function searchAll(query: Record<string, unknown>): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await vigil.call<{ rows: EventRow[]; nextCursor?: string }>('events.query', {
      ...query,
      chainId: anvil.chainId,
      order: 'desc',
      limit: 3,
      ...(cursor ? { cursor } : {}),
    });
    found.push(...page.rows.map(positionOf));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return found;
}

/** What the chain says matches, newest first. */
function expected(predicate: (log: ChainLog) => boolean): string[] {
  return chainLogs
    .filter(predicate)
    .map((log) => log.position)
    .reverse();
}

const same = (a: unknown, b: string): boolean =>
  typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

beforeAll(async () => {
  anvil = await startAnvil();
  token = (await deployDemoContracts(anvil.rpcUrl)).token;
  emitter = await deployContract(anvil.rpcUrl, 'Emitter', []);
  // Transfers of several sizes between accounts 1–4, sent by different accounts.
  for (const index of [1, 2, 3])
    await mintTokens(anvil.rpcUrl, token, account(index), 1_000n * e18);
  const transfers: [number, number, bigint][] = [
    [1, 2, 10n * e18],
    [1, 3, 75n * e18],
    [2, 4, 120n * e18],
    [3, 2, 51n * e18],
    [2, 3, 49n * e18],
    [3, 4, 300n * e18],
    [1, 4, 60n * e18],
  ];
  for (const [from, to, amount] of transfers)
    await transferTokens(anvil.rpcUrl, token, account(to), amount, { accountIndex: from });
  // Emitter kinds: negative and positive int256, address lists, tuples, from several senders.
  const variants = [
    { signedValue: -5n, addresses: [account(4)], who: account(1), sender: 0 },
    { signedValue: 7n, addresses: [account(1), account(2)], who: account(4), sender: 1 },
    { signedValue: -9n * e18, addresses: [], who: account(2), sender: 4 },
    { signedValue: 0n, addresses: [account(3)], who: account(3), sender: 2 },
  ];
  for (const variant of variants)
    await emitKinds(
      anvil.rpcUrl,
      emitter,
      {
        ...sampleKinds,
        signedValue: variant.signedValue,
        addresses: variant.addresses,
        payment: { who: variant.who, amount: 1n },
      },
      { accountIndex: variant.sender },
    );

  // The oracle: the chain's logs, decoded here, with each transaction read from the node.
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const logs = await client.getLogs({ address: [token, emitter], fromBlock: 0n });
  const senders = new Map<string, { from: Address; to: Address | null }>();
  for (const log of logs) {
    if (!senders.has(log.transactionHash!)) {
      const transaction = await client.getTransaction({ hash: log.transactionHash! });
      senders.set(log.transactionHash!, { from: transaction.from, to: transaction.to });
    }
    const abi =
      log.address.toLowerCase() === token.toLowerCase()
        ? contractAbis.DemoToken
        : contractAbis.Emitter;
    // Anonymous and ABI-less logs have no name or arguments, but their transaction's sender
    // still touched them.
    let decoded: { eventName: string; args: Record<string, unknown> } = { eventName: '', args: {} };
    try {
      decoded = decodeEventLog({ abi, topics: log.topics, data: log.data as Hex }) as {
        eventName: string;
        args: Record<string, unknown>;
      };
    } catch {
      // kept, undecoded
    }
    chainLogs.push({
      position: positionOf({ blockNumber: log.blockNumber!, logIndex: log.logIndex! }),
      address: log.address,
      eventName: decoded.eventName,
      args: decoded.args,
      ...senders.get(log.transactionHash!)!,
    });
  }
  chainLogs = chainLogs.sort((a, b) => {
    const [ab, al] = a.position.split(':').map(Number) as [number, number];
    const [bb, bl] = b.position.split(':').map(Number) as [number, number];
    return ab - bb || al - bl;
  });

  vigil = await startVigilInProcess();
  await vigil.call('chains.add', {
    name: 'anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations: 1,
  });
  for (const [address, name] of [
    [token, 'DemoToken'],
    [emitter, 'Emitter'],
  ] as const)
    await vigil.call('contracts.add', {
      chainId: anvil.chainId,
      address,
      abi: contractAbis[name],
      startBlock: 0,
      name,
    });
  const head = Number(await client.getBlockNumber());
  await waitFor(async () => {
    const contracts = await vigil.call<WatchedContract[]>('contracts.list');
    return contracts.every((contract) => (contract.indexedThrough ?? -1) >= head);
  });
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('a condition over one contract’s event', () => {
  it('uint256 and address: transfers above 50 DEMO to account 4', async () => {
    const found = await searchAll({
      contractId: idOf(token),
      eventName: 'Transfer',
      where: `value > 50e18 and to == ${account(4)}`,
    });
    const want = expected(
      (log) =>
        log.eventName === 'Transfer' &&
        (log.args.value as bigint) > 50n * e18 &&
        same(log.args.to, account(4)),
    );
    expect(want.length).toBeGreaterThanOrEqual(3);
    expect(found).toEqual(want);
  });

  it('int256: negative signed values', async () => {
    const found = await searchAll({
      contractId: idOf(emitter),
      eventName: 'Signed',
      where: 'value < 0',
    });
    const want = expected((log) => log.eventName === 'Signed' && (log.args.value as bigint) < 0n);
    expect(want).toHaveLength(2);
    expect(found).toEqual(want);
  });

  it('arrays: address lists that contain account 2', async () => {
    const found = await searchAll({
      contractId: idOf(emitter),
      eventName: 'Addresses',
      where: `list contains ${account(2)}`,
    });
    const want = expected(
      (log) =>
        log.eventName === 'Addresses' &&
        (log.args.list as string[]).some((item) => same(item, account(2))),
    );
    expect(want).toHaveLength(1);
    expect(found).toEqual(want);
  });

  it('tx.from: transfers whose transaction account 2 sent', async () => {
    const found = await searchAll({
      contractId: idOf(token),
      eventName: 'Transfer',
      where: `tx.from == ${account(2)}`,
    });
    const want = expected((log) => log.eventName === 'Transfer' && same(log.from, account(2)));
    expect(want).toHaveLength(2);
    expect(found).toEqual(want);
  });

  it('a bad condition points at its column and answers no rows', async () => {
    const error = await vigil
      .call('events.query', {
        contractId: idOf(token),
        eventName: 'Transfer',
        where: 'value > 5 and nope == 1',
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(CallError);
    expect((error as CallError).error.field).toBe('where');
    expect((error as CallError).error.details).toMatchObject({ column: 15 });
    expect((error as CallError).error.message).toMatch(/nope/);
  });

  it('a condition needs a contract and an event', async () => {
    const error = await vigil.call('events.query', { where: 'value > 1' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((error as CallError).error).toMatchObject({ field: 'where' });
    expect((error as CallError).error.message).toMatch(/choose a contract/);
  });
});

describe('everything that touched an address', () => {
  it('in indexed and non-indexed arguments, tuples, lists, and as the transaction’s sender', async () => {
    const target = account(4);
    const found = await searchAll({ touches: target });
    const holds = (value: unknown): boolean =>
      typeof value === 'string'
        ? same(value, target)
        : Array.isArray(value)
          ? value.some(holds)
          : value !== null && typeof value === 'object'
            ? Object.values(value).some(holds)
            : false;
    const want = expected(
      (log) =>
        holds(log.args) || same(log.from, target) || (log.to !== null && same(log.to, target)),
    );
    // Each way of touching it is in the chain's answer at least once.
    expect(chainLogs.some((log) => log.eventName === 'Transfer' && same(log.args.to, target))).toBe(
      true,
    );
    expect(chainLogs.some((log) => log.eventName === 'Addresses' && holds(log.args.list))).toBe(
      true,
    );
    expect(chainLogs.some((log) => log.eventName === 'Paid' && holds(log.args.payment))).toBe(true);
    expect(chainLogs.some((log) => log.eventName === 'Flag' && same(log.from, target))).toBe(true);
    expect(found).toEqual(want);
  });
});
