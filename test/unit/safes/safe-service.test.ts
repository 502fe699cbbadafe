// The Safe Transaction Service client against a local server answering in the documented shapes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  createSafeServiceClient,
  safeTransactionHash,
  type SafeServiceClient,
} from '../../../src-main/core/safes/index.ts';
import { vigilErrorOf } from '../../helpers/vigil-error.ts';
import { freePort } from '../../helpers/anvil.ts';
import { plainSafeTransaction } from '../../helpers/safe-contracts.ts';
import {
  startSafeServiceStandIn,
  type SafeServiceStandIn,
} from '../../helpers/safe-service-stand-in.ts';

const chainId = 11155111;
const safe = getAddress('0x5afe5afe5afe5afe5afe5afe5afe5afe5afe5afe');
const proposer = privateKeyToAccount(
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
);
const confirmer = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const transaction = plainSafeTransaction({
  to: getAddress('0x1111111111111111111111111111111111111111'),
  // Past 2^53: the amount must travel as text.
  value: 2n ** 70n + 1n,
  data: '0xa9059cbb',
  nonce: 3n,
});
const hash = safeTransactionHash({ chainId, safe, transaction });

let standIn: SafeServiceStandIn;
let client: SafeServiceClient;

beforeAll(async () => {
  standIn = await startSafeServiceStandIn(chainId);
  client = createSafeServiceClient({ baseUrl: `${standIn.url}/`, chainId, timeoutMs: 5_000 });
});

afterAll(async () => {
  await standIn?.stop();
});

beforeEach(() => {
  standIn.mode = 'normal';
  standIn.lieAboutTransactions = false;
  standIn.transactions.clear();
});

async function propose(): Promise<void> {
  await client.proposeTransaction({
    safe,
    transaction,
    sender: proposer.address,
    signature: await proposer.sign({ hash }),
    origin: 'Vigil',
  });
}

describe('Safe Transaction Service client', () => {
  it('proposes, confirms, and reads the transaction and its confirmations back', async () => {
    await propose();
    expect(standIn.requests.at(-1)).toBe(`POST /api/v1/safes/${safe}/multisig-transactions/`);
    expect(standIn.transactions.get(hash)?.body).toMatchObject({
      value: (2n ** 70n + 1n).toString(),
      contractTransactionHash: hash,
      sender: proposer.address,
      nonce: '3',
      origin: 'Vigil',
    });
    const second = await confirmer.sign({ hash });
    await client.confirmTransaction(hash, second);
    const confirmations = await client.getConfirmations(hash);
    expect(confirmations.map((c) => [c.owner, c.signatureType])).toEqual([
      [proposer.address, 'EOA'],
      [confirmer.address, 'EOA'],
    ]);
    expect(confirmations[1]!.signature).toBe(second);
    const read = await client.getTransaction(hash);
    expect(read.transaction).toEqual(transaction);
    expect(read).toMatchObject({
      safe,
      safeTxHash: hash,
      isExecuted: false,
      transactionHash: null,
    });
    expect(read.confirmations).toHaveLength(2);
  });

  it('says the service refused a proposal, with its message (422)', async () => {
    const error = await vigilErrorOf(
      client.proposeTransaction({
        safe,
        transaction,
        sender: confirmer.address,
        signature: await proposer.sign({ hash }),
      }),
    );
    expect(error.code).toBe('NOT_AVAILABLE');
    expect(error.message).toMatch(
      /refused to take the proposal \(HTTP 422: Signature does not match sender/,
    );
  });

  it('says the service does not know a hash (404)', async () => {
    const error = await vigilErrorOf(client.getConfirmations(hash));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.details).toMatchObject({ status: 404 });
  });

  it('refuses a transaction that does not hash to the hash asked for', async () => {
    await propose();
    standIn.lieAboutTransactions = true;
    const error = await vigilErrorOf(client.getTransaction(hash));
    expect(error.code).toBe('SOURCE_INVALID');
    expect(error.message).toMatch(
      /hashes to 0x[0-9a-f]{64} on chain 11155111: Vigil does not use it/,
    );
  });

  it('reports a rate limit with the wait it asks for (429)', async () => {
    standIn.mode = 'http-429';
    const error = await vigilErrorOf(client.getTransaction(hash));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({ retryAfterSeconds: 7 });
  });

  it('reports a failing service (5xx) as unreachable, and says files still work', async () => {
    standIn.mode = 'http-500';
    const error = await vigilErrorOf(client.confirmTransaction(hash, '0x00'));
    expect(error.code).toBe('SOURCE_UNREACHABLE');
    expect(error.message).toMatch(/HTTP 500/);
  });

  it('reports an answer outside the documented shapes, saying where', async () => {
    standIn.mode = 'malformed';
    const error = await vigilErrorOf(client.getConfirmations(hash));
    expect(error.code).toBe('SOURCE_INVALID');
    expect(error.message).toMatch(/not its documented shape \(at the top level/);
  });

  it('reports a connection closed without an answer, and a port nobody listens on', async () => {
    standIn.mode = 'hang-up';
    expect((await vigilErrorOf(client.getTransaction(hash))).code).toBe('SOURCE_UNREACHABLE');
    const nowhere = createSafeServiceClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      chainId,
    });
    const error = await vigilErrorOf(nowhere.getTransaction(hash));
    expect(error.code).toBe('SOURCE_UNREACHABLE');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
