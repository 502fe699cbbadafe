// Rules on the transaction queue and on signers, with a real keychain and a real anvil: a failed,
// a stuck (cleared once mined) and a dropped transaction each fire; a keeper's balance below its
// floor fires, proposes a top-up from the treasury that waits for approval by hand, and clears
// once the approved top-up lands. A workspace file's rule and schedule may propose calls to a
// contract the same file adds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, type Address } from 'viem';
import { stringify as stringifyYaml } from 'yaml';
import type { Schedule, Signer, Transaction } from '../../../src-main/ipc/contract.ts';
import { firingsOf, saveRule, waitForFirings, type Call } from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import {
  contractAbis,
  deployContract,
  deployDemoContracts,
  emitMany,
  mintTokens,
} from '../../helpers/contracts.ts';
import { fund, fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const e18 = 10n ** 18n;
let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let call: Call;
let token: Address;
let hot: Address;
let keeper: Address;
let treasury: Address;

async function tx(id: number): Promise<Transaction> {
  return call<Transaction>('txs.get', { id });
}

async function until(id: number, status: Transaction['status']): Promise<Transaction> {
  return waitFor(async () => {
    const current = await tx(id);
    return current.status === status ? current : undefined;
  }, 30_000);
}

/**
 * The barrier before "this rule stayed quiet": waits until a reading of `address`'s balance taken
 * after `after` (ms) reached the rules. Each reading is handed to every balance rule as it
 * comes, so by then they have all judged it. (signers.list asks for readings now and then.)
 */
async function balanceReadAfter(address: Address, after: number): Promise<void> {
  await waitFor(async () => {
    const signers = await call<Signer[]>('signers.list', {});
    const signer = signers.find((item) => item.address.toLowerCase() === address.toLowerCase());
    const reading = signer?.balances.find((item) => item.chainId === anvil.chainId);
    return reading?.at != null && reading.at > after && reading.balance !== null;
  }, 30_000);
}

/** Proposes a token transfer from the hot wallet and approves it (reverting ones with override). */
async function approvedTransfer(amount: bigint): Promise<Transaction> {
  const proposed = await call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: hot,
    to: token,
    function: { name: 'transfer', args: [DEAD, amount.toString()] },
  });
  return call<Transaction>('txs.approve', {
    id: proposed.id,
    ...(proposed.simulation?.success
      ? { seenSimulation: proposed.simulation.id }
      : { overrideRevert: true }),
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  // Balances read often, so the barrier before "stayed quiet" comes soon.
  vigil = await startVigilInProcess({ profile: 'alice', tuning: { balanceRefreshMs: 250 } });
  call = vigil.call;
  await watchOnAnvil(call, anvil, { address: token, artifact: 'DemoToken' });
  const keys = await Promise.all([
    fundedKey(anvil.rpcUrl),
    fundedKey(anvil.rpcUrl, 10n * e18),
    fundedKey(anvil.rpcUrl, 1_000n * e18),
  ]);
  [hot, keeper, treasury] = keys.map((key) => key.address) as [Address, Address, Address];
  for (const [key, label] of [
    [keys[0]!, 'hot wallet'],
    [keys[1]!, 'keeper'],
    [keys[2]!, 'treasury'],
  ] as const)
    await call('signers.import', { privateKey: key.privateKey, label });
  await mintTokens(anvil.rpcUrl, token, hot, 1_000n);
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('transaction rules', () => {
  it('fire for a transaction that failed on chain, once', async () => {
    const rule = await saveRule(call, {
      name: 'Hot wallet transaction failed',
      kind: 'transaction',
      from: hot,
      on: ['failed'],
      enabled: true,
    });
    const ok = await approvedTransfer(10n);
    await until(ok.id, 'mined');
    const reverting = await approvedTransfer(1_000_000n);
    await until(reverting.id, 'failed');
    const [fired] = await waitForFirings(call, rule.id, 1, ['fired']);
    expect(fired).toMatchObject({
      subject: `tx:${reverting.id}:failed`,
      measure: { txId: reverting.id },
    });
    expect(fired!.summary).toMatch(
      new RegExp(
        `^Transaction #${reverting.id} \\(transfer on DemoToken\\) from ${hot} on chain ${anvil.chainId} failed: .*InsufficientBalance`,
      ),
    );
    await mineBlocks(anvil.rpcUrl, 3);
    // The barrier: the rule fires on a later failure, so the queue has tracked past the blocks
    // above; by then the first failure still has its one firing.
    const later = await approvedTransfer(2_000_000n);
    await until(later.id, 'failed');
    const both = await waitForFirings(call, rule.id, 2, ['fired']);
    expect(both.map((firing) => firing.subject)).toEqual([
      `tx:${reverting.id}:failed`,
      `tx:${later.id}:failed`,
    ]);
  });

  it('fire for a stuck transaction and clear when it is mined; fire for a dropped one', async () => {
    const rule = await saveRule(call, {
      name: 'Hot wallet stuck or dropped',
      kind: 'transaction',
      from: hot,
      on: ['stuck', 'dropped'],
      stuckSeconds: 2,
      enabled: true,
    });
    await rawRpc(anvil.rpcUrl, 'evm_setAutomine', [false]);
    try {
      const pending = await approvedTransfer(5n);
      await until(pending.id, 'sent');
      const [stuck] = await waitForFirings(call, rule.id, 1, ['fired']);
      expect(stuck!.subject).toBe(`tx:${pending.id}:stuck`);
      expect(stuck!.summary).toMatch(/has been sent and not mined for \d+ s \(limit 2 s\)\.$/);
      await mineBlocks(anvil.rpcUrl, 1);
      await until(pending.id, 'mined');
      const [resolved] = await waitForFirings(call, rule.id, 1, ['resolved']);
      expect(resolved!.id).toBe(stuck!.id);

      const doomed = await approvedTransfer(6n);
      await until(doomed.id, 'sent');
      await rawRpc(anvil.rpcUrl, 'anvil_dropTransaction', [doomed.hash]);
      await until(doomed.id, 'dropped');
      const firings = await waitFor(async () => {
        const list = await firingsOf(call, rule.id);
        return list.some((firing) => firing.subject === `tx:${doomed.id}:dropped`)
          ? list
          : undefined;
      });
      // Stuck for a moment first, perhaps; dropped once, and the stuck episode (if any) ended.
      const ofDoomed = firings.filter((firing) => firing.subject.startsWith(`tx:${doomed.id}:`));
      expect(ofDoomed.filter((firing) => firing.subject.endsWith(':dropped'))).toHaveLength(1);
      expect(
        ofDoomed.every((firing) => firing.state !== 'fired' || firing.subject.endsWith(':dropped')),
      ).toBe(true);
    } finally {
      await rawRpc(anvil.rpcUrl, 'evm_setAutomine', [true]);
    }
  });
});

describe('balance rules with a proposal', () => {
  it('fire when a signer runs low, propose a top-up that waits for approval by hand, and clear once it lands', async () => {
    const rule = await saveRule(call, {
      name: 'Keeper running low',
      kind: 'balance',
      chainId: anvil.chainId,
      address: keeper,
      below: (5n * e18).toString(),
      severity: 'critical',
      enabled: true,
      propose: {
        chainId: anvil.chainId,
        from: treasury,
        to: keeper,
        value: (20n * e18).toString(),
        note: 'top up the keeper',
      },
    });
    expect(rule.propose).toMatchObject({ from: treasury, to: keeper });
    await balanceReadAfter(keeper, Date.now());
    expect(await firingsOf(call, rule.id)).toEqual([]);

    // The keeper spends down (as its work would) and a block comes.
    await fund(anvil.rpcUrl, keeper, 1n * e18);
    await mineBlocks(anvil.rpcUrl, 1);
    const [fired] = await waitForFirings(call, rule.id, 1, ['fired']);
    expect(fired!.summary).toContain(
      `${keeper} has 1000000000000000000 wei on chain ${anvil.chainId}`,
    );

    const withProposal = await waitFor(async () => {
      const [firing] = await firingsOf(call, rule.id);
      return (firing?.measure?.['proposal'] as { txId?: number } | undefined)?.txId !== undefined
        ? firing
        : undefined;
    });
    const txId = (withProposal.measure!['proposal'] as { txId: number }).txId;
    const proposal = await tx(txId);
    expect(proposal).toMatchObject({
      status: 'proposed',
      from: treasury,
      to: keeper,
      value: (20n * e18).toString(),
      source: `rule:${rule.id}:${fired!.id}`,
      note: 'top up the keeper',
    });
    // Nothing is sent until a person approves it.
    await mineBlocks(anvil.rpcUrl, 2);
    await balanceReadAfter(keeper, Date.now());
    expect((await tx(txId)).status).toBe('proposed');
    const firingsBefore = await firingsOf(call, rule.id);
    expect(firingsBefore).toHaveLength(1);

    await call('txs.approve', { id: txId, seenSimulation: proposal.simulation!.id });
    await until(txId, 'mined');
    await mineBlocks(anvil.rpcUrl, 1);
    const [resolved] = await waitForFirings(call, rule.id, 1, ['resolved']);
    expect(resolved!.id).toBe(fired!.id);
    const proposals = (await call<{ txs: Transaction[] }>('txs.list', {})).txs.filter((item) =>
      item.source.startsWith(`rule:${rule.id}:`),
    );
    expect(proposals).toHaveLength(1);
  });

  it('refuse a proposal the queue would refuse, when the rule is saved', async () => {
    const refused = await vigil.refused('alerts.rules.save', {
      name: 'Impossible top-up',
      kind: 'balance',
      chainId: anvil.chainId,
      address: keeper,
      below: '1',
      propose: { chainId: anvil.chainId, from: DEAD, to: keeper, value: '1' },
    });
    expect(refused).toMatchObject({ code: 'NOT_FOUND', field: 'propose.from' });
    expect(
      (await call<{ rules: { id: string }[] }>('alerts.rules.list')).rules.map((rule) => rule.id),
    ).not.toContain('impossible-top-up');
  });

  it('refuse a balance rule on an address that is not a signer', async () => {
    const refused = await vigil.refused('alerts.rules.save', {
      name: 'Not ours',
      kind: 'balance',
      chainId: anvil.chainId,
      address: DEAD,
      below: '1',
    });
    expect(refused).toMatchObject({ code: 'NOT_FOUND', field: 'address' });
  });
});

describe('a workspace file proposing to a contract it adds', () => {
  it('imports the rule and the schedule in one go, and the rule proposes once the contract is watched', async () => {
    const pinger = await deployContract(anvil.rpcUrl, 'Emitter');
    const workspace = (emitHidden: string, from: string) =>
      stringifyYaml({
        version: 1,
        contracts: [
          {
            name: 'Pinger',
            chainId: anvil.chainId,
            address: pinger,
            startBlock: 0,
            abi: contractAbis.Emitter,
          },
        ],
        rules: [
          {
            name: 'Ping answered',
            kind: 'event',
            contractId: `${anvil.chainId}:${pinger.toLowerCase()}`,
            eventName: 'Ping',
            condition: '',
            enabled: true,
            propose: {
              chainId: anvil.chainId,
              from,
              to: pinger,
              function: { name: emitHidden, args: ['{{event.args.seq}}'] },
            },
          },
        ],
        schedules: [
          {
            id: 'pinger-nightly',
            name: 'Pinger nightly',
            cron: '0 3 * * *',
            propose: {
              chainId: anvil.chainId,
              from,
              to: pinger,
              function: { name: emitHidden, args: ['7'] },
            },
          },
        ],
      });
    const contracts = async () => (await call<{ address: string }[]>('contracts.list')).length;
    const before = await contracts();

    // Checked against the ABI and the keychain the file brings, before the contract is watched.
    expect(
      await vigil.refused('workspace.import', {
        yaml: workspace('emitHidden', DEAD),
        fileName: 'ops.yaml',
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'rules[0].propose.from' });
    expect(
      await vigil.refused('workspace.import', {
        yaml: workspace('emitHiden', treasury),
        fileName: 'ops.yaml',
      }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'rules[0].propose.function.name' });
    expect(await contracts()).toBe(before);

    expect(
      await call('workspace.import', {
        yaml: workspace('emitHidden', treasury),
        fileName: 'ops.yaml',
      }),
    ).toMatchObject({ contractsAdded: 1, rulesAdded: 1, schedulesAdded: 1 });
    const { schedules } = await call<{ schedules: Schedule[] }>('automation.schedules.list');
    expect(schedules.find((schedule) => schedule.id === 'pinger-nightly')).toMatchObject({
      enabled: false,
      propose: { to: pinger, function: { name: 'emitHidden', args: ['7'] } },
    });

    await emitMany(anvil.rpcUrl, pinger, 1n);
    const proposal = await waitFor(async () => {
      const { txs } = await call<{ txs: Transaction[] }>('txs.list', {});
      return txs.find((item) => item.source.startsWith('rule:ping-answered:'));
    }, 30_000);
    // Ping's first seq is 0: the call encoded with the ABI the file gave, from the treasury.
    expect(proposal).toMatchObject({
      status: 'proposed',
      from: treasury,
      to: pinger,
      data: encodeFunctionData({
        abi: contractAbis.Emitter,
        functionName: 'emitHidden',
        args: [0n],
      }),
    });
  });
});
