// A hostile client with a valid token tries to get a transaction signed without a person, or
// with a person's approval of something else: no assertion, an assertion over another
// transaction, the same assertion twice, the same approver counted twice, a passkey that is not
// enrolled, a token-only enrollment once approvers exist. Each is refused with its own error and
// the signer's nonce on the chain never moves; then two real approvers get it signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { Transaction } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  approvalFor,
  enroll,
  makePerson,
  type ContractCall,
  type Person,
} from '../../helpers/person.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
  refusal,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const dataDir = makeTempDir('vigil-hostile-approval-');
let anvil: AnvilInstance;
let server: ServeProcess;
let signer: { privateKey: `0x${string}`; address: Address };
/** Holds the token and nothing else: what a script, a stolen token or a hostile page has. */
let hostile: RpcClient;
/** The operator's own connection, with its passkey. */
let ops: RpcClient;
let alice: Person;
let bob: Person;

const chainNonce = async (): Promise<number> =>
  Number(
    await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer.address, 'pending']),
  );

const bare: () => ContractCall = () => (name, input) => hostile.call(name, input);

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  signer = await fundedKey(anvil.rpcUrl);
  server = await startServe({ dataDir: dataDir.path });
  const origin = `http://localhost:${server.port}`;
  alice = makePerson('alice', origin);
  bob = makePerson('bob', origin);
  hostile = await connectRpc(server.wsUrl, {}, { person: null });
  ops = await connectRpc(server.wsUrl, {}, { person: alice });
  await ops.call('chains.add', { name: 'anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
}, 120_000);

afterAll(async () => {
  hostile?.close();
  ops?.close();
  await server?.kill('SIGKILL');
  await anvil?.stop();
  dataDir.remove();
});

describe('keys and approvers need a person', () => {
  it('refuses key import with the token alone, and the first enrollment only from loopback', async () => {
    expect(
      await refusal(hostile.call('signers.import', { privateKey: signer.privateKey, label: 'x' })),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(await hostile.call('signers.list')).toEqual([]);
    // The operator enrolls (the first approver, from this machine) and imports with approval.
    await ops.call('signers.import', { privateKey: signer.privateKey, label: 'treasury' });
    expect(await ops.call<{ approvers: { name: string }[] }>('approvers.list')).toMatchObject({
      approvers: [{ name: 'alice' }],
    });
    // Now the token cannot enroll a passkey of its own choosing: that needs alice.
    const mallory = makePerson('mallory', `http://localhost:${server.port}`);
    expect(await refusal(enroll(bare(), mallory))).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    // The signer holds funds, so removal is refused for that first; confirmed, it needs a person.
    expect(
      await refusal(hostile.call('signers.remove', { address: signer.address })),
    ).toMatchObject({ code: 'SIGNER_HOLDS_FUNDS' });
    expect(
      await refusal(
        hostile.call('signers.remove', { address: signer.address, confirmFunds: true }),
      ),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
  });
});

describe('approving a transaction', () => {
  let tx1: Transaction;
  let tx2: Transaction;

  it('is refused without an assertion, with one over another transaction, or from an unknown passkey', async () => {
    const nonce = await chainNonce();
    const propose = (value: string) =>
      hostile.call<Transaction>('txs.propose', {
        chainId: anvil.chainId,
        from: signer.address,
        to: DEAD,
        value,
      });
    // Proposing is what the token may do.
    tx1 = await propose('1000');
    tx2 = await propose('2000');

    expect(await refusal(hostile.call('txs.approve', { id: tx1.id }))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
      message: expect.stringMatching(/token alone cannot approve/),
    });

    // Alice approved tx2; the hostile client presents that approval for tx1.
    const forTx2 = await approvalFor(bare(), alice, 'txs.approve', { id: tx2.id });
    expect(
      await refusal(hostile.call('txs.approve', { id: tx1.id, approval: forTx2 })),
    ).toMatchObject({ code: 'APPROVAL_MISMATCH' });

    // A passkey nobody enrolled signs a genuine challenge.
    const stranger = makePerson('stranger', `http://localhost:${server.port}`);
    expect(
      await refusal(
        hostile.call('txs.approve', {
          id: tx1.id,
          approval: await approvalFor(bare(), stranger, 'txs.approve', { id: tx1.id }),
        }),
      ),
    ).toMatchObject({ code: 'APPROVAL_INVALID' });

    // Alice's genuine assertion, but claimed for a page on another origin.
    const { challenge } = await hostile.call<{ challenge: string }>('approvals.challenge', {
      request: 'txs.approve',
      input: { id: tx1.id },
    });
    const elsewhere = alice.authenticator.assert(challenge, 'localhost', 'http://evil.example');
    expect(
      await refusal(
        hostile.call('txs.approve', { id: tx1.id, approval: { assertion: elsewhere } }),
      ),
    ).toMatchObject({ code: 'APPROVAL_INVALID' });

    expect(await hostile.call<Transaction>('txs.get', { id: tx1.id })).toMatchObject({
      status: 'proposed',
    });
    expect(await chainNonce()).toBe(nonce);
  });

  it('counts each approver once and each assertion once; 2 of 2 distinct approvers sign', async () => {
    const nonce = await chainNonce();
    await ops.call('signers.setApprovalsRequired', { address: signer.address, required: 2 });
    expect(await ops.call<{ approvalsRequired: number }[]>('signers.list')).toMatchObject([
      { approvalsRequired: 2 },
    ]);

    // Alice approves: recorded, 1 of 2, nothing signed.
    const byAlice = await approvalFor(bare(), alice, 'txs.approve', { id: tx1.id });
    const first = await hostile.call<Transaction>('txs.approve', { id: tx1.id, approval: byAlice });
    expect(first).toMatchObject({
      status: 'proposed',
      approvals: [{ name: 'alice' }],
      approvalsRequired: 2,
    });

    // The same assertion again.
    expect(
      await refusal(hostile.call('txs.approve', { id: tx1.id, approval: byAlice })),
    ).toMatchObject({ code: 'APPROVAL_REPLAYED' });
    // Alice again, with a fresh assertion: still one approver.
    expect(
      await refusal(
        hostile.call('txs.approve', {
          id: tx1.id,
          approval: await approvalFor(bare(), alice, 'txs.approve', { id: tx1.id }),
        }),
      ),
    ).toMatchObject({ code: 'APPROVER_DUPLICATE' });
    expect(await chainNonce()).toBe(nonce);

    // Bob is enrolled with alice's approval, then approves: 2 of 2, signed and sent.
    await enroll(bare(), bob, alice);
    const byBob = await approvalFor(bare(), bob, 'txs.approve', { id: tx1.id });
    const second = await hostile.call<Transaction>('txs.approve', { id: tx1.id, approval: byBob });
    expect(second.approvals?.map((approval) => approval.name)).toEqual(['alice', 'bob']);
    expect(['signed', 'sent', 'mined', 'confirmed']).toContain(second.status);
    await waitFor(async () => {
      await mineBlocks(anvil.rpcUrl, 1);
      const tx = await hostile.call<Transaction>('txs.get', { id: tx1.id });
      return tx.status === 'confirmed';
    });
    expect(await chainNonce()).toBe(nonce + 1);
  });

  it('the server still answers after all of it', async () => {
    expect(server.process.exitCode).toBeNull();
    expect(await hostile.call<unknown[]>('chains.list')).toHaveLength(1);
  });
});
