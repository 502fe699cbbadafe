// The alerts API as a script or the UI uses it: bad rules are refused with specific errors that
// point at the column or field and save nothing; a backtest over stored history gives the same
// matches the live rule then fires on; firings are acknowledged and snoozed; rules are enabled,
// disabled and removed with audit entries; rules come and go through the workspace file.
//
// One anvil and one Vigil serve the whole file (starting them is most of its time). Each test
// stands on its own except the describe "a rule's life", whose tests are one story in order
// (backtest, fire, acknowledge, snooze, disable, remove) on the token's history minted here; it
// is the only one that mints, fires or leaves firings. The file passes with --sequence.shuffle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { RequestOutput } from '../../../src-main/ipc/contract.ts';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  saveRule,
  STANDING,
  waitForFirings,
  type Call,
} from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { anvilAccount, deployContract, mintTokens } from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const e18 = 10n ** 18n;
let anvil: AnvilInstance;
let token: Address;
let vigil: VigilUnderTest;
let call: Call;
let contractId: string;
const alice = anvilAccount(1).address;
const bob = anvilAccount(2).address;

const transferRule = (condition: string) => ({
  name: 'Large transfer',
  kind: 'event' as const,
  contractId,
  eventName: 'Transfer',
  condition,
});

beforeAll(async () => {
  anvil = await startAnvil();
  token = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo Token', 'DEMO']);
  // History for the backtest: three large mints to alice, two small ones, one large to bob.
  for (const [to, amount] of [
    [alice, 5_000n],
    [alice, 10n],
    [bob, 7_000n],
    [alice, 2_000n],
    [alice, 1n],
    [alice, 9_000n],
  ] as const)
    await mintTokens(anvil.rpcUrl, token, to, amount * e18);
  vigil = await startVigilInProcess();
  call = vigil.call;
  await watchOnAnvil(call, anvil, { address: token, artifact: 'DemoToken' }, 1);
  contractId = contractIdOf(anvil.chainId, token);
  await waitFor(async () => {
    const { rows } = await call<{ rows: unknown[] }>('events.query', { contractId });
    return rows.length === 6;
  });
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

/** The refusal of `input`, after checking it saved no rule and wrote no rule audit entry. */
async function refusedLeavingNothing(name: string, input: unknown) {
  const rulesBefore = await call('alerts.rules.list');
  const auditBefore = (await call<{ total: number }>('audit.list', { subject: 'rule:' })).total;
  const error = await vigil.refused(name, input);
  expect(await call('alerts.rules.list')).toEqual(rulesBefore);
  expect((await call<{ total: number }>('audit.list', { subject: 'rule:' })).total).toBe(
    auditBefore,
  );
  return error;
}

describe('bad rules are refused, and nothing is saved', () => {
  it('a condition that does not parse: the error points at the column', async () => {
    const error = await refusedLeavingNothing('alerts.rules.save', transferRule('value > > 5'));
    expect(error).toMatchObject({
      code: 'CONDITION_SYNTAX',
      field: 'condition',
      message: expect.stringMatching(/^condition \(column 9\): expected a value after >/),
      details: { line: 1, column: 9, condition: 'value > > 5' },
    });
  });

  it('an argument the event does not have', async () => {
    const error = await refusedLeavingNothing(
      'alerts.rules.save',
      transferRule('value > 5 and amount > 1'),
    );
    expect(error).toMatchObject({
      code: 'CONDITION_UNKNOWN_FIELD',
      field: 'condition',
      message:
        'condition (column 15): Transfer on DemoToken has no argument "amount"; it has from, to, value, tx.',
      details: { column: 15 },
    });
  });

  it('comparing an address with a number', async () => {
    const error = await refusedLeavingNothing('alerts.rules.save', transferRule('to == 42'));
    expect(error).toMatchObject({
      code: 'CONDITION_TYPE_MISMATCH',
      field: 'condition',
      message: expect.stringMatching(
        /^condition \(column 7\): to is an address; it cannot be compared with the number 42/,
      ),
    });
  });

  it('a webhook URL that is not http(s)', async () => {
    const error = await refusedLeavingNothing('alerts.rules.save', {
      ...transferRule('value > 5'),
      channels: [{ type: 'in-app' }, { type: 'webhook', url: 'file:///etc/passwd' }],
    });
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'channels[1].url',
      message: 'alerts.rules.save: channels[1].url: must be an http:// or https:// URL',
    });
  });

  it('a contract that is not watched, an event it does not have, a lag rule with no limit', async () => {
    expect(
      await refusedLeavingNothing('alerts.rules.save', {
        ...transferRule(''),
        contractId: '31337:0x0000000000000000000000000000000000000001',
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'contractId' });
    expect(
      await refusedLeavingNothing('alerts.rules.save', {
        ...transferRule(''),
        eventName: 'Transfers',
      }),
    ).toMatchObject({
      code: 'NOT_FOUND',
      field: 'eventName',
      message:
        'DemoToken has no event Transfers; its events are Approval, Transfer (did you mean Transfer?).',
    });
    expect(
      await refusedLeavingNothing('alerts.rules.save', {
        name: 'Behind',
        kind: 'lag',
        chainId: anvil.chainId,
        forSeconds: 5,
      }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'maxBlocks' });
  });
});

describe('the live check of the textual form', () => {
  it('gives problems with columns, the tree for the builder, and the fields it may use', async () => {
    const bad = await call<RequestOutput<'alerts.conditions.check'>>('alerts.conditions.check', {
      contractId,
      eventName: 'Transfer',
      text: `value > 1e18 and to in [${alice}, 5]`,
    });
    expect(bad).toMatchObject({
      ok: false,
      problems: [{ column: 69, line: 1, path: 'conditions[1]' }],
    });
    expect(bad.fields.map((field) => `${field.name}:${field.type}`)).toEqual([
      'from:address',
      'to:address',
      'value:uint256',
      'tx.from:address',
      'tx.to:address',
      'tx.value:uint256',
    ]);
    const fromTree = await call<RequestOutput<'alerts.conditions.check'>>(
      'alerts.conditions.check',
      {
        contractId,
        eventName: 'Transfer',
        condition: {
          type: 'all',
          conditions: [
            {
              type: 'compare',
              field: 'value',
              op: '>=',
              value: { type: 'number', value: `1000${'0'.repeat(18)}` },
            },
            { type: 'any', conditions: [] },
          ],
        },
      },
    );
    expect(fromTree).toMatchObject({ ok: true, text: 'value >= 1000e18', problems: [] });
  });
});

// One story, in order (shuffle off): the backtest over the six mints of beforeAll, the same rule
// live, then its firings acknowledged and snoozed, the rule disabled, enabled and removed.
describe("a rule's life", { shuffle: false }, () => {
  it('runs an unsaved rule over the stored history: would have fired N times, with the list', async () => {
    const result = await call<RequestOutput<'alerts.backtest'>>('alerts.backtest', {
      rule: transferRule(`value >= 2000e18 and to == ${alice}`),
    });
    expect(result).toMatchObject({ scanned: 6, matched: 3, wouldFire: 3, truncated: false });
    expect(result.matches.map((match) => match.event.args!['value'])).toEqual(
      [5_000n, 2_000n, 9_000n].map((amount) => (amount * e18).toString()),
    );
    const limited = await call<RequestOutput<'alerts.backtest'>>('alerts.backtest', {
      rule: transferRule(`value >= 2000e18 and to == ${alice}`),
      limit: 1,
    });
    expect(limited).toMatchObject({ matched: 3, truncated: true });
    expect(limited.matches).toHaveLength(1);
  });

  it('counts what a cooldown would have suppressed', async () => {
    const result = await call<RequestOutput<'alerts.backtest'>>('alerts.backtest', {
      rule: { ...transferRule('value >= 2000e18'), cooldownSeconds: 3_600 },
    });
    expect(result).toMatchObject({ matched: 4, wouldFire: 1 });
    expect(result.matches.map((match) => match.suppressed)).toEqual([false, true, true, true]);
  });

  it('is the truth: enabled, the rule fires on exactly what the backtest says it would', async () => {
    const condition = `value >= 2000e18 and to == ${alice}`;
    const rule = await saveRule(call, { ...transferRule(condition), enabled: true });
    // The same events again, now live.
    for (const amount of [5_000n, 10n, 2_000n, 1n, 9_000n])
      await mintTokens(anvil.rpcUrl, token, alice, amount * e18);
    const fired = await waitForFirings(call, rule.id, 3, STANDING);
    const backtest = await call<RequestOutput<'alerts.backtest'>>('alerts.backtest', {
      id: rule.id,
    });
    const live = fired.map((firing) => `${firing.event!.blockHash}:${firing.event!.logIndex}`);
    const predicted = backtest.matches.map(
      (match) => `${match.event.blockHash}:${match.event.logIndex}`,
    );
    expect(predicted.slice(-3)).toEqual(live);
  });

  it('acknowledging takes a firing out of the count, with an audit entry naming the operator', async () => {
    const { firings, unacknowledged } = await call<RequestOutput<'alerts.firings.list'>>(
      'alerts.firings.list',
      {
        ruleId: 'large-transfer',
      },
    );
    expect(unacknowledged).toBe(3);
    expect(await call('alerts.ack', { ids: [firings[0]!.id] })).toEqual({ acknowledged: 1 });
    expect(await call('alerts.ack', { ids: [firings[0]!.id] })).toEqual({ acknowledged: 0 });
    const after = await call<RequestOutput<'alerts.firings.list'>>('alerts.firings.list', {
      unacknowledged: true,
    });
    expect(after.unacknowledged).toBe(2);
    expect(after.firings.map((firing) => firing.id)).not.toContain(firings[0]!.id);
    const [entry] = (
      await call<{ entries: { actor: string; action: string }[] }>('audit.list', {
        subject: `firing:${firings[0]!.id}`,
        action: 'alert.acknowledged',
      })
    ).entries;
    expect(entry!.actor).not.toBe('system');
    expect((await vigil.refused('alerts.ack', { ids: ['no-such-firing'] })).code).toBe('NOT_FOUND');
  });

  it('snoozing hides a firing from the count until the time comes', async () => {
    const { firings } = await call<RequestOutput<'alerts.firings.list'>>('alerts.firings.list', {
      unacknowledged: true,
    });
    const snoozed = await call<{ snoozedUntil: number }>('alerts.snooze', {
      id: firings[0]!.id,
      minutes: 30,
    });
    expect(snoozed.snoozedUntil).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect((await call<{ unacknowledged: number }>('alerts.firings.list', {})).unacknowledged).toBe(
      1,
    );
  });

  it('disabling stops a rule, enabling arms it at the head (earlier events stay quiet), removing keeps its history', async () => {
    const disabled = await call<{ enabled: boolean; armedAt: number | null }>(
      'alerts.rules.setEnabled',
      {
        id: 'large-transfer',
        enabled: false,
      },
    );
    expect(disabled).toMatchObject({ enabled: false, armedAt: null });
    // A catch-all rule on mints to an address no other rule names: once it fired on a later
    // block, the rules have seen the match the disabled rule must miss.
    const nobody = anvilAccount(9).address;
    const sentinel = await saveRule(call, {
      ...transferRule(`to == ${nobody}`),
      name: 'Sentinel',
      enabled: true,
    });
    await mintTokens(anvil.rpcUrl, token, alice, 3_000n * e18);
    await afterSentinelFired(call, sentinel.id, () => mintTokens(anvil.rpcUrl, token, nobody, 1n));
    await call('alerts.rules.remove', { id: sentinel.id });
    expect(await firingsOf(call, 'large-transfer')).toHaveLength(3);
    await call('alerts.rules.setEnabled', { id: 'large-transfer', enabled: true });
    await mintTokens(anvil.rpcUrl, token, alice, 4_000n * e18);
    const fired = await waitForFirings(call, 'large-transfer', 4, STANDING);
    expect(fired.at(-1)!.event!.args!['value']).toBe((4_000n * e18).toString());

    await call('alerts.rules.remove', { id: 'large-transfer' });
    const { rules } = await call<RequestOutput<'alerts.rules.list'>>('alerts.rules.list');
    expect(rules.map((rule) => rule.id)).not.toContain('large-transfer');
    expect(await firingsOf(call, 'large-transfer')).toHaveLength(4);
    const actions = (
      await call<{ entries: { action: string }[] }>('audit.list', {
        subject: 'rule:large-transfer',
        order: 'asc',
      })
    ).entries.map((entry) => entry.action);
    expect(actions).toEqual([
      'rule.created',
      'rule.enabled',
      'rule.disabled',
      'rule.enabled',
      'rule.removed',
    ]);
  });
});

describe('rules in the workspace file', () => {
  it('are imported (checked against the ABI, idempotently) and exported without secrets', async () => {
    const yaml = `version: 1
rules:
  - name: Whale mint
    kind: event
    contractId: '${contractId}'
    eventName: Transfer
    condition: from == 0x0000000000000000000000000000000000000000 and value > 1_000_000e18
    severity: critical
    enabled: true
    channels:
      - { type: in-app }
      - { type: webhook, url: 'https://hooks.example/vigil', format: slack, secret: 'a-secret-of-sixteen-or-more' }
  - name: Indexer behind
    kind: lag
    chainId: ${anvil.chainId}
    maxBlocks: 50
`;
    expect(await call('workspace.import', { yaml, fileName: 'ops.yaml' })).toMatchObject({
      rulesAdded: 2,
      rulesUnchanged: 0,
    });
    expect(await call('workspace.import', { yaml, fileName: 'ops.yaml' })).toMatchObject({
      rulesAdded: 0,
      rulesUnchanged: 2,
    });
    // Other tests' rules may stand beside these: only the file's two are looked at.
    const rulesFromFile = (rules: RequestOutput<'alerts.rules.list'>['rules']) =>
      rules.filter((rule) => ['whale-mint', 'indexer-behind'].includes(rule.id));
    const { rules } = await call<RequestOutput<'alerts.rules.list'>>('alerts.rules.list');
    expect(rulesFromFile(rules).map((rule) => [rule.id, rule.kind, rule.enabled])).toEqual([
      ['whale-mint', 'event', true],
      ['indexer-behind', 'lag', false],
    ]);
    const { yaml: exported } = await call<{ yaml: string }>('workspace.export');
    expect(exported).toContain(
      'condition: from == 0x0000000000000000000000000000000000000000 and value > 1000000e18',
    );
    expect(exported).not.toContain('a-secret-of-sixteen-or-more');

    const mistyped = yaml
      .replace('and value > 1_000_000e18', 'and amount > 1')
      .replace('Whale mint', 'Whale mint two');
    const error = await refusedLeavingNothing('workspace.import', {
      yaml: mistyped,
      fileName: 'ops.yaml',
    });
    expect(error).toMatchObject({ code: 'CONDITION_UNKNOWN_FIELD', field: 'rules[0].condition' });
  });
});
