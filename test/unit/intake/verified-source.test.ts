// The Sourcify and Etherscan clients against a local stand-in answering in their documented
// shapes (the services themselves cannot be reached from here): each answer, working or not,
// gives its own result or message, and the explorer's key shows in none of them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchVerifiedAbi } from '../../../src-main/core/intake/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { startExplorerStandIn, type ExplorerStandIn } from '../../helpers/explorer-stand-in.ts';

const API_KEY = 'UNITKEY7Q2W9E4R8T1Y6U3I5O0P';
const VERIFIED = '0x1111111111111111111111111111111111111111';
const UNVERIFIED = '0x2222222222222222222222222222222222222222';
const abi = [
  {
    type: 'event',
    name: 'Recorded',
    anonymous: false,
    inputs: [{ name: 'id', type: 'uint256', indexed: true }],
  },
];

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let standIn: ExplorerStandIn;
beforeAll(async () => {
  standIn = await startExplorerStandIn();
  standIn.verify(1, VERIFIED, { name: 'Ledger', abi });
});
afterAll(() => standIn.stop());
beforeEach(() => {
  standIn.mode = 'normal';
});

const fetchFrom = (source: 'sourcify' | 'etherscan', address: string, apiKey?: string) =>
  fetchVerifiedAbi({
    source,
    chainId: 1,
    address,
    baseUrl: source === 'sourcify' ? standIn.sourcifyUrl : standIn.etherscanUrl,
    ...(apiKey ? { apiKey } : {}),
    timeoutMs: 2_000,
  });

async function failure(promise: Promise<unknown>): Promise<VigilError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VigilError);
  expect((error as VigilError).message).not.toContain(API_KEY);
  expect(JSON.stringify((error as VigilError).details ?? {})).not.toContain(API_KEY);
  return error as VigilError;
}

describe('Sourcify', () => {
  it('a verified contract: its ABI, name and verification time', async () => {
    expect(await fetchFrom('sourcify', VERIFIED)).toEqual({
      name: 'Ledger',
      abi,
      source: 'sourcify',
      verifiedAt: '2025-03-14T09:26:53Z',
    });
    expect(standIn.requests.at(-1)).toBe(
      `/sourcify/v2/contract/1/${VERIFIED}?fields=abi,compilation`,
    );
  });

  it('not verified (404 not_found)', async () => {
    const error = await failure(fetchFrom('sourcify', UNVERIFIED));
    expect(error.code).toBe('NOT_VERIFIED');
    expect(error.message).toBe(
      `${UNVERIFIED} on chain 1 is not verified on Sourcify. Try Etherscan, or paste the ABI.`,
    );
  });

  it('rate-limited (429 with Retry-After)', async () => {
    standIn.mode = 'http-429';
    const error = await failure(fetchFrom('sourcify', VERIFIED));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toContain('it asks to wait 7 s');
    expect(error.details).toMatchObject({ retryAfterSeconds: 7 });
  });

  it('a malformed answer', async () => {
    standIn.mode = 'malformed';
    const error = await failure(fetchFrom('sourcify', VERIFIED));
    expect(error.code).toBe('SOURCE_INVALID');
    expect(error.message).toMatch(/^Sourcify answered for .* with something Vigil cannot read/);
  });

  it('the connection dropped, and nothing listening', async () => {
    standIn.mode = 'hang-up';
    expect((await failure(fetchFrom('sourcify', VERIFIED))).code).toBe('SOURCE_UNREACHABLE');
    const error = await failure(
      fetchVerifiedAbi({
        source: 'sourcify',
        chainId: 1,
        address: VERIFIED,
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
      }),
    );
    expect(error.code).toBe('SOURCE_UNREACHABLE');
    expect(error.message).toContain('could not be reached');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('Etherscan', () => {
  it('a verified contract: its ABI and name, the key sent as apikey', async () => {
    expect(await fetchFrom('etherscan', VERIFIED, API_KEY)).toEqual({
      name: 'Ledger',
      abi,
      source: 'etherscan',
    });
    const query = new URL(standIn.requests.at(-1)!, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      chainid: '1',
      module: 'contract',
      action: 'getsourcecode',
      address: VERIFIED,
      apikey: API_KEY,
    });
  });

  it('no key: refused before asking', async () => {
    const before = standIn.requests.length;
    const error = await failure(fetchFrom('etherscan', VERIFIED));
    expect(error.code).toBe('NOT_AVAILABLE');
    expect(error.message).toContain('No Etherscan API key is set');
    expect(standIn.requests.length).toBe(before);
  });

  it('not verified ("Contract source code not verified")', async () => {
    const error = await failure(fetchFrom('etherscan', UNVERIFIED, API_KEY));
    expect(error.code).toBe('NOT_VERIFIED');
    expect(error.message).toBe(
      `${UNVERIFIED} on chain 1 is not verified on Etherscan. Try Sourcify, or paste the ABI.`,
    );
  });

  it('rate-limited: status "0" "Max rate limit reached", and HTTP 429 with Retry-After', async () => {
    standIn.mode = 'etherscan-rate-limit';
    const body = await failure(fetchFrom('etherscan', VERIFIED, API_KEY));
    expect(body.code).toBe('RATE_LIMITED');
    expect(body.message).toContain('"Max rate limit reached"');
    standIn.mode = 'http-429';
    const http = await failure(fetchFrom('etherscan', VERIFIED, API_KEY));
    expect(http.code).toBe('RATE_LIMITED');
    expect(http.message).toContain('wait 7 s');
  });

  it('a malformed answer, and a dropped connection', async () => {
    standIn.mode = 'malformed';
    expect((await failure(fetchFrom('etherscan', VERIFIED, API_KEY))).code).toBe('SOURCE_INVALID');
    standIn.mode = 'hang-up';
    const dropped = await failure(fetchFrom('etherscan', VERIFIED, API_KEY));
    expect(dropped.code).toBe('SOURCE_UNREACHABLE');
    // The URL shown is the API's, without the query that carries the key.
    expect(dropped.message).toContain(`Etherscan (${standIn.etherscanUrl})`);
  });

  it('a proxy (Proxy "1", Implementation): the implementation ABI is fetched too, merged, and said', async () => {
    const proxy = '0x3333333333333333333333333333333333333333';
    const implementation = '0x4444444444444444444444444444444444444444';
    const proxyAbi = [
      {
        type: 'event',
        name: 'Upgraded',
        anonymous: false,
        inputs: [{ name: 'implementation', type: 'address', indexed: true }],
      },
    ];
    standIn.verify(1, proxy, { name: 'ERC1967Proxy', abi: proxyAbi, implementation });
    const before = standIn.requests.length;
    // Not verified yet: the proxy's own ABI, and why the implementation's is missing.
    expect(await fetchFrom('etherscan', proxy, API_KEY)).toEqual({
      name: 'ERC1967Proxy',
      abi: proxyAbi,
      source: 'etherscan',
      implementation: {
        address: implementation,
        name: '',
        merged: false,
        problem: `${implementation} on chain 1 is not verified on Etherscan. Try Sourcify, or paste the ABI.`,
      },
    });
    standIn.verify(1, implementation, { name: 'Ledger', abi });
    expect(await fetchFrom('etherscan', proxy, API_KEY)).toEqual({
      name: 'ERC1967Proxy',
      abi: [...proxyAbi, ...abi],
      source: 'etherscan',
      implementation: { address: implementation, name: 'Ledger', merged: true },
    });
    const asked = standIn.requests
      .slice(before)
      .map((request) => new URL(request, 'http://x').searchParams.get('address'));
    expect(asked).toEqual([proxy, implementation, proxy, implementation]);
  });

  it('an implementation that says it is a proxy again is not followed further', async () => {
    const first = '0x5555555555555555555555555555555555555555';
    const second = '0x6666666666666666666666666666666666666666';
    standIn.verify(1, first, { name: 'Outer', abi: [], implementation: second });
    standIn.verify(1, second, { name: 'Inner', abi, implementation: first });
    const before = standIn.requests.length;
    expect((await fetchFrom('etherscan', first, API_KEY)).implementation).toEqual({
      address: second,
      name: 'Inner',
      merged: true,
    });
    expect(standIn.requests.length - before).toBe(2);
  });
});
