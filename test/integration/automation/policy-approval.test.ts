// Policies approving on their own, through the real engine on anvil with a real keychain signer:
// a rule whose proposal executes under a policy gets its transaction approved by the policy
// (audited as policy:<id> with every limit and its value) and mined; each limit on its own
// leaves the proposal to a person with the reason; a reverting call is never approved; a client
// cannot get a policy approval by itself; templates are typed when the rule is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress, type Address } from 'viem';
import type {
  AuditEntry,
  AutomationStatus,
  PolicyDecision,
  Transaction,
} from '../../../src-main/ipc/contract.ts';
import { contractIdOf } from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { fund } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { makePerson } from '../../helpers/person.ts';
import { waitFor } from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import {
  CallError,
  startVigilInProcess,
  type VigilUnderTest,
} from '../../helpers/vigil-in-process.ts';
import {
  deployGuard,
  ETHER,
  guardPolicy,
  guardRule,
  readGuard,
  watchGuard,
  withdraw as withdrawFrom,
} from '../../helpers/guard.ts';

const person = makePerson('alice');
const dataDir = makeTempDir('vigil-policy-approval-');
let anvil: AnvilInstance;
let guard: Address;
let signer: string;
let vigil: VigilUnderTest;

const chain = () => ({ chainId: anvil.chainId, signer, guard });
const policy = (id: string, overrides: Record<string, unknown> = {}) =>
  guardPolicy(id, chain(), overrides);

const FLAG_FROM_EVENT = {
  name: 'flag',
  args: ['{{event.args.account}}', '{{event.args.amount}}', '{{event.transactionHash}}'],
};

let rules = 0;
/** Saves a rule firing on the withdrawals tagged with its own number; returns that tag. */
async function ruleProposing(
  propose: Record<string, unknown>,
  policyId = 'guardian',
  call: (name: string, input?: unknown) => Promise<unknown> = vigil.call,
): Promise<{ tag: number; id: string }> {
  const tag = ++rules;
  await call('alerts.rules.save', guardRule(tag, chain(), propose, policyId));
  return { tag, id: `rule-${tag}` };
}

const withdraw = (tag: number, amount?: bigint) => withdrawFrom(anvil.rpcUrl, guard, tag, amount);

/** The transaction the rule proposed, once its policy decided (and, if approved, it confirmed). */
async function decidedFor(ruleId: string): Promise<Transaction> {
  return waitFor(async () => {
    const { txs } = await vigil.call<{ txs: Transaction[] }>('txs.list', {});
    const tx = txs.find((candidate) => candidate.source.startsWith(`rule:${ruleId}:`));
    if (!tx?.policyDecision) return undefined;
    if (tx.policyDecision.approved && !['mined', 'confirmed', 'failed'].includes(tx.status))
      return undefined;
    return tx;
  }, 30_000);
}

/** Fires a rule once and expects its proposal left to a person, stopped by `limit`. */
async function expectRefusal(ruleId: string, tag: number, limit: string): Promise<PolicyDecision> {
  await withdraw(tag);
  const tx = await decidedFor(ruleId);
  expect(tx.status).toBe('proposed');
  expect(tx.policyDecision).toMatchObject({ approved: false, stoppedBy: { limit } });
  expect(tx.timeline.at(-1)?.note).toContain(tx.policyDecision!.stoppedBy!.reason);
  const [entry] = (
    await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'policy.refused',
      subject: `tx:${tx.id}`,
    })
  ).entries;
  expect(entry).toMatchObject({ details: { stoppedBy: { limit } } });
  return tx.policyDecision!;
}

const read = (name: string) => readGuard(anvil.rpcUrl, guard, name);

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  guard = await deployGuard(anvil.rpcUrl);
  vigil = await startVigilInProcess({
    dataDir: dataDir.path,
    person,
    tuning: { safeRefreshMs: 0, proxyCheckIntervalMs: 0 },
  });
  await watchGuard(vigil.call, anvil, guard);
  ({ address: signer } = await vigil.call<{ address: string }>('signers.generate', {
    label: 'guardian',
  }));
  await fund(anvil.rpcUrl, signer, 10n * ETHER);
  await vigil.call('automation.policies.save', policy('guardian'));
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
  dataDir.remove();
});

describe('rule proposals with event templates', () => {
  it('are typed against the event and the function when the rule is saved', async () => {
    const save = (propose: Record<string, unknown>) =>
      vigil.refused('alerts.rules.save', {
        name: 'typed',
        kind: 'event',
        contractId: contractIdOf(anvil.chainId, guard),
        eventName: 'LargeWithdrawal',
        propose: { chainId: anvil.chainId, from: signer, to: guard, ...propose },
      });
    expect(
      await save({
        function: { name: 'flag', args: ['{{event.transactionHash}}', '1', '0x00'] },
      }),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'propose.function.args[0]',
      message: expect.stringContaining('is a bytes32; parameter account'),
    });
    expect(
      await save({
        function: {
          name: 'flag',
          args: ['{{event.args.owner}}', '1', '{{event.transactionHash}}'],
        },
      }),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'propose.function.args[0]',
      message: expect.stringContaining(
        'has no argument owner; its arguments are account, amount, tag',
      ),
    });
    expect(
      await save({ value: '{{event.args.account}}', function: { name: 'fund', args: [] } }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'propose.value' });
    expect(
      await save({ function: FLAG_FROM_EVENT, execute: { policy: 'nobody-wrote-this' } }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'propose.execute.policy' });
  });
});

describe('a rule that executes under a policy', () => {
  it('has the pause approved by the policy and mined within two blocks of the event, once', async () => {
    const { tag, id } = await ruleProposing({ function: { name: 'pause', args: [] } });
    const event = await withdraw(tag);
    const tx = await decidedFor(id);
    expect(tx.policyDecision).toMatchObject({ policyId: 'guardian', approved: true });
    expect(tx.receipt!.success).toBe(true);
    expect(tx.receipt!.blockNumber).toBeLessThanOrEqual(Number(event.blockNumber) + 2);
    expect(await read('pauses')).toBe(1n);

    const [approval] = (
      await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
        action: 'tx.approved',
        subject: `tx:${tx.id}`,
      })
    ).entries;
    expect(approval!.actor).toBe('policy:guardian');
    const checks = (approval!.details as { checks: { limit: string; value: string }[] }).checks;
    expect(checks.map((check) => check.limit)).toEqual([
      'switch',
      'enabled',
      'chain',
      'signer',
      'target',
      'function',
      'condition',
      'maxValuePerTx',
      'maxFeePerGas',
      'dailyBudget',
      'maxPerHour',
      'simulation',
    ]);
    expect(checks.find((check) => check.limit === 'function')!.value).toBe('pause()');

    const { decisions } = await vigil.call<{ decisions: (PolicyDecision & { txId: number })[] }>(
      'automation.decisions.list',
      { policyId: 'guardian' },
    );
    expect(decisions[0]).toMatchObject({ txId: tx.id, approved: true });
    const status = await vigil.call<AutomationStatus>('automation.status');
    const budget = status.budgets.find((entry) => entry.policyId === 'guardian')!;
    expect(BigInt(budget.usedToday)).toBeGreaterThan(0n);
    expect(budget.approvedLastHour).toBe(1);
  });

  it('fills the templates from the firing event', async () => {
    const { tag, id } = await ruleProposing({ function: FLAG_FROM_EVENT });
    const event = await withdraw(tag, 50n);
    const tx = await decidedFor(id);
    expect(tx.receipt!.success).toBe(true);
    expect(tx.call.args).toEqual({
      account: getAddress(event.from),
      amount: '50',
      origin: event.transactionHash,
    });
  });

  it('never approves a reverting call', async () => {
    const { tag, id } = await ruleProposing({ function: { name: 'pause', args: [] } });
    await expectRefusal(id, tag, 'simulation');
    expect(await read('pauses')).toBe(1n);
  });
});

describe('each limit on its own leaves the proposal to a person, with the reason', () => {
  it('a function the policy does not allow', async () => {
    const { tag, id } = await ruleProposing({ function: { name: 'unpause', args: [] } });
    const decision = await expectRefusal(id, tag, 'function');
    expect(decision.stoppedBy!.reason).toContain('not an allowed function of Guard');
  });

  it('an argument outside its condition', async () => {
    const { tag, id } = await ruleProposing({ function: FLAG_FROM_EVENT });
    const decision = await expectRefusal(id, tag, 'condition');
    expect(decision.stoppedBy!.reason).toContain('amount <= 100');
  });

  it('a value over the cap', async () => {
    const { tag, id } = await ruleProposing({ value: '11', function: { name: 'fund', args: [] } });
    await expectRefusal(id, tag, 'maxValuePerTx');
  });

  it('a fee over the cap', async () => {
    await vigil.call('automation.policies.save', policy('cheap', { maxFeePerGas: '1' }));
    const { tag, id } = await ruleProposing({ function: { name: 'fund', args: [] } }, 'cheap');
    const decision = await expectRefusal(id, tag, 'maxFeePerGas');
    expect(decision.stoppedBy!.allowed).toBe('1');
  });

  it('the daily budget spent', async () => {
    const used = (await vigil.call<AutomationStatus>('automation.status')).budgets.find(
      (entry) => entry.policyId === 'guardian',
    )!.usedToday;
    // Room for what the signer spent today and nothing more.
    await vigil.call('automation.policies.save', policy('spent', { dailyBudget: used }));
    const { tag, id } = await ruleProposing({ function: { name: 'fund', args: [] } }, 'spent');
    const decision = await expectRefusal(id, tag, 'dailyBudget');
    expect(decision.stoppedBy!.reason).toContain(`(${used} approved before`);
  });

  it('the rate exceeded', async () => {
    await vigil.call('automation.policies.save', policy('hourly', { maxPerHour: 1 }));
    const first = await ruleProposing({ function: { name: 'fund', args: [] } }, 'hourly');
    await withdraw(first.tag);
    expect((await decidedFor(first.id)).policyDecision!.approved).toBe(true);
    const second = await ruleProposing({ function: { name: 'fund', args: [] } }, 'hourly');
    const decision = await expectRefusal(second.id, second.tag, 'maxPerHour');
    expect(decision.stoppedBy!.reason).toContain('approved 1 in the last hour');
  });

  it('the switch paused', async () => {
    await vigil.callAsNobody('automation.pause', { reason: 'drill' });
    const { tag, id } = await ruleProposing({ function: { name: 'fund', args: [] } });
    await expectRefusal(id, tag, 'switch');
    await vigil.call('automation.resume', {});
  });

  it('the policy disabled', async () => {
    await vigil.call('automation.policies.save', policy('off'));
    const { tag, id } = await ruleProposing({ function: { name: 'fund', args: [] } }, 'off');
    await vigil.callAsNobody('automation.policies.setEnabled', { id: 'off', enabled: false });
    await expectRefusal(id, tag, 'enabled');
  });
});

describe('a client with the session token alone', () => {
  it('cannot propose under a policy through txs.propose', async () => {
    const refused = await vigil
      .callAsNobody('txs.propose', {
        chainId: anvil.chainId,
        from: signer,
        to: guard,
        function: { name: 'fund', args: [] },
        executeUnder: 'guardian',
      })
      .then(
        (value) => {
          throw new Error(`txs.propose took executeUnder: ${JSON.stringify(value)}`);
        },
        (error: unknown) => (error as CallError).error,
      );
    expect(refused).toMatchObject({ code: 'INVALID_INPUT' });
    expect(refused.message).toContain('executeUnder');
  });

  it('cannot turn on a rule that sends under a policy; a person can, and the policy still limits it', async () => {
    const refusedToNobody = (name: string, input: unknown) =>
      vigil.callAsNobody(name, input).then(
        (value) => {
          throw new Error(`${name} answered ${JSON.stringify(value)}`);
        },
        (error: unknown) => (error as CallError).error,
      );
    const tag = ++rules;
    const rule = guardRule(
      tag,
      chain(),
      { value: '1000', function: { name: 'fund', args: [] } },
      'guardian',
    );
    const id = `rule-${tag}`;
    expect(await refusedToNobody('alerts.rules.save', rule)).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    const listed = async () =>
      (await vigil.call<{ rules: { id: string; enabled: boolean }[] }>('alerts.rules.list')).rules;
    expect((await listed()).some((saved) => saved.id === id)).toBe(false);
    // Saved off, it sends nothing: no person needed; turning it on needs one.
    await vigil.callAsNobody('alerts.rules.save', { ...rule, enabled: false });
    expect(await refusedToNobody('alerts.rules.setEnabled', { id, enabled: true })).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect((await listed()).find((saved) => saved.id === id)).toMatchObject({ enabled: false });

    // A person turns it on; the policy still refuses what is outside it.
    await vigil.call('alerts.rules.setEnabled', { id, enabled: true });
    await expectRefusal(id, tag, 'maxValuePerTx');
    // The same terms saved again change nothing a person approved: no approval asked.
    await vigil.callAsNobody('alerts.rules.save', rule);
  });
});
