// The transaction queue on a real anvil with a real keychain: a proposal is simulated and waits
// for a person; an approved one is signed from main's own stored copy and followed to
// confirmed, with the events it caused in the store; a reverting call needs an explicit
// override; a result that changed since the operator looked stops the approval (a revert, a
// base fee above the shown cap, a balance that no longer covers the cost); bad input is
// refused with a specific error and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { EventRow, Transaction } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import {
  approveTokens,
  deployDemoContracts,
  mintTokens,
  anvilAccount,
} from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let token: Address;
let signer: Address;

async function untilStatus(id: number, status: Transaction['status']): Promise<Transaction> {
  return waitFor(
    async () => {
      const tx = await vigil.call<Transaction>('txs.get', { id });
      if (tx.status === status) return tx;
      // Confirmations come with blocks: automine only mines when something is sent.
      if (tx.status === 'mined' || tx.status === 'sent') await mineBlocks(anvil.rpcUrl, 1);
      return undefined;
    },
    30_000,
    300,
  );
}

async function proposeTransfer(to: string, amount: bigint): Promise<Transaction> {
  return vigil.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: signer,
    to: token,
    function: { name: 'transfer', args: [to, amount.toString()] },
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  vigil = await startVigilInProcess({ profile: 'alice' });
  await watchOnAnvil((name, input) => vigil.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  const key = await fundedKey(anvil.rpcUrl);
  signer = key.address;
  await vigil.call('signers.import', { privateKey: key.privateKey, label: 'treasury ops' });
  await mintTokens(anvil.rpcUrl, token, signer, 100n);
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('a proposal approved by hand', () => {
  it('is simulated, signed from the stored copy, mined, confirmed, and its events are stored', async () => {
    const proposed = await proposeTransfer(DEAD, 40n);
    expect(proposed).toMatchObject({
      status: 'proposed',
      kind: 'call',
      from: signer,
      to: token,
      value: '0',
      call: {
        kind: 'function',
        functionName: 'transfer',
        signature: 'transfer(address,uint256)',
        args: { to: DEAD, value: '40' },
        targetName: 'DemoToken',
      },
      simulation: { success: true, revertReason: null, nonce: 0 },
      hash: null,
    });
    expect(BigInt(proposed.simulation!.gasLimit)).toBeGreaterThanOrEqual(
      BigInt(proposed.simulation!.gasEstimate!),
    );
    // Nothing leaves without approval: the chain has seen no transaction from the signer.
    expect(
      Number(await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer, 'pending'])),
    ).toBe(0);

    const approved = await vigil.call<Transaction>('txs.approve', {
      id: proposed.id,
      seenSimulation: proposed.simulation!.id,
    });
    expect(['sent', 'mined', 'confirmed']).toContain(approved.status);
    expect(approved).toMatchObject({
      nonce: 0,
      gasLimit: proposed.simulation!.gasLimit,
      fees: proposed.simulation!.fees,
    });
    const confirmed = await untilStatus(proposed.id, 'confirmed');
    expect(confirmed.receipt).toMatchObject({ success: true });
    expect(confirmed.timeline.map((entry) => entry.status)).toEqual([
      'proposed',
      'simulated',
      'simulated',
      'approved',
      'signed',
      'sent',
      'mined',
      'confirmed',
    ]);

    // What the chain executed is exactly the stored proposal.
    const onChain = await rawRpc<{ from: string; to: string; input: string; nonce: string }>(
      anvil.rpcUrl,
      'eth_getTransactionByHash',
      [confirmed.hash],
    );
    expect(onChain.from.toLowerCase()).toBe(signer.toLowerCase());
    expect(onChain.to.toLowerCase()).toBe(token.toLowerCase());
    expect(onChain.input).toBe(proposed.data);
    expect(Number(onChain.nonce)).toBe(0);

    const events = await waitFor(async () => {
      const { rows } = await vigil.call<{ rows: EventRow[] }>('events.query', {
        transactionHash: confirmed.hash,
      });
      return rows.length > 0 ? rows : undefined;
    });
    expect(events.map((row) => [row.eventName, row.args])).toEqual([
      ['Transfer', { from: signer, to: DEAD, value: '40' }],
    ]);

    const audit = await vigil.call<{ entries: { action: string; actor: string }[] }>('audit.list', {
      subject: `tx:${proposed.id}`,
      order: 'asc',
    });
    expect(audit.entries.map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
      'alice tx.proposed',
      'alice tx.simulated',
      'system tx.simulated',
      'alice tx.approved',
      'system tx.signed',
      'system tx.sent',
      'system tx.mined',
      'system tx.confirmed',
    ]);
  });

  it('a plain value transfer goes through the same way', async () => {
    const before = BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_getBalance', [DEAD, 'latest']));
    const proposed = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: signer,
      to: DEAD,
      value: '123456789',
    });
    expect(proposed).toMatchObject({ kind: 'transfer', call: { kind: 'transfer' } });
    expect(proposed.simulation).toMatchObject({ success: true, gasLimit: '25200' });
    await vigil.call('txs.approve', { id: proposed.id });
    await untilStatus(proposed.id, 'confirmed');
    const after = BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_getBalance', [DEAD, 'latest']));
    expect(after - before).toBe(123456789n);
  });

  it('keeps nonces in one lane: an approval moves the next proposal to the next nonce', async () => {
    const first = await proposeTransfer(DEAD, 1n);
    const second = await proposeTransfer(DEAD, 2n);
    // Both would sign the same nonce while neither is approved.
    expect(second.simulation!.nonce).toBe(first.simulation!.nonce);
    const a = await vigil.call<Transaction>('txs.approve', {
      id: first.id,
      seenSimulation: first.simulation!.id,
    });
    // The lane's other proposals are simulated again, showing the nonce they would now get.
    // (Waited for first: a re-plan landing between the passkey's challenge and the approval
    // would be refused by the gate as APPROVAL_MISMATCH before the queue could say why.)
    const replanned = await waitFor(async () => {
      const tx = await vigil.call<Transaction>('txs.get', { id: second.id });
      return tx.simulation!.nonce === a.nonce! + 1 ? tx : undefined;
    });
    // Approving the second as it was shown would sign a nonce already taken: stopped.
    const stale = await vigil.refused('txs.approve', {
      id: second.id,
      seenSimulation: second.simulation!.id,
    });
    expect(stale.code).toBe('SIMULATION_CHANGED');
    const b = await vigil.call<Transaction>('txs.approve', {
      id: second.id,
      seenSimulation: replanned.simulation!.id,
    });
    expect(b.nonce).toBe(a.nonce! + 1);
    await untilStatus(first.id, 'confirmed');
    await untilStatus(second.id, 'confirmed');
    const { lanes } = await vigil.call<{ lanes: { nextNonce: number; gaps: number[] }[] }>(
      'signers.lanes',
      { chainId: anvil.chainId, address: signer },
    );
    expect(lanes).toEqual([
      expect.objectContaining({
        nextNonce: b.nonce! + 1,
        latestNonce: b.nonce! + 1,
        gaps: [],
        inFlight: 0,
      }),
    ]);
  });
});

describe('a reverting call', () => {
  it('shows its decoded reason and is approved only with an explicit override', async () => {
    const proposed = await proposeTransfer(DEAD, 10_000n);
    expect(proposed.simulation).toMatchObject({ success: false });
    expect(proposed.simulation!.revertReason).toMatch(
      new RegExp(
        `^InsufficientBalance\\(account: "${signer}", balance: "\\d+", needed: "10000"\\)$`,
      ),
    );
    const refused = await vigil.refused('txs.approve', { id: proposed.id });
    expect(refused).toMatchObject({ code: 'SIMULATION_REVERTED', field: 'overrideRevert' });
    expect(refused.message).toContain('InsufficientBalance');
    expect((await vigil.call<Transaction>('txs.get', { id: proposed.id })).status).toBe('proposed');

    const sent = await vigil.call<Transaction>('txs.approve', {
      id: proposed.id,
      overrideRevert: true,
    });
    expect(sent.overrideRevert).toBe(true);
    const failed = await untilStatus(proposed.id, 'failed');
    expect(failed.receipt).toMatchObject({ success: false });
    expect(failed.failureReason).toContain('InsufficientBalance');
  });
});

describe('a result that changed since the operator looked', () => {
  it('stops the approval, says what changed, and keeps the new simulation for review', async () => {
    const owner = anvilAccount(0).address;
    await approveTokens(anvil.rpcUrl, token, signer, 10n);
    await mintTokens(anvil.rpcUrl, token, owner, 10n);
    const proposed = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: signer,
      to: token,
      function: { name: 'transferFrom', args: [owner, DEAD, '10'] },
    });
    expect(proposed.simulation).toMatchObject({ success: true });

    // The owner withdraws the allowance before the operator approves.
    await approveTokens(anvil.rpcUrl, token, signer, 0n);
    const stopped = await vigil.refused('txs.approve', {
      id: proposed.id,
      seenSimulation: proposed.simulation!.id,
    });
    expect(stopped.code).toBe('SIMULATION_CHANGED');
    expect(stopped.message).toMatch(/it now reverts: InsufficientAllowance/);
    const after = await vigil.call<Transaction>('txs.get', { id: proposed.id });
    expect(after.status).toBe('proposed');
    expect(after.simulation).toMatchObject({ success: false });

    // Approving what was seen before, by its id, is stopped too.
    expect(
      await vigil.refused('txs.approve', {
        id: proposed.id,
        seenSimulation: proposed.simulation!.id,
      }),
    ).toMatchObject({ code: 'SIMULATION_CHANGED', field: 'seenSimulation' });
    expect(
      Number(await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer, 'pending'])),
    ).toBe(after.simulation!.nonce);
  });
});

describe('the chain moving against a shown transaction', () => {
  async function proposeValue(value: bigint): Promise<Transaction> {
    const proposed = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: signer,
      to: DEAD,
      value: value.toString(),
    });
    expect(proposed.simulation).toMatchObject({ success: true, fees: { type: 'eip1559' } });
    return proposed;
  }

  it('stops the approval when the base fee rose above the fee cap shown', async () => {
    const proposed = await proposeValue(1000n);
    const shown = proposed.simulation!;
    const cap = BigInt((shown.fees as { maxFeePerGas: string }).maxFeePerGas);
    const baseBefore = BigInt(shown.baseFeePerGas!);
    await rawRpc(anvil.rpcUrl, 'anvil_setNextBlockBaseFeePerGas', [`0x${(cap + 1n).toString(16)}`]);
    await mineBlocks(anvil.rpcUrl, 1);
    try {
      const stopped = await vigil.refused('txs.approve', {
        id: proposed.id,
        seenSimulation: shown.id,
      });
      expect(stopped.code).toBe('SIMULATION_CHANGED');
      expect(stopped.details?.changes).toEqual([
        `the base fee (${cap + 1n} wei) rose above the fee cap shown (${cap} wei)`,
      ]);
      const after = await vigil.call<Transaction>('txs.get', { id: proposed.id });
      expect(after).toMatchObject({ status: 'proposed', hash: null });
      expect(after.simulation!.baseFeePerGas).toBe((cap + 1n).toString());
    } finally {
      await rawRpc(anvil.rpcUrl, 'anvil_setNextBlockBaseFeePerGas', [
        `0x${baseBefore.toString(16)}`,
      ]);
      await mineBlocks(anvil.rpcUrl, 1);
      await vigil.call('txs.reject', { id: proposed.id, reason: 'fee test done' });
    }
  });

  it("stops the approval when the signer's balance no longer covers the most it can cost", async () => {
    const proposed = await proposeValue(5000n);
    const shown = proposed.simulation!;
    const balanceBefore = await rawRpc<string>(anvil.rpcUrl, 'eth_getBalance', [signer, 'latest']);
    const short = BigInt(shown.maxTotalCost) - 1n;
    await rawRpc(anvil.rpcUrl, 'anvil_setBalance', [signer, `0x${short.toString(16)}`]);
    try {
      const stopped = await vigil.refused('txs.approve', {
        id: proposed.id,
        seenSimulation: shown.id,
      });
      expect(stopped.code).toBe('SIMULATION_CHANGED');
      expect(stopped.details?.changes).toEqual([
        `the signer's balance (${short} wei) no longer covers the most it can cost (${shown.maxTotalCost} wei)`,
      ]);
      expect(await vigil.call<Transaction>('txs.get', { id: proposed.id })).toMatchObject({
        status: 'proposed',
      });
    } finally {
      await rawRpc(anvil.rpcUrl, 'anvil_setBalance', [signer, balanceBefore]);
      await vigil.call('txs.reject', { id: proposed.id, reason: 'balance test done' });
    }
  });
});

describe('rejection', () => {
  it('needs a reason, is recorded, and leaves nothing to approve', async () => {
    const proposed = await proposeTransfer(DEAD, 1n);
    expect(await vigil.refused('txs.reject', { id: proposed.id, reason: '  ' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'reason',
    });
    const rejected = await vigil.call<Transaction>('txs.reject', {
      id: proposed.id,
      reason: 'wrong recipient',
    });
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: 'wrong recipient' });
    expect(await vigil.refused('txs.approve', { id: proposed.id })).toMatchObject({
      code: 'INVALID_STATE',
    });
    const audit = await vigil.call<{ entries: { action: string; details: unknown }[] }>(
      'audit.list',
      { subject: `tx:${proposed.id}`, action: 'tx.rejected' },
    );
    expect(audit.entries[0]!.details).toMatchObject({ reason: 'wrong recipient' });
  });
});

describe('proposals from the workspace file', () => {
  it('are proposed once per key, wait for approval, and a bad one changes nothing', async () => {
    const yaml = (key: string, value: string) =>
      [
        'version: 1',
        'transactions:',
        `  - key: ${key}`,
        `    chainId: ${anvil.chainId}`,
        `    from: '${signer}'`,
        `    to: '${DEAD}'`,
        `    value: '${value}'`,
        '    note: from the ops repo',
        '',
      ].join('\n');
    const first = await vigil.call<{ transactionsProposed: number }>('workspace.import', {
      yaml: yaml('refill-1', '1000'),
      fileName: 'ops.yaml',
    });
    expect(first).toMatchObject({ transactionsProposed: 1, transactionsUnchanged: 0 });
    const { txs } = await vigil.call<{ txs: Transaction[] }>('txs.list', { status: 'proposed' });
    const proposed = txs.find((tx) => tx.source === 'workspace:refill-1')!;
    expect(proposed).toMatchObject({ to: DEAD, value: '1000', note: 'from the ops repo' });
    expect(proposed.simulation).toMatchObject({ success: true });

    const again = await vigil.call('workspace.import', {
      yaml: yaml('refill-1', '1000'),
      fileName: 'ops.yaml',
    });
    expect(again).toMatchObject({ transactionsProposed: 0, transactionsUnchanged: 1 });

    const before = (await vigil.call<{ txs: Transaction[] }>('txs.list', {})).txs.length;
    const broke = await vigil.refused('workspace.import', {
      yaml: yaml('refill-2', (10n ** 30n).toString()),
      fileName: 'ops.yaml',
    });
    expect(broke).toMatchObject({ code: 'INSUFFICIENT_FUNDS', field: 'transactions[0].value' });
    expect(broke.message).toMatch(/^ops\.yaml: transactions\[0\]\.value: /);
    expect((await vigil.call<{ txs: Transaction[] }>('txs.list', {})).txs.length).toBe(before);
    await vigil.call('txs.reject', { id: proposed.id, reason: 'test done' });
  });
});

describe('bad input', () => {
  it('gets a specific error and changes nothing', async () => {
    const txsBefore = await vigil.call<{ txs: Transaction[] }>('txs.list', {});
    const auditBefore = await vigil.call<{ total: number }>('audit.list', { limit: 1 });
    const propose = (input: Record<string, unknown>) =>
      vigil.refused('txs.propose', { chainId: anvil.chainId, from: signer, to: token, ...input });

    expect(
      await propose({ function: { name: 'transfer', args: ['not-an-address', '1'] } }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'function.args[0]' });
    const negative = await propose({ function: { name: 'transfer', args: [DEAD, '-1'] } });
    expect(negative).toMatchObject({ code: 'INVALID_INPUT', field: 'function.args[1]' });
    expect(negative.message).toContain('out of range');
    const tooBig = await propose({
      function: { name: 'approve', args: [DEAD, (2n ** 256n).toString()] },
    });
    expect(tooBig).toMatchObject({ field: 'function.args[1]' });
    expect(await propose({ function: { name: 'transfer', args: [DEAD, '1.5'] } })).toMatchObject({
      field: 'function.args[1]',
    });
    expect(await propose({ function: { name: 'transfer', args: [DEAD] } })).toMatchObject({
      field: 'function.args',
    });
    const unknownFunction = await propose({ function: { name: 'steal', args: [] } });
    expect(unknownFunction).toMatchObject({ field: 'function.name' });
    expect(unknownFunction.message).toContain('transfer(address,uint256)');
    expect(await propose({ function: { name: 'balanceOf', args: [DEAD] } })).toMatchObject({
      field: 'function.name',
    });
    const broke = await propose({ to: DEAD, value: (10n ** 30n).toString() });
    expect(broke).toMatchObject({ code: 'INSUFFICIENT_FUNDS', field: 'value' });
    expect(await propose({ from: DEAD })).toMatchObject({ code: 'NOT_FOUND', field: 'from' });
    expect(await propose({ chainId: 999 })).toMatchObject({ code: 'NOT_FOUND', field: 'chainId' });
    expect(await propose({ to: '0x1234' })).toMatchObject({ code: 'INVALID_INPUT', field: 'to' });
    expect(await propose({ data: '0xabc' })).toMatchObject({ field: 'data' });
    expect(await propose({ value: '-5' })).toMatchObject({ field: 'value' });
    expect(
      await propose({ data: '0x', function: { name: 'transfer', args: [DEAD, '1'] } }),
    ).toMatchObject({ field: 'function' });
    expect(
      await propose({ to: DEAD, function: { name: 'transfer', args: [DEAD, '1'] } }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'to' });

    expect(await vigil.refused('txs.approve', { id: 9_999 })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'id',
    });
    const confirmed = txsBefore.txs.find((tx) => tx.status === 'confirmed')!;
    expect(await vigil.refused('txs.approve', { id: confirmed.id })).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(await vigil.refused('txs.speedUp', { id: confirmed.id })).toMatchObject({
      code: 'INVALID_STATE',
    });

    const txsAfter = await vigil.call<{ txs: Transaction[] }>('txs.list', {});
    expect(txsAfter.txs.map((tx) => [tx.id, tx.status])).toEqual(
      txsBefore.txs.map((tx) => [tx.id, tx.status]),
    );
    expect((await vigil.call<{ total: number }>('audit.list', { limit: 1 })).total).toBe(
      auditBefore.total,
    );
  });
});
