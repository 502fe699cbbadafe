// kill -9 in the life of a Safe proposal, with headless Vigil as a child process that dies for
// real: right after an owner's signature is recorded, and right after the execution transaction
// is broadcast. After each restart there is one signature per owner (signing again is refused and
// records nothing), one execution on chain (the Safe's nonce moved by one), and the hash recorded
// before the kill is the one followed to confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFunctionResult, encodeFunctionData, type Address } from 'viem';
import type { AuditEntry, Transaction } from '../../../src-main/ipc/contract.ts';
import { SAFE_READ_ABI } from '../../../src-main/core/safes/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { createSafe, deploySafeContracts, type CreatedSafe } from '../../helpers/safe-contracts.ts';
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
let safe: CreatedSafe;
let executor: Address;
const dataDir = makeTempDir('vigil-safe-crash-');

async function start(crashAt?: string): Promise<{ serve: ServeProcess; rpc: RpcClient }> {
  const serve = await startServe({
    dataDir: dataDir.path,
    env: { VIGIL_CRASH_AT: crashAt, VIGIL_TUNING: JSON.stringify({ safeRefreshMs: 0 }) },
  });
  return { serve, rpc: await connectRpc(serve.wsUrl) };
}

async function killedAt(serve: ServeProcess, call: Promise<unknown>): Promise<void> {
  await expect(call).rejects.toThrow(/socket closed/);
  await waitFor(() => serve.process.exitCode !== null || serve.process.signalCode !== null);
  expect(serve.process.signalCode).toBe('SIGKILL');
}

async function safeNonce(): Promise<bigint> {
  const data = encodeFunctionData({ abi: SAFE_READ_ABI, functionName: 'nonce' });
  const answer = await rawRpc<`0x${string}`>(anvil.rpcUrl, 'eth_call', [
    { to: safe.address, data },
    'latest',
  ]);
  return decodeFunctionResult({ abi: SAFE_READ_ABI, functionName: 'nonce', data: answer });
}

async function audit(rpc: RpcClient, action: string): Promise<AuditEntry[]> {
  return (await rpc.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries;
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  const deployment = await deploySafeContracts(anvil.rpcUrl);
  const owners = [await fundedKey(anvil.rpcUrl, 0n), await fundedKey(anvil.rpcUrl, 0n)];
  safe = await createSafe(anvil.rpcUrl, deployment, {
    owners: [...owners, await fundedKey(anvil.rpcUrl, 0n)],
    threshold: 2,
  });
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  await mintTokens(anvil.rpcUrl, token, safe.address, 100n);
  const executorKey = await fundedKey(anvil.rpcUrl);
  executor = executorKey.address;
  const { serve, rpc } = await start();
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await rpc.call('safes.add', { chainId: anvil.chainId, address: safe.address });
  for (const key of [...owners, executorKey])
    await rpc.call('signers.import', {
      privateKey: key.privateKey,
      label: key.address.slice(0, 8),
    });
  rpc.close();
  await serve.kill();
}, 180_000);

afterAll(async () => {
  await anvil?.stop();
  dataDir.remove();
});

describe('a Safe proposal killed mid-way', () => {
  it('keeps one signature per owner, executes once, and tracks the hash it sent', async () => {
    // Killed right after the first owner's signature is durable.
    const first = await start('safe.signed');
    const proposal = await first.rpc.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      safe: safe.address,
      to: token,
      function: { name: 'transfer', args: [DEAD, '9'] },
    });
    await killedAt(
      first.serve,
      first.rpc.call('txs.approve', { id: proposal.id, signer: safe.owners[0]!.address }),
    );

    const second = await start();
    const afterKill = await second.rpc.call<Transaction>('txs.get', { id: proposal.id });
    expect(afterKill.safe!.signatures.map((signature) => signature.owner)).toEqual([
      safe.owners[0]!.address.toLowerCase(),
    ]);
    // Signing again with the same owner is refused and records nothing.
    await expect(
      second.rpc.call('txs.approve', { id: proposal.id, signer: safe.owners[0]!.address }),
    ).rejects.toThrow(/already signed/);
    await second.rpc.call('txs.approve', { id: proposal.id, signer: safe.owners[1]!.address });
    expect(await audit(second.rpc, 'safe.signed')).toHaveLength(2);
    const execution = await second.rpc.call<Transaction>('txs.executeSafe', {
      id: proposal.id,
      executor,
    });
    second.rpc.close();
    await second.serve.kill();

    // Killed right after the execution is broadcast.
    const third = await start('tx.sent');
    const current = await third.rpc.call<Transaction>('txs.get', { id: execution.id });
    await killedAt(
      third.serve,
      third.rpc.call('txs.approve', { id: execution.id, seenSimulation: current.simulation!.id }),
    );

    const fourth = await start();
    const sentHash = (await fourth.rpc.call<Transaction>('txs.get', { id: execution.id })).hash;
    expect(sentHash).toMatch(/^0x[0-9a-f]{64}$/);
    const confirmed = await waitFor(
      async () => {
        const tx = await fourth.rpc.call<Transaction>('txs.get', { id: execution.id });
        if (tx.status === 'confirmed') return tx;
        if (['sent', 'mined'].includes(tx.status)) await mineBlocks(anvil.rpcUrl, 1);
        return undefined;
      },
      60_000,
      300,
    );
    expect(confirmed.hash).toBe(sentHash);
    const settled = await waitFor(async () => {
      const tx = await fourth.rpc.call<Transaction>('txs.get', { id: proposal.id });
      return tx.status === 'confirmed' ? tx : undefined;
    });
    expect(settled.safe!.settledBy).toMatchObject({ kind: 'executed', txHash: sentHash });
    expect(await safeNonce()).toBe(1n);
    expect(await audit(fourth.rpc, 'safe.signed')).toHaveLength(2);
    expect(await audit(fourth.rpc, 'safe.executed')).toHaveLength(1);
    await expect(fourth.rpc.call('txs.executeSafe', { id: proposal.id, executor })).rejects.toThrow(
      /executed/,
    );
    fourth.rpc.close();
    await fourth.serve.kill();
  }, 240_000);
});
