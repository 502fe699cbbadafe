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

describe('decimals and symbol in a workspace file', () => {
  it('are applied to a new contract and a watched one, audited, and exported back', async () => {
    const fresh = await deployContract(anvil.rpcUrl, 'SixDecimalsToken', []);
    const entry = (address: Address, token: string): string => `  - name: From the file
    chainId: ${anvil.chainId}
    address: "${address}"
    startBlock: 0
    token: ${token}
    abi:
      - event Transfer(address indexed from, address indexed to, uint256 value)
`;
    const yaml = `version: 1\ncontracts:\n${entry(fresh, '{ decimals: 3, symbol: MILLI }')}${entry(tokens.six, '{ decimals: 0, symbol: null }')}`;
    const summary = await vigil.call<{ contractsAdded: number; contractsUnchanged: number }>(
      'workspace.import',
      { yaml, fileName: 'ops.yaml' },
    );
    expect(summary).toMatchObject({ contractsAdded: 1, contractsUnchanged: 1 });
    expect((await contract(fresh)).token).toEqual({
      decimals: 3,
      symbol: 'MILLI',
      source: 'operator',
    });
    expect((await contract(tokens.six)).token).toEqual({
      decimals: 0,
      symbol: null,
      source: 'operator',
    });
    const audit = await vigil.call<{ entries: { details: unknown }[] }>('audit.list', {
      subject: `contract:${idOf(tokens.six)}`,
      action: 'contract.changed',
    });
    expect(audit.entries.map((audited) => audited.details)).toContainEqual({
      changes: {
        token: {
          from: { decimals: 6, symbol: 'USDX', source: 'chain' },
          to: { decimals: 0, symbol: null, source: 'operator' },
        },
      },
    });
    // Importing the same file again changes nothing and audits nothing more.
    await vigil.call('workspace.import', { yaml, fileName: 'ops.yaml' });
    const again = await vigil.call<{ entries: unknown[] }>('audit.list', {
      subject: `contract:${idOf(tokens.six)}`,
      action: 'contract.changed',
    });
    expect(again.entries).toHaveLength(audit.entries.length);

    const exported = await vigil.call<{ yaml: string }>('workspace.export');
    expect(exported.yaml).toContain('token: { decimals: 3, symbol: MILLI }');
    expect(exported.yaml).toContain('token: { decimals: 0, symbol: null }');
    // DemoToken's decimals came from the chain: a file read elsewhere reads them there again.
    expect(exported.yaml.match(/token:/g)).toHaveLength(2);
    // Read from the chain again, the watched one leaves the file.
    await vigil.call('contracts.setToken', { id: idOf(tokens.six), token: null });
    expect((await contract(tokens.six)).token?.source).toBe('chain');
  });
});
