// A local stand-in for Sourcify (API v2) and an Etherscan-family explorer (API v2), answering in
// the shapes their documentation gives, including their errors and rate-limit answers. Those
// services cannot be reached from the test machine; this is the one place Vigil's tests use a
// stand-in for something real (README, "Verified sources").
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the next answers go: as documented for a working service, or one of its failures. */
export type StandInMode =
  | 'normal'
  /** HTTP 429 with Retry-After (both services). */
  | 'http-429'
  /** Etherscan's rate limit: HTTP 200, status "0", result "Max rate limit reached". */
  | 'etherscan-rate-limit'
  /** HTTP 200 with a body that is not the documented shape (an HTML error page). */
  | 'malformed'
  /** The connection is closed without an answer. */
  | 'hang-up';

export interface VerifiedContract {
  name: string;
  abi: unknown[];
  /** Etherscan answers `Proxy: "1"` and this as `Implementation` (as it does for proxies it detected). */
  implementation?: string;
}

export interface ExplorerStandIn {
  sourcifyUrl: string;
  etherscanUrl: string;
  verify(chainId: number, address: string, contract: VerifiedContract): void;
  mode: StandInMode;
  /** Every request's path and query, as received (the key is in Etherscan's query). */
  requests: string[];
  stop(): Promise<void>;
}

const VERIFIED_AT = '2025-03-14T09:26:53Z';

export async function startExplorerStandIn(): Promise<ExplorerStandIn> {
  const verified = new Map<string, VerifiedContract>();
  const keyOf = (chainId: string | number, address: string) =>
    `${chainId}:${address.toLowerCase()}`;
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  function sourcify(response: ServerResponse, chainId: string, address: string): void {
    const contract = verified.get(keyOf(chainId, address));
    if (!contract)
      return json(response, 404, {
        customCode: 'not_found',
        message: `Contract ${address} on chain ${chainId} not found or not verified`,
        errorId: '5d1b2c3a-0000-4000-8000-000000000000',
      });
    json(response, 200, {
      abi: contract.abi,
      compilation: {
        language: 'Solidity',
        compiler: 'solc',
        compilerVersion: 'v0.8.26+commit.8a97fa7a',
        compilerSettings: { optimizer: { enabled: false, runs: 200 } },
        name: contract.name,
        fullyQualifiedName: `src/${contract.name}.sol:${contract.name}`,
      },
      match: 'exact_match',
      creationMatch: 'exact_match',
      runtimeMatch: 'exact_match',
      chainId,
      address,
      verifiedAt: VERIFIED_AT,
      matchId: '42',
    });
  }

  function etherscan(response: ServerResponse, query: URLSearchParams): void {
    if (!query.get('apikey'))
      return json(response, 200, {
        status: '0',
        message: 'NOTOK',
        result: 'Missing/Invalid API Key',
      });
    if (mode === 'etherscan-rate-limit')
      return json(response, 200, {
        status: '0',
        message: 'NOTOK',
        result: 'Max rate limit reached',
      });
    const contract = verified.get(keyOf(query.get('chainid') ?? '', query.get('address') ?? ''));
    const common = {
      CompilerVersion: contract ? 'v0.8.26+commit.8a97fa7a' : '',
      OptimizationUsed: '0',
      Runs: '200',
      ConstructorArguments: '',
      EVMVersion: 'Default',
      Library: '',
      LicenseType: contract ? 'MIT' : 'Unknown',
      Proxy: contract?.implementation ? '1' : '0',
      Implementation: contract?.implementation ?? '',
      SwarmSource: '',
    };
    json(response, 200, {
      status: '1',
      message: 'OK',
      result: [
        contract
          ? {
              SourceCode: '// SPDX-License-Identifier: MIT\n…',
              ABI: JSON.stringify(contract.abi),
              ContractName: contract.name,
              ...common,
            }
          : {
              SourceCode: '',
              ABI: 'Contract source code not verified',
              ContractName: '',
              ...common,
            },
      ],
    });
  }

  let mode: StandInMode = 'normal';
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(request.url ?? '');
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (mode === 'hang-up') return request.socket.destroy();
    if (mode === 'http-429') {
      response.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' });
      return response.end('Too Many Requests');
    }
    if (mode === 'malformed') {
      response.writeHead(200, { 'content-type': 'text/html' });
      return response.end('<html><body>502 Bad Gateway</body></html>');
    }
    const match = /^\/sourcify\/v2\/contract\/(\d+)\/(0x[0-9a-fA-F]{40})$/.exec(url.pathname);
    if (match) return sourcify(response, match[1]!, match[2]!);
    if (url.pathname === '/etherscan/v2/api') return etherscan(response, url.searchParams);
    json(response, 404, { customCode: 'route_not_found', message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sourcifyUrl: `${origin}/sourcify`,
    etherscanUrl: `${origin}/etherscan/v2/api`,
    verify: (chainId, address, contract) => verified.set(keyOf(chainId, address), contract),
    get mode() {
      return mode;
    },
    set mode(next) {
      mode = next;
    },
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
