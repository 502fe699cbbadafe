// kill -9 at every step boundary of a transaction — after it is proposed, after the approval is
// durable but before signing, after the signed transaction is durable but before broadcast,
// after broadcast — then restart: nothing approved is lost, nothing is signed twice, and the
// state ends reconciled with the chain by nonce and hash. The serve process dies for real
// (SIGKILL from inside, at the named point, or from the test).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJournalLine } from '../../../src-main/core/store/journal.ts';
import type { Address } from 'viem';
import type { AuditEntry, SafeMode, Transaction } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
let anvil: AnvilInstance;
let token: Address;
let signer: { privateKey: `0x${string}`; address: Address };
const dataDir = makeTempDir('vigil-tx-crash-');

async function start(crashAt?: string): Promise<{ serve: ServeProcess; rpc: RpcClient }> {
  const serve = await startServe({
    dataDir: dataDir.path,
    env: { VIGIL_CRASH_AT: crashAt },
  });
  return { serve, rpc: await connectRpc(serve.wsUrl) };
}

async function chainNonce(tag: 'latest' | 'pending'): Promise<number> {
  return Number(
    await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer.address, tag]),
  );
}

async function auditOf(rpc: RpcClient, id: number): Promise<string[]> {
  const { entries } = await rpc.call<{ entries: AuditEntry[] }>('audit.list', {
    subject: `tx:${id}`,
    order: 'asc',
  });
  return entries.map((entry) => entry.action);
}

/** Restarts (without a crash point) and mines until the transaction is confirmed. */
async function restartUntilConfirmed(
  id: number,
): Promise<{ serve: ServeProcess; rpc: RpcClient; tx: Transaction }> {
  const { serve, rpc } = await start();
  const tx = await waitFor(
    async () => {
      const current = await rpc.call<Transaction>('txs.get', { id });
      if (current.status === 'confirmed') return current;
      if (['sent', 'mined'].includes(current.status)) await mineBlocks(anvil.rpcUrl, 1);
      return undefined;
    },
    60_000,
    300,
  );
  return { serve, rpc, tx };
}

async function proposeTransfer(rpc: RpcClient, amount: bigint): Promise<Transaction> {
  return rpc.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: signer.address,
    to: token,
    function: { name: 'transfer', args: [DEAD, amount.toString()] },
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  signer = await fundedKey(anvil.rpcUrl);
  await mintTokens(anvil.rpcUrl, token, signer.address, 1_000n);
  const { serve, rpc } = await start();
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await rpc.call('signers.import', { privateKey: signer.privateKey, label: 'crash test' });
  rpc.close();
  await serve.kill();
});

afterAll(async () => {
  await anvil?.stop();
  dataDir.remove();
});

describe('an approved record edited on disk before it is signed', () => {
  it('is not replayed: Vigil starts in safe mode, signs nothing, and says why until a person acknowledges', async () => {
    const nonceBefore = await chainNonce('pending');
    const { serve, rpc } = await start('tx.approved');
    const proposed = await proposeTransfer(rpc, 7n);
    await expect(
      rpc.call('txs.approve', { id: proposed.id, seenSimulation: proposed.simulation!.id }),
    ).rejects.toThrow(/socket closed/);
    await waitFor(() => serve.process.exitCode !== null || serve.process.signalCode !== null);

    // Someone with the files points the approved transaction elsewhere, checksum and all; the
    // line's MAC needs the key in the keychain, which they do not have.
    const path = join(dataDir.path, 'journal.ndjson');
    const lines = readFileSync(path, 'utf8').split('\n');
    const edited = lines.map((line) => {
      const entry = JSON.parse(line.slice(line.indexOf(' ') + 1) || 'null') as {
        command?: { type: string; tx?: { id: number; status: string; data: string } };
      } | null;
      const tx = entry?.command?.tx;
      if (entry?.command?.type !== 'tx.put' || tx?.id !== proposed.id || tx.status !== 'approved')
        return line;
      tx.data = tx.data.replace(DEAD.slice(2).toLowerCase(), signer.address.slice(2).toLowerCase());
      return encodeJournalLine(entry as never).trimEnd();
    });
    expect(edited).not.toEqual(lines);
    writeFileSync(path, edited.join('\n'));

    const again = await start();
    const { safeMode } = await again.rpc.call<{ safeMode: SafeMode }>('status.get', {});
    expect(safeMode.active).toBe(true);
    expect(safeMode.reasons.join(' ')).toMatch(/Journal line \d+ \(entry \d+\) fails its MAC/);
    // The edited line was not replayed: the transaction is as it was before the approval.
    const tx = await again.rpc.call<Transaction>('txs.get', { id: proposed.id });
    expect(tx).toMatchObject({ status: 'proposed', hash: null, data: proposed.data });
    // The journal as found is kept in quarantine, the edited line in it.
    expect(readFileSync(safeMode.quarantined[0]!, 'utf8')).toBe(edited.join('\n'));
    // Approving is refused while in safe mode, with a specific error.
    await expect(
      again.rpc.call('txs.approve', { id: proposed.id, seenSimulation: tx.simulation!.id }),
    ).rejects.toMatchObject({ data: { code: 'SAFE_MODE' } });
    // A restart does not clear safe mode; only a person's acknowledgement does.
    again.rpc.close();
    await again.serve.kill();
    const third = await start();
    expect((await third.rpc.call<SafeMode>('integrity.status', {})).active).toBe(true);
    expect(await chainNonce('pending')).toBe(nonceBefore);
    const acknowledged = await third.rpc.call<SafeMode>('integrity.acknowledgeSafeMode', {});
    expect(acknowledged).toMatchObject({ active: false, acknowledged: { by: 'operator' } });
    await third.rpc.call('txs.reject', { id: proposed.id, reason: 'tampering test cleanup' });
    expect(await chainNonce('pending')).toBe(nonceBefore);
    third.rpc.close();
    await third.serve.kill();
  });
});

describe('kill -9 at each step boundary', () => {
  it('after the proposal is acknowledged: it is still there, awaiting approval', async () => {
    const { serve, rpc } = await start();
    const proposed = await proposeTransfer(rpc, 1n);
    rpc.close();
    await serve.kill('SIGKILL');
    const again = await start();
    expect(await again.rpc.call<Transaction>('txs.get', { id: proposed.id })).toMatchObject({
      status: 'proposed',
      simulation: { id: proposed.simulation!.id },
    });
    await again.rpc.call('txs.reject', { id: proposed.id, reason: 'crash test cleanup' });
    again.rpc.close();
    await again.serve.kill();
  });

  for (const point of ['tx.approved', 'tx.signed', 'tx.sent'] as const) {
    it(`at ${point}: the approval survives, is signed once, and reaches confirmed`, async () => {
      const nonceBefore = await chainNonce('latest');
      const { serve, rpc } = await start(point);
      const proposed = await proposeTransfer(rpc, 5n);
      // The process kills itself inside the approval, right after `point` is durable.
      await expect(
        rpc.call('txs.approve', { id: proposed.id, seenSimulation: proposed.simulation!.id }),
      ).rejects.toThrow(/socket closed/);
      await waitFor(() => serve.process.exitCode !== null || serve.process.signalCode !== null);
      expect(serve.process.signalCode).toBe('SIGKILL');

      const restarted = await restartUntilConfirmed(proposed.id);
      const { tx } = restarted;
      expect(tx.nonce).toBe(nonceBefore);
      // One transaction from the signer reached the chain for this approval, with the stored hash.
      expect(await chainNonce('latest')).toBe(nonceBefore + 1);
      const onChain = await rawRpc<{ nonce: string; input: string } | null>(
        anvil.rpcUrl,
        'eth_getTransactionByHash',
        [tx.hash],
      );
      expect(onChain).toMatchObject({ input: proposed.data });
      expect(Number(onChain!.nonce)).toBe(nonceBefore);

      const actions = await auditOf(restarted.rpc, proposed.id);
      expect(actions.filter((action) => action === 'tx.approved')).toHaveLength(1);
      expect(actions.filter((action) => action === 'tx.signed')).toHaveLength(1);
      expect(actions.at(-1)).toBe('tx.confirmed');
      expect(await restarted.rpc.call('audit.verify', {})).toMatchObject({ intact: true });
      restarted.rpc.close();
      await restarted.serve.kill();
    });
  }
});
