// Safe proposals in a running Vigil, with the real Safe 1.4.1 contracts on anvil and two of a
// 2-of-3 Safe's owners in the (test) keychain: a proposal is built, hashed and simulated as the
// Safe runs it, signed by each owner through the person-bound approval, and executed by a key
// account through the ordinary queue; its effect is on chain. A non-owner signer is refused with
// nothing changed; a DELEGATECALL anywhere but MultiSendCallOnly is refused; a batch of three
// calls is decoded and executes; two proposals at one Safe nonce conflict, executing the one
// supersedes the other, and a rejection proposal uses a nonce up.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, parseAbi, type Address } from 'viem';
import type { AuditEntry, Transaction } from '../../../src-main/ipc/contract.ts';
import { encodeMultiSend, safeTransactionHash } from '../../../src-main/core/safes/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { fund, fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  plainSafeTransaction,
  type CreatedSafe,
  type SafeDeployment,
} from '../../helpers/safe-contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const BEEF = '0x000000000000000000000000000000000000bEEF';
const ERC20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

let anvil: AnvilInstance;
let deployment: SafeDeployment;
let safe: CreatedSafe;
let vigil: VigilUnderTest;
let token: Address;
let executor: Address;
let outsider: Address;

const owner = (index: number): Address => safe.owners[index]!.address;

async function tokenBalance(holder: string): Promise<bigint> {
  const data = encodeFunctionData({
    abi: ERC20,
    functionName: 'balanceOf',
    args: [holder as Address],
  });
  return BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_call', [{ to: token, data }, 'latest']));
}

async function untilStatus(id: number, status: Transaction['status']): Promise<Transaction> {
  return waitFor(
    async () => {
      const tx = await vigil.call<Transaction>('txs.get', { id });
      if (tx.status === status) return tx;
      if (tx.status === 'mined' || tx.status === 'sent') await mineBlocks(anvil.rpcUrl, 1);
      return undefined;
    },
    30_000,
    300,
  );
}

async function auditOf(action: string): Promise<AuditEntry[]> {
  return (await vigil.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries;
}

function proposeTransfer(to: string, amount: bigint, extra: Record<string, unknown> = {}) {
  return vigil.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    safe: safe.address,
    to: token,
    function: { name: 'transfer', args: [to, amount.toString()] },
    ...extra,
  });
}

const sign = (tx: Transaction, signer: Address) =>
  vigil.call<Transaction>('txs.approve', {
    id: tx.id,
    signer,
    seenSimulation: tx.simulation!.id,
  });

/** Signs with both keychain owners, executes from the executor, and waits for both to settle. */
async function signAndExecute(proposal: Transaction): Promise<Transaction> {
  const once = await sign(proposal, owner(0));
  await sign(once, owner(1));
  const execution = await vigil.call<Transaction>('txs.executeSafe', {
    id: proposal.id,
    executor,
  });
  const afterSim = await vigil.call<Transaction>('txs.get', { id: execution.id });
  await vigil.call('txs.approve', { id: execution.id, seenSimulation: afterSim.simulation!.id });
  await untilStatus(execution.id, 'confirmed');
  return untilStatus(proposal.id, 'confirmed');
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  deployment = await deploySafeContracts(anvil.rpcUrl);
  const keys = [await fundedKey(anvil.rpcUrl, 0n), await fundedKey(anvil.rpcUrl, 0n)];
  const third = await fundedKey(anvil.rpcUrl, 0n);
  safe = await createSafe(anvil.rpcUrl, deployment, { owners: [...keys, third], threshold: 2 });
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  await mintTokens(anvil.rpcUrl, token, safe.address, 1_000n);
  await fund(anvil.rpcUrl, safe.address, 10n ** 18n);
  vigil = await startVigilInProcess({
    profile: 'alice',
    tuning: {
      safeRefreshMs: 0,
      proxyCheckIntervalMs: 0,
      multiSendCallOnly: { [String(anvil.chainId)]: deployment.multiSendCallOnly },
    },
  });
  await watchOnAnvil((name, input) => vigil.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await vigil.call('safes.add', {
    chainId: anvil.chainId,
    address: safe.address,
    name: 'Treasury',
  });
  for (const [index, key] of keys.entries())
    await vigil.call('signers.import', { privateKey: key.privateKey, label: `owner ${index}` });
  const executorKey = await fundedKey(anvil.rpcUrl);
  executor = executorKey.address;
  await vigil.call('signers.import', { privateKey: executorKey.privateKey, label: 'executor' });
  const outsiderKey = await fundedKey(anvil.rpcUrl);
  outsider = outsiderKey.address;
  await vigil.call('signers.import', { privateKey: outsiderKey.privateKey, label: 'outsider' });
}, 180_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('a Safe proposal', () => {
  it('is hashed by Vigil, simulated as the Safe, signed by two owners, executed, and its effect is on chain', async () => {
    const proposal = await proposeTransfer(DEAD, 40n);
    expect(proposal).toMatchObject({
      status: 'proposed',
      from: safe.address,
      to: token,
      call: { functionName: 'transfer', args: { to: DEAD, value: '40' }, targetName: 'DemoToken' },
      safe: { safe: safe.address, nonce: '0', operation: 0, purpose: 'call', signatures: [] },
      simulation: { success: true, nonce: 0 },
    });
    expect(proposal.safe!.safeTxHash).toBe(
      safeTransactionHash({
        chainId: anvil.chainId,
        safe: safe.address,
        transaction: {
          to: token,
          value: 0n,
          data: proposal.data as `0x${string}`,
          operation: 0,
          safeTxGas: 0n,
          baseGas: 0n,
          gasPrice: 0n,
          gasToken: '0x0000000000000000000000000000000000000000',
          refundReceiver: '0x0000000000000000000000000000000000000000',
          nonce: 0n,
        },
      }),
    );
    expect(BigInt(proposal.simulation!.gasEstimate!)).toBeGreaterThan(21_000n);

    // Not enough signatures yet: execution is refused with what is missing.
    const early = await vigil.refused('txs.executeSafe', { id: proposal.id, executor });
    expect(early).toMatchObject({ code: 'SAFE_THRESHOLD_NOT_MET' });
    expect(early.message).toContain('0 of the 2');

    // A keychain signer that is not an owner: refused, nothing recorded.
    const stranger = await vigil.refused('txs.approve', { id: proposal.id, signer: outsider });
    expect(stranger).toMatchObject({ code: 'NOT_A_SAFE_OWNER', field: 'signer' });
    expect(
      (await vigil.call<Transaction>('txs.get', { id: proposal.id })).safe!.signatures,
    ).toEqual([]);
    expect(await auditOf('safe.signed')).toEqual([]);

    const once = await sign(proposal, owner(0));
    expect(once.safe!.signatures.map((signature) => signature.owner)).toEqual([
      owner(0).toLowerCase(),
    ]);
    expect(once.status).toBe('proposed');
    // The same owner again records nothing.
    const again = await vigil.refused('txs.approve', { id: proposal.id, signer: owner(0) });
    expect(again.message).toContain('already signed');
    const twice = await sign(once, owner(1));
    expect(twice.safe!.signatures).toHaveLength(2);

    const execution = await vigil.call<Transaction>('txs.executeSafe', {
      id: proposal.id,
      executor,
    });
    expect(execution).toMatchObject({
      from: executor,
      to: safe.address,
      status: 'proposed',
      executesSafeProposal: proposal.id,
      simulation: { success: true },
    });
    // One execution at a time.
    expect(
      (await vigil.refused('txs.executeSafe', { id: proposal.id, executor })).message,
    ).toContain('already being executed');
    expect(await tokenBalance(DEAD)).toBe(0n);
    await vigil.call('txs.approve', { id: execution.id, seenSimulation: execution.simulation!.id });
    const confirmed = await untilStatus(execution.id, 'confirmed');
    expect(confirmed.receipt!.success).toBe(true);
    const settled = await untilStatus(proposal.id, 'confirmed');
    expect(settled.safe!.settledBy).toMatchObject({ kind: 'executed', txHash: confirmed.hash });
    expect(settled.safe!.executionTxId).toBe(execution.id);
    expect(await tokenBalance(DEAD)).toBe(40n);

    const signed = await auditOf('safe.signed');
    expect(signed.map((entry) => entry.details['owner']).sort()).toEqual(
      [owner(0).toLowerCase(), owner(1).toLowerCase()].sort(),
    );
    expect(signed[0]).toMatchObject({ actor: 'alice', subject: `tx:${proposal.id}` });
    expect((await auditOf('safe.executed'))[0]).toMatchObject({ subject: `tx:${proposal.id}` });
    expect((await auditOf('safe.execution-proposed'))[0]!.details).toMatchObject({
      executor,
      executionTxId: execution.id,
    });
  });

  it('needs as many approvers to sign with an owner key as that key needs for its own transactions', async () => {
    await vigil.call('signers.setApprovalsRequired', { address: owner(0), required: 2 });
    try {
      const proposal = await proposeTransfer(DEAD, 4n);
      const approved = await sign(proposal, owner(0));
      expect(approved.safe!.signatures).toEqual([]);
      expect(approved.approvals).toMatchObject([{ name: 'alice' }]);
      expect(approved.timeline.at(-1)!.note).toContain('awaiting 1 more');
      // The same person again is still one approver: nothing is signed.
      const again = await vigil.refused('txs.approve', {
        id: proposal.id,
        signer: owner(0),
        seenSimulation: proposal.simulation!.id,
      });
      expect(again.code).toBe('APPROVER_DUPLICATE');
      expect(
        (await vigil.call<Transaction>('txs.get', { id: proposal.id })).safe!.signatures,
      ).toEqual([]);
      await vigil.call('txs.reject', { id: proposal.id, reason: 'only looking' });
    } finally {
      await vigil.call('signers.setApprovalsRequired', { address: owner(0), required: 1 });
    }
  });

  it('comes from the workspace file too, once per key', async () => {
    const yaml = [
      'version: 1',
      'transactions:',
      '  - key: safe-payout-1',
      `    chainId: ${anvil.chainId}`,
      `    safe: '${safe.address}'`,
      `    to: '${BEEF}'`,
      "    value: '11'",
      '    note: from the ops repo',
      '',
    ].join('\n');
    const imported = await vigil.call<{ transactionsProposed: number }>('workspace.import', {
      yaml,
      fileName: 'ops.yaml',
    });
    expect(imported.transactionsProposed).toBe(1);
    const again = await vigil.call<{ transactionsProposed: number }>('workspace.import', {
      yaml,
      fileName: 'ops.yaml',
    });
    expect(again.transactionsProposed).toBe(0);
    const { txs } = await vigil.call<{ txs: Transaction[] }>('txs.list', {});
    const fromFile = txs.find((tx) => tx.source === 'workspace:safe-payout-1')!;
    expect(fromFile).toMatchObject({
      from: safe.address,
      status: 'proposed',
      safe: { to: BEEF, value: '11', purpose: 'call' },
      simulation: { success: true },
    });
    await vigil.call('txs.reject', { id: fromFile.id, reason: 'only looking' });
  });

  it('refuses a DELEGATECALL to anything but MultiSendCallOnly, and one not asked for', async () => {
    const refused = await vigil.refused('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      to: token,
      data: '0x',
      operation: 1,
      allowDelegateCall: 'multisend',
    });
    expect(refused).toMatchObject({ code: 'DELEGATECALL_REFUSED', field: 'operation' });
    expect(refused.message).toContain(deployment.multiSendCallOnly);
    const unasked = await vigil.refused('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      calls: [{ to: DEAD, value: '1' }],
    });
    expect(unasked.code).toBe('DELEGATECALL_REFUSED');
    expect(unasked.message).toContain('allowDelegateCall');
  });

  it('stops signing when the simulation changed since the owner looked: the Safe nonce was used elsewhere', async () => {
    const proposal = await proposeTransfer(DEAD, 3n);
    const nonce = BigInt(proposal.safe!.nonce);
    // Two owners execute another transaction at that nonce, outside Vigil.
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: safe.address, nonce }),
      safe.owners.slice(0, 2),
    );
    const stopped = await vigil.refused('txs.approve', {
      id: proposal.id,
      signer: owner(0),
      seenSimulation: proposal.simulation!.id,
    });
    expect(stopped.code).toBe('SIMULATION_CHANGED');
    expect(stopped.message).toContain(`it now reverts: the Safe is at nonce ${nonce + 1n}`);
    const after = await vigil.call<Transaction>('txs.get', { id: proposal.id });
    expect(after.safe!.signatures).toEqual([]);
    expect(after.simulation).toMatchObject({ success: false });
    await vigil.call('txs.reject', { id: proposal.id, reason: 'its nonce was used elsewhere' });
  });

  it('takes operation 1 to MultiSendCallOnly when asked, and shows each call', async () => {
    const data = encodeMultiSend([
      { to: BEEF, value: 1n, data: '0x' },
      { to: DEAD, value: 2n, data: '0x' },
    ]);
    const raw = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      to: deployment.multiSendCallOnly,
      data,
      operation: 1,
      allowDelegateCall: 'multisend',
    });
    expect(raw.safe!.batch!.map((call) => [call.to, call.value])).toEqual([
      [BEEF, '1'],
      [DEAD, '2'],
    ]);
    expect(raw.simulation).toMatchObject({ success: true });
    await vigil.call('txs.reject', { id: raw.id, reason: 'only looking' });
  });

  it('decodes and executes a MultiSendCallOnly batch of three calls', async () => {
    const before = await tokenBalance(BEEF);
    const batch = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      allowDelegateCall: 'multisend',
      calls: [
        { to: token, function: { name: 'transfer', args: [BEEF, '1'] } },
        { to: token, function: { name: 'transfer', args: [BEEF, '2'] } },
        { to: BEEF, value: '5' },
      ],
    });
    expect(batch.safe).toMatchObject({
      operation: 1,
      purpose: 'batch',
      to: deployment.multiSendCallOnly,
    });
    expect(batch.safe!.batch!.map((call) => [call.to, call.value, call.call.functionName])).toEqual(
      [
        [token, '0', 'transfer'],
        [token, '0', 'transfer'],
        [BEEF, '5', null],
      ],
    );
    expect(batch.simulation).toMatchObject({ success: true });
    const beefEth = BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_getBalance', [BEEF, 'latest']));
    await signAndExecute(batch);
    expect(await tokenBalance(BEEF)).toBe(before + 3n);
    expect(BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_getBalance', [BEEF, 'latest']))).toBe(
      beefEth + 5n,
    );
  });

  it('two proposals at one Safe nonce conflict; executing one supersedes the other; a rejection works', async () => {
    const first = await proposeTransfer(DEAD, 1n);
    const second = await proposeTransfer(DEAD, 2n, { safeNonce: first.safe!.nonce });
    expect(second.safe!.nonce).toBe(first.safe!.nonce);
    await signAndExecute(second);
    const superseded = await vigil.call<Transaction>('txs.get', { id: first.id });
    expect(superseded.status).toBe('replaced');
    expect(superseded.safe!.settledBy).toMatchObject({ kind: 'superseded', proposalId: second.id });
    expect((await auditOf('safe.superseded'))[0]).toMatchObject({ subject: `tx:${first.id}` });

    // A rejection takes the nonce of the proposal it rejects, and executed, supersedes it.
    const unwanted = await proposeTransfer(DEAD, 500n);
    const rejection = await vigil.call<Transaction>('txs.proposeSafeRejection', {
      id: unwanted.id,
    });
    expect(rejection.safe).toMatchObject({
      purpose: 'rejection',
      to: safe.address,
      value: '0',
      data: '0x',
      nonce: unwanted.safe!.nonce,
    });
    const deadBefore = await tokenBalance(DEAD);
    await signAndExecute(rejection);
    expect(
      (await vigil.call<Transaction>('txs.get', { id: unwanted.id })).safe!.settledBy,
    ).toMatchObject({ kind: 'superseded', proposalId: rejection.id });
    expect(await tokenBalance(DEAD)).toBe(deadBefore);
  });

  it('lets no client, the desktop window included, name a file for main to read or write', async () => {
    const desktop = { kind: 'desktop' } as const;
    const secretFile = join(tmpdir(), `vigil-not-a-proposal-${process.pid}.json`);
    writeFileSync(secretFile, 'TOP-SECRET-CONTENT that is not JSON');
    try {
      const read = await vigil.server.handle(
        'safes.importSignatures',
        { path: secretFile },
        desktop,
      );
      expect(read).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'path' } });
      expect(JSON.stringify(read)).not.toContain('TOP-SECRET');
      // Given as text, a file that is not JSON is refused without quoting it back.
      const asText = await vigil.server.handle(
        'safes.importSignatures',
        { text: readFileSync(secretFile, 'utf8') },
        desktop,
      );
      expect(asText).toMatchObject({ ok: false, error: { code: 'SIGNATURE_REFUSED' } });
      expect(JSON.stringify(asText)).not.toContain('TOP-SECRET');
    } finally {
      rmSync(secretFile, { force: true });
    }
    const proposal = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      to: token,
      function: { name: 'transfer', args: [DEAD, '1'] },
    });
    const target = join(tmpdir(), `vigil-written-by-a-client-${process.pid}.json`);
    const written = await vigil.server.handle(
      'safes.exportProposal',
      { id: proposal.id, path: target, overwrite: true },
      desktop,
    );
    expect(written).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_PATH_INVALID', details: { reason: 'exports-folder-only' } },
    });
    expect(existsSync(target)).toBe(false);
    await vigil.call('txs.reject', { id: proposal.id, reason: 'attack test' });
  });
});
