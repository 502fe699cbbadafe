// How amounts read, from real tokens on anvil: DemoToken (18 decimals, "DEMO"), a 6-decimal
// token, one without decimals(), and one whose symbol() answers a bytes32. Vigil reads each once
// when the contract is added; an event rule's firing reads its amount with the symbol while the
// stored event keeps the exact integer; the operator can set decimals and symbol by hand (audited)
// and clear them to read the chain again; bad settings are refused and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { AlertFiring, EventRow, WatchedContract } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { saveRule, waitForFirings } from '../../helpers/alerts.ts';
import {
  contractAbis,
  deployContract,
  deployDemoContracts,
  mintTokens,
  sendAndWait,
} from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  CallError,
  startVigilInProcess,
  type VigilUnderTest,
} from '../../helpers/vigil-in-process.ts';

const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
let anvil: AnvilInstance;
let vigil: VigilUnderTest;
const tokens: Record<'demo' | 'six' | 'none' | 'bytes32', Address> = {} as never;

const idOf = (address: Address): string => `${anvil.chainId}:${address.toLowerCase()}`;

async function contract(address: Address): Promise<WatchedContract> {
  const list = await vigil.call<WatchedContract[]>('contracts.list');
  return list.find((entry) => entry.id === idOf(address))!;
}

/** The contract once Vigil has read how its amounts read. */
async function withToken(address: Address): Promise<WatchedContract> {
  return waitFor(async () => {
    const current = await contract(address);
    return current?.token ? current : undefined;
  });
}

beforeAll(async () => {
  anvil = await startAnvil();
  tokens.demo = (await deployDemoContracts(anvil.rpcUrl)).token;
  tokens.six = await deployContract(anvil.rpcUrl, 'SixDecimalsToken', []);
  tokens.none = await deployContract(anvil.rpcUrl, 'NoDecimalsToken', []);
  tokens.bytes32 = await deployContract(anvil.rpcUrl, 'Bytes32SymbolToken', []);
  vigil = await startVigilInProcess();
  await vigil.call('chains.add', {
    name: 'anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations: 1,
  });
  const artifacts = {
    demo: 'DemoToken',
    six: 'SixDecimalsToken',
    none: 'NoDecimalsToken',
    bytes32: 'Bytes32SymbolToken',
  } as const;
  for (const [key, name] of Object.entries(artifacts))
    await vigil.call('contracts.add', {
      chainId: anvil.chainId,
      address: tokens[key as keyof typeof tokens],
      abi: contractAbis[name],
      startBlock: 0,
      name,
    });
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('decimals and symbol read from the chain', () => {
  it('for 18 and 6 decimals, none at all, and a bytes32 symbol', async () => {
    expect((await withToken(tokens.demo)).token).toEqual({
      decimals: 18,
      symbol: 'DEMO',
      source: 'chain',
    });
    expect((await withToken(tokens.six)).token).toEqual({
      decimals: 6,
      symbol: 'USDX',
      source: 'chain',
    });
    expect((await withToken(tokens.none)).token).toEqual({
      decimals: null,
      symbol: null,
      source: 'chain',
    });
    expect((await withToken(tokens.bytes32)).token).toEqual({
      decimals: 18,
      symbol: 'OLD',
      source: 'chain',
    });
  });

  it('a firing reads the amount with its symbol; the stored event keeps the exact integer', async () => {
    const rule = await saveRule((name, input) => vigil.call(name, input), {
      name: 'USDX minted',
      kind: 'event',
      contractId: idOf(tokens.six),
      eventName: 'Transfer',
      enabled: true,
    });
    await sendAndWait(
      anvil.rpcUrl,
      {
        address: tokens.six,
        abi: contractAbis.SixDecimalsToken,
        functionName: 'mint',
        args: [RECIPIENT, 1_234_567_890n],
      },
      {},
    );
    const [fired] = await waitForFirings((name, input) => vigil.call(name, input), rule.id, 1, [
      'tentative',
      'fired',
    ]);
    expect((fired as AlertFiring).summary).toMatch(/value=1,234\.56789 USDX$/);
    const { rows } = await vigil.call<{ rows: EventRow[] }>('events.query', {
      contractId: idOf(tokens.six),
      limit: 10,
    });
    expect(rows[0]!.args).toMatchObject({ value: '1234567890' });
    expect(fired!.event?.args).toMatchObject({ value: '1234567890' });
  });
});

describe('set by the operator', () => {
  it('decimals and symbol by hand are audited, and clearing them reads the chain again', async () => {
    const set = await vigil.call<WatchedContract>('contracts.setToken', {
      id: idOf(tokens.none),
      token: { decimals: 2, symbol: 'CENT' },
    });
    expect(set.token).toEqual({ decimals: 2, symbol: 'CENT', source: 'operator' });
    const audit = await vigil.call<{ entries: { action: string; details: unknown }[] }>(
      'audit.list',
      { subject: `contract:${idOf(tokens.none)}`, action: 'contract.changed' },
    );
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]!.details).toEqual({
      changes: {
        token: {
          from: { decimals: null, symbol: null, source: 'chain' },
          to: { decimals: 2, symbol: 'CENT', source: 'operator' },
        },
      },
    });
    const cleared = await vigil.call<WatchedContract>('contracts.setToken', {
      id: idOf(tokens.none),
      token: null,
    });
    expect(cleared.token).toEqual({ decimals: null, symbol: null, source: 'chain' });
  });

  it('refuses a symbol with control characters, decimals out of range, an unknown contract', async () => {
    const before = await contract(tokens.demo);
    const attempts: [unknown, string, RegExp][] = [
      [
        { id: before.id, token: { decimals: 18, symbol: 'DE\u202EMO' } },
        'token.symbol',
        /control or invisible/,
      ],
      [{ id: before.id, token: { decimals: 78, symbol: 'DEMO' } }, 'token.decimals', /at most 77/],
      [{ id: before.id, token: { decimals: -1, symbol: 'DEMO' } }, 'token.decimals', /0 or more/],
      [{ id: `${anvil.chainId}:0x${'1'.repeat(40)}`, token: null }, 'id', /No watched contract/],
    ];
    for (const [input, field, message] of attempts) {
      const error = await vigil.call('contracts.setToken', input).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, JSON.stringify(input)).toBeInstanceOf(CallError);
      expect((error as CallError).error.field).toBe(field);
      expect((error as CallError).error.message).toMatch(message);
    }
    expect(await contract(tokens.demo)).toEqual(before);
  });
});

describe('DemoToken', () => {
  it('a rule on a DemoToken transfer reads 175.19 DEMO', async () => {
    const rule = await saveRule((name, input) => vigil.call(name, input), {
      name: 'DEMO minted',
      kind: 'event',
      contractId: idOf(tokens.demo),
      eventName: 'Transfer',
      enabled: true,
    });
    await mintTokens(anvil.rpcUrl, tokens.demo, RECIPIENT, 175_190_000_000_000_000_000n);
    const [fired] = await waitForFirings((name, input) => vigil.call(name, input), rule.id, 1, [
      'tentative',
      'fired',
    ]);
    expect(fired!.summary).toMatch(/value=175\.19 DEMO$/);
  });
});
