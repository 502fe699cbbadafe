// In-flight transactions on an anvil that mines only when told (automine off): a speed-up and a
// cancel are proposals of their own that need approval, take the original's nonce with fees
// raised by at least the replacement minimum, and settle the original as replaced or
// cancelled; a transaction the node drops is marked dropped; one pending too long is flagged
// stuck; one whose block a reorg takes away goes back to sent and is mined again. The chain is
// watched through a counting proxy so a test can wait for the tracker's rounds, not for time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { Transaction } from '../../../src-main/ipc/contract.ts';
import { feeCap } from '../../../src-main/core/txqueue/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { waitFor } from '../../helpers/serve.ts';
import { saveRule, waitForFirings } from '../../helpers/alerts.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const STUCK_AFTER_MS = 2_500;
let anvil: AnvilInstance;
let proxy: FaultProxy;
let vigil: VigilUnderTest;
let token: Address;
let signer: Address;

async function tx(id: number): Promise<Transaction> {
  return vigil.call<Transaction>('txs.get', { id });
}

async function until(id: number, status: Transaction['status']): Promise<Transaction> {
  return waitFor(async () => {
    const current = await tx(id);
    return current.status === status ? current : undefined;
  }, 30_000);
}

/** Proposes a token transfer, approves it as shown, and waits until it sits in the node's pool. */
async function sendPending(amount: bigint): Promise<Transaction> {
  const proposed = await vigil.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: signer,
    to: token,
    function: { name: 'transfer', args: [DEAD, amount.toString()] },
  });
  await vigil.call('txs.approve', { id: proposed.id, seenSimulation: proposed.simulation!.id });
  const sent = await until(proposed.id, 'sent');
  expect(await rawRpc(anvil.rpcUrl, 'eth_getTransactionByHash', [sent.hash])).not.toBeNull();
  return sent;
}

async function approveAsShown(proposal: Transaction): Promise<Transaction> {
  return vigil.call<Transaction>('txs.approve', {
    id: proposal.id,
    seenSimulation: proposal.simulation!.id,
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  const key = await fundedKey(anvil.rpcUrl);
  signer = key.address;
  await mintTokens(anvil.rpcUrl, token, signer, 1_000n);
  await rawRpc(anvil.rpcUrl, 'evm_setAutomine', [false]);
  vigil = await startVigilInProcess({ tuning: { txStuckAfterMs: STUCK_AFTER_MS } });
  proxy = await startFaultProxy(anvil.rpcUrl);
  await watchOnAnvil(
    (name, input) => vigil.call(name, input),
    { ...anvil, rpcUrl: proxy.url },
    {
      address: token,
      artifact: 'DemoToken',
    },
  );
  await vigil.call('signers.import', { privateKey: key.privateKey, label: 'hot wallet' });
});

afterAll(async () => {
  await vigil?.close();
  await proxy?.close();
  await anvil?.stop();
});

describe('with automine off', () => {
  it('a pending transaction is flagged stuck, and a speed-up replaces it once approved', async () => {
    const original = await sendPending(10n);
    const stuck = await waitFor(async () =>
      (await tx(original.id)).stuck ? tx(original.id) : undefined,
    );
    expect(stuck.timeline.map((entry) => entry.status)).toContain('stuck');

    const speedUp = await vigil.call<Transaction>('txs.speedUp', { id: original.id });
    expect(speedUp).toMatchObject({
      kind: 'speedUp',
      replacesId: original.id,
      status: 'proposed',
      to: original.to,
      data: original.data,
      simulation: { nonce: original.nonce },
    });
    // At least the replacement minimum (10%) above the original's caps.
    expect(feeCap(speedUp.fees!) * 100n).toBeGreaterThanOrEqual(feeCap(original.fees!) * 110n);
    expect((await tx(original.id)).status).toBe('sent');

    const approved = await approveAsShown(speedUp);
    expect(approved.nonce).toBe(original.nonce);
    await until(speedUp.id, 'sent');
    await mineBlocks(anvil.rpcUrl, 1);
    await until(speedUp.id, 'mined');
    const replaced = await until(original.id, 'replaced');
    expect(replaced.timeline.at(-1)!.note).toContain(`tx ${speedUp.id}`);
    expect(await rawRpc(anvil.rpcUrl, 'eth_getTransactionReceipt', [original.hash])).toBeNull();
    expect(
      Number(await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer, 'latest'])),
    ).toBe(original.nonce! + 1);
    await mineBlocks(anvil.rpcUrl, 2);
    await until(speedUp.id, 'confirmed');
  });

  it('an original the pool gave up for its speed-up stays sent, then ends replaced; never dropped, no dropped alert', async () => {
    const rule = await saveRule((name, input) => vigil.call(name, input), {
      name: 'Hot wallet dropped',
      kind: 'transaction',
      from: signer,
      on: ['dropped'],
      enabled: true,
    });
    const original = await sendPending(15n);
    const speedUp = await vigil.call<Transaction>('txs.speedUp', { id: original.id });
    await approveAsShown(speedUp);
    await until(speedUp.id, 'sent');
    // The node's pool now holds the speed-up in place of the original.
    expect(await rawRpc(anvil.rpcUrl, 'eth_getTransactionByHash', [original.hash])).toBeNull();
    // The barrier: the tracker has looked for the original's receipt in more rounds than it
    // takes to call a missing transaction dropped.
    const receiptChecks = (): number =>
      proxy.calls.filter(
        (call) =>
          call.method === 'eth_getTransactionReceipt' &&
          (call.params as string[])[0] === original.hash,
      ).length;
    const before = receiptChecks();
    await waitFor(() => receiptChecks() >= before + 3, 30_000);
    expect((await tx(original.id)).status).toBe('sent');

    await mineBlocks(anvil.rpcUrl, 1);
    await until(speedUp.id, 'mined');
    const replaced = await until(original.id, 'replaced');
    expect(replaced.timeline.map((entry) => entry.status)).not.toContain('dropped');
    const audit = await vigil.call<{ entries: { action: string }[] }>('audit.list', {
      subject: `tx:${original.id}`,
    });
    expect(audit.entries.map((entry) => entry.action)).not.toContain('tx.dropped');

    // The sentinel: a transaction the node really drops fires the rule; by then a firing for
    // the replaced original would have come first.
    const really = await sendPending(16n);
    await rawRpc(anvil.rpcUrl, 'anvil_dropTransaction', [really.hash]);
    await until(really.id, 'dropped');
    const firings = await waitForFirings((name, input) => vigil.call(name, input), rule.id, 1, [
      'fired',
    ]);
    expect(firings.map((firing) => firing.subject)).toEqual([`tx:${really.id}:dropped`]);
  });

  it('a cancel is a zero-value transfer to self with the same nonce, and cancels the original', async () => {
    const original = await sendPending(20n);
    const cancel = await vigil.call<Transaction>('txs.cancel', { id: original.id });
    expect(cancel).toMatchObject({
      kind: 'cancel',
      replacesId: original.id,
      to: signer,
      value: '0',
      data: '0x',
      simulation: { nonce: original.nonce, gasLimit: '21000' },
    });
    await approveAsShown(cancel);
    await until(cancel.id, 'sent');
    await mineBlocks(anvil.rpcUrl, 1);
    await until(cancel.id, 'mined');
    const cancelled = await until(original.id, 'cancelled');
    expect(cancelled.receipt).toBeNull();
    const audit = await vigil.call<{ entries: { action: string; details: { by?: number } }[] }>(
      'audit.list',
      { subject: `tx:${original.id}`, action: 'tx.cancelled' },
    );
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]!.details.by).toBe(cancel.id);
  });

  it('a transaction the node drops from its pool is marked dropped', async () => {
    const pending = await sendPending(30n);
    await rawRpc(anvil.rpcUrl, 'anvil_dropTransaction', [pending.hash]);
    const dropped = await until(pending.id, 'dropped');
    expect(dropped.failureReason).toContain('dropped');
    // Its nonce is free again: the lane shows no gap and offers it to the next approval.
    const { lanes } = await vigil.call<{ lanes: { nextNonce: number; gaps: number[] }[] }>(
      'signers.lanes',
      { chainId: anvil.chainId, address: signer },
    );
    expect(lanes[0]).toMatchObject({ nextNonce: pending.nonce, gaps: [] });
  });

  it('a transaction whose block a reorg takes away goes back to sent, and is mined again', async () => {
    const pending = await sendPending(40n);
    await mineBlocks(anvil.rpcUrl, 1);
    const mined = await until(pending.id, 'mined');
    // Replace that block with an empty one: the transaction is no longer on the chain.
    await rawRpc(anvil.rpcUrl, 'anvil_reorg', [1, []]);
    const back = await waitFor(async () => {
      const current = await tx(pending.id);
      return current.timeline.some((entry) => entry.note?.includes('reorganised away'))
        ? current
        : undefined;
    });
    expect(back.receipt === null || back.receipt.blockHash !== mined.receipt!.blockHash).toBe(true);
    // Vigil broadcast the same signed bytes again; the next block includes them.
    await mineBlocks(anvil.rpcUrl, 1);
    const again = await waitFor(async () => {
      const current = await tx(pending.id);
      return current.status === 'mined' && current.receipt!.blockHash !== mined.receipt!.blockHash
        ? current
        : undefined;
    });
    expect(again.hash).toBe(pending.hash);
    const actions = (
      await vigil.call<{ entries: { action: string }[] }>('audit.list', {
        subject: `tx:${pending.id}`,
        order: 'asc',
      })
    ).entries.map((entry) => entry.action);
    expect(actions.filter((action) => action === 'tx.unmined')).toHaveLength(1);
    expect(actions.filter((action) => action === 'tx.mined')).toHaveLength(2);
  });
});
