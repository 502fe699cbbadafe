// A local stand-in for a Safe Transaction Service (REST API v1), answering in the shapes its
// documentation gives: propose (POST /api/v1/safes/{address}/multisig-transactions/), read one
// (GET /api/v1/multisig-transactions/{safeTxHash}/), confirmations (GET/POST …/confirmations/),
// with its 404, 400/422, 429 and 5xx answers. The hosted service cannot be reached from the test
// machine; like the explorer stand-in, this is a stand-in for something real, not a mock of Vigil.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress, type Hex } from 'viem';
import { recoverSafeSignature, safeTransactionHash } from '../../src-main/core/safes/index.ts';

export type SafeServiceMode = 'normal' | 'http-429' | 'http-500' | 'malformed' | 'hang-up';

export interface StoredServiceTransaction {
  body: Record<string, unknown>;
  confirmations: {
    owner: string;
    signature: string;
    signatureType: string;
    submissionDate: string;
  }[];
}

export interface SafeServiceStandIn {
  url: string;
  mode: SafeServiceMode;
  /** Keyed by lowercase safeTxHash. */
  transactions: Map<string, StoredServiceTransaction>;
  /** Each request's method and path, as received. */
  requests: string[];
  /** Answers with a different transaction than asked for (a hostile or broken service). */
  lieAboutTransactions: boolean;
  stop(): Promise<void>;
}

const SUBMITTED = '2026-12-06T10:00:00.000000Z';

const typeOf = { eip712: 'EOA', eth_sign: 'ETH_SIGN', 'approved-hash': 'APPROVED_HASH' } as const;

export async function startSafeServiceStandIn(chainId: number): Promise<SafeServiceStandIn> {
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const readBody = async (request: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return undefined;
    }
  };

  const standIn: SafeServiceStandIn = {
    url: '',
    mode: 'normal',
    transactions: new Map(),
    requests: [],
    lieAboutTransactions: false,
    stop: async () => {},
  };

  async function confirmation(hash: Hex, signature: string) {
    const { owner, kind } = await recoverSafeSignature(hash, signature);
    return { owner, signature, signatureType: typeOf[kind], submissionDate: SUBMITTED };
  }

  function transactionAnswer(hash: string, stored: StoredServiceTransaction) {
    const body = stored.body;
    return {
      safe: body.safe,
      to: body.to,
      value: String(body.value),
      data: body.data ?? null,
      operation: body.operation,
      gasToken: body.gasToken,
      // The service answers safeTxGas, baseGas and nonce as numbers, value and gasPrice as text.
      safeTxGas: Number(body.safeTxGas),
      baseGas: Number(body.baseGas),
      gasPrice: String(body.gasPrice),
      refundReceiver: body.refundReceiver,
      nonce: Number(body.nonce) + (standIn.lieAboutTransactions ? 1 : 0),
      executionDate: null,
      submissionDate: SUBMITTED,
      modified: SUBMITTED,
      blockNumber: null,
      transactionHash: null,
      safeTxHash: hash,
      proposer: body.sender,
      executor: null,
      isExecuted: false,
      isSuccessful: null,
      confirmationsRequired: 2,
      confirmations: stored.confirmations,
      trusted: true,
      signatures: null,
    };
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    standIn.requests.push(`${request.method} ${url.pathname}`);
    if (standIn.mode === 'hang-up') return void request.socket.destroy();
    if (standIn.mode === 'http-429') {
      response.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ detail: 'Request was throttled.' }));
    }
    if (standIn.mode === 'http-500') return json(response, 500, { detail: 'Server error' });
    if (standIn.mode === 'malformed') {
      response.writeHead(200, { 'content-type': 'text/html' });
      return void response.end('<html><body>Bad gateway</body></html>');
    }

    const propose = url.pathname.match(
      /^\/api\/v1\/safes\/(0x[0-9a-fA-F]{40})\/multisig-transactions\/$/,
    );
    if (propose && request.method === 'POST') {
      const body = (await readBody(request)) as Record<string, string> | undefined;
      if (!body || typeof body.contractTransactionHash !== 'string')
        return json(response, 400, { contractTransactionHash: ['This field is required.'] });
      const transaction = {
        to: getAddress(body.to!),
        value: BigInt(body.value!),
        data: (body.data ?? '0x') as Hex,
        operation: Number(body.operation) as 0 | 1,
        safeTxGas: BigInt(body.safeTxGas!),
        baseGas: BigInt(body.baseGas!),
        gasPrice: BigInt(body.gasPrice!),
        gasToken: getAddress(body.gasToken!),
        refundReceiver: getAddress(body.refundReceiver!),
        nonce: BigInt(body.nonce!),
      };
      const hash = safeTransactionHash({ chainId, safe: getAddress(propose[1]!), transaction });
      if (hash !== body.contractTransactionHash.toLowerCase())
        return json(response, 422, {
          code: 1,
          message: 'Invalid safeTxHash',
          arguments: [body.contractTransactionHash],
        });
      const first = await confirmation(hash, body.signature!);
      if (first.owner !== getAddress(body.sender!))
        return json(response, 422, {
          code: 2,
          message: `Signature does not match sender=${body.sender}`,
          arguments: [],
        });
      standIn.transactions.set(hash, { body, confirmations: [first] });
      response.writeHead(201);
      return void response.end();
    }

    const one = url.pathname.match(
      /^\/api\/v1\/multisig-transactions\/(0x[0-9a-fA-F]{64})\/(confirmations\/)?$/,
    );
    if (one) {
      const hash = one[1]!.toLowerCase();
      const stored = standIn.transactions.get(hash);
      if (!stored) return json(response, 404, { detail: 'Not found.' });
      if (!one[2] && request.method === 'GET')
        return json(response, 200, transactionAnswer(hash, stored));
      if (one[2] && request.method === 'GET')
        return json(response, 200, {
          count: stored.confirmations.length,
          next: null,
          previous: null,
          results: stored.confirmations,
        });
      if (one[2] && request.method === 'POST') {
        const body = (await readBody(request)) as { signature?: string } | undefined;
        if (!body?.signature)
          return json(response, 400, { signature: ['This field is required.'] });
        const added = await confirmation(hash as Hex, body.signature).catch(() => null);
        if (!added) return json(response, 400, { signature: ['Signature is not valid'] });
        if (!stored.confirmations.some((c) => c.owner === added.owner))
          stored.confirmations.push(added);
        response.writeHead(201);
        return void response.end();
      }
    }
    json(response, 404, { detail: 'Not found.' });
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) =>
      json(response, 500, { detail: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
