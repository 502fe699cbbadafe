// Alert rules on a real anvil, through the contract as the UI and scripts use it: event rules
// fire exactly for the events their conditions match (bigint, address, array and struct
// arguments, transaction fields), a reorg retracts a tentative firing and the retraction is
// delivered, a rule with confirmations waits, and lag and silence rules fire and clear. Webhooks
// go to a real HTTP receiver on loopback that checks every signature.
//
// One anvil and one Vigil serve the event and silence tests (starting them is most of the file's
// time); each test makes its own rules and events, checks only those, and passes alone (-t) or
// in any order (--sequence.shuffle). The lag rule has its own chain and Vigil, whose clock it
// moves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  saveRule,
  STANDING,
  TX_SENTINEL_CONDITION,
  waitForFirings,
  watchContracts,
  type Call,
} from '../../helpers/alerts.ts';
import { saveEventRule } from '../../helpers/event-rule.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, reorg } from '../../helpers/chain-control.ts';
import {
  anvilAccount,
  deployContract,
  emitHidden,
  emitKinds,
  emitMany,
  mintTokens,
  sampleKinds,
  transferTokens,
} from '../../helpers/contracts.ts';
import { startRpcProxy, type RpcProxy } from '../../helpers/rpc-proxy.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { advanceClockOffset, createClockOffset } from '../../../src-main/core/engine/index.ts';
import type { RequestOutput } from '../../../src-main/ipc/contract.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const secret = 'receiver-secret-0123456789';
const e18 = 10n ** 18n;
let anvil: AnvilInstance;
let receiver: WebhookReceiver;
let token: Address;
let emitter: Address;
let tokenId: string;
let emitterId: string;
let vigil: VigilUnderTest;

const alice = anvilAccount(1).address;
const bob = anvilAccount(2).address;
const carol = anvilAccount(3).address;

let call: Call;
/** A catch-all rule on the Emitter's Hidden event, which no rule under test listens to. */
let sentinelId: string;
/** The same with a tx.* condition: the barrier for rules that fetch the transaction. */
let txSentinelId: string;
/**
 * Confirms every earlier event (2 blocks) and waits until the rules, those with tx.* conditions
 * too, have seen a block more.
 */
async function afterRulesCaughtUp(): Promise<void> {
  await mineBlocks(anvil.rpcUrl, 2);
  await afterSentinelFired(call, [sentinelId, txSentinelId], () =>
    emitHidden(anvil.rpcUrl, emitter, 0n),
  );
}

const webhook = { type: 'webhook' as const, url: '', secret };

beforeAll(async () => {
  anvil = await startAnvil();
  receiver = await startWebhookReceiver(secret);
  webhook.url = receiver.url;
  token = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo Token', 'DEMO']);
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  tokenId = contractIdOf(anvil.chainId, token);
  emitterId = contractIdOf(anvil.chainId, emitter);
  vigil = await startVigilInProcess({ tuning: { allowPrivateWebhooks: true } });
  call = vigil.call;
  await watchContracts(
    call,
    { name: 'anvil', chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, confirmations: 2 },
    [
      { address: token, artifact: 'DemoToken' },
      { address: emitter, artifact: 'Emitter' },
    ],
  );
  sentinelId = (
    await saveEventRule(call, emitterId, { name: 'Sentinel', eventName: 'Hidden', condition: '' })
  ).id;
  txSentinelId = (
    await saveEventRule(call, emitterId, {
      name: 'Sentinel for tx rules',
      eventName: 'Hidden',
      condition: TX_SENTINEL_CONDITION,
    })
  ).id;
});

afterAll(async () => {
  await vigil?.close();
  await receiver?.close();
  await anvil?.stop();
});

describe('event rules', () => {
  it('fire exactly for the events whose bigint, address and transaction conditions match', async () => {
    // Before the rule exists: matches it must never fire on.
    await mintTokens(anvil.rpcUrl, token, alice, 5_000n * e18);
    const rule = await saveEventRule(call, tokenId, {
      name: 'Large transfer to a watched wallet',
      eventName: 'Transfer',
      condition: `value > 1000e18 and to in [${alice.toLowerCase()}, ${bob}]`,
      severity: 'critical',
      channels: [{ type: 'in-app' }, webhook],
    });
    expect(rule).toMatchObject({
      id: 'large-transfer-to-a-watched-wallet',
      enabled: true,
      condition: `value > 1000e18 and to in [${alice}, ${bob}]`,
      channels: [{ type: 'in-app' }, { type: 'webhook', url: receiver.url, secretHint: '…6789' }],
    });
    const fromAlice = await saveEventRule(call, tokenId, {
      name: 'Alice moves tokens',
      eventName: 'Transfer',
      condition: `tx.from == ${alice} and value >= 1`,
    });

    await mintTokens(anvil.rpcUrl, token, alice, 5_000n * e18); // matches
    await mintTokens(anvil.rpcUrl, token, carol, 5_000n * e18); // to: not watched
    await mintTokens(anvil.rpcUrl, token, bob, 1_000n * e18); // value: not above
    await mintTokens(anvil.rpcUrl, token, bob, 1_000n * e18 + 1n); // matches, by one wei
    await transferTokens(anvil.rpcUrl, token, carol, 7n, { accountIndex: 1 }); // from alice
    await transferTokens(anvil.rpcUrl, token, alice, 2_000n * e18, { accountIndex: 3 }); // matches; from carol

    const fired = await waitForFirings(call, rule.id, 3, STANDING);
    expect(
      fired.map((firing) => [firing.event!.args!['to'], firing.event!.args!['value']]),
    ).toEqual([
      [alice, (5_000n * e18).toString()],
      [bob, (1_000n * e18 + 1n).toString()],
      [alice, (2_000n * e18).toString()],
    ]);
    const aliceFirings = await waitFor(async () => {
      const list = await firingsOf(call, fromAlice.id);
      return list.length === 1 ? list : undefined;
    });
    expect(aliceFirings[0]!.event!.args).toMatchObject({ from: alice, to: carol, value: '7' });
    // Nothing more arrives once the events are confirmed and the rules have seen past them.
    await afterRulesCaughtUp();
    expect(await firingsOf(call, rule.id)).toHaveLength(3);
    expect(await firingsOf(call, fromAlice.id)).toHaveLength(1);

    // Each firing reached the webhook once, signed, with its own delivery id.
    await waitFor(
      () => receiver.accepted().filter((r) => r.json.firing?.ruleId === rule.id).length === 3,
    );
    const received = receiver.accepted().filter((r) => r.json.firing?.ruleId === rule.id);
    expect(received.every((r) => r.signatureValid && r.json.kind === 'fired')).toBe(true);
    expect(new Set(received.map((r) => r.deliveryId)).size).toBe(3);
    expect(new Set(received.map((r) => r.json.firing!.id))).toEqual(
      new Set(fired.map((f) => f.id)),
    );
  });

  it('match array, struct and signed arguments exactly', async () => {
    const big = 2n ** 255n;
    const amounts = await saveEventRule(call, emitterId, {
      name: 'Huge amount listed',
      eventName: 'Amounts',
      condition: `list contains ${big}`,
    });
    const paid = await saveEventRule(call, emitterId, {
      name: 'Paid to the keeper',
      eventName: 'Paid',
      condition: `payment.amount >= 42e18 and payment.who == ${sampleKinds.payment.who.toLowerCase()}`,
    });
    const mixed = await saveEventRule(call, emitterId, {
      name: 'Negative note',
      eventName: 'Mixed',
      condition: 'signedValue < -1e18 and note contains "rebalance" and amounts contains 1',
    });
    await emitKinds(anvil.rpcUrl, emitter); // all three match
    await emitKinds(anvil.rpcUrl, emitter, {
      ...sampleKinds,
      signedValue: -1n,
      amounts: [2n ** 255n - 1n],
      payment: { who: sampleKinds.payment.who, amount: 42n * e18 - 1n },
    }); // none matches
    for (const rule of [amounts, paid, mixed]) await waitForFirings(call, rule.id, 1, STANDING);
    await afterRulesCaughtUp();
    for (const rule of [amounts, paid, mixed])
      expect(await firingsOf(call, rule.id)).toHaveLength(1);
  });

  it('retract a tentative firing when a reorg removes its event, and deliver the retraction', async () => {
    const rule = await saveEventRule(call, emitterId, {
      name: 'First ping',
      eventName: 'Ping',
      condition: 'value == 0',
      confirmations: 0,
      channels: [{ type: 'in-app' }, webhook],
    });
    await emitMany(anvil.rpcUrl, emitter, 1);
    const [tentative] = await waitForFirings(call, rule.id, 1, ['tentative']);
    await waitFor(() => receiver.accepted().some((r) => r.json.firing?.id === tentative!.id));

    await reorg(anvil.rpcUrl, 1); // the block is replaced by an empty one
    const [retracted] = await waitForFirings(call, rule.id, 1, ['retracted']);
    expect(retracted!.id).toBe(tentative!.id);
    const deliveries = await waitFor(() => {
      const list = receiver.accepted().filter((r) => r.json.firing?.id === tentative!.id);
      return list.length === 2 ? list : undefined;
    });
    expect(deliveries.map((r) => [r.json.kind, r.event, r.signatureValid])).toEqual([
      ['fired', 'alert.fired', true],
      ['retracted', 'alert.retracted', true],
    ]);
    expect(deliveries[0]!.deliveryId).not.toBe(deliveries[1]!.deliveryId);
    // The second delivery is recorded once the receiver has answered it.
    const actions = await waitFor(async () => {
      const audit = await call<{ entries: { action: string }[] }>('audit.list', {
        subject: `firing:${tentative!.id}`,
        order: 'asc',
      });
      return audit.entries.length === 4 ? audit.entries.map((entry) => entry.action) : undefined;
    });
    expect(actions).toEqual([
      'alert.fired',
      'alert.delivered',
      'alert.retracted',
      'alert.delivered',
    ]);
  });

  it('with confirmations, waits until the event is that deep, then fires it as confirmed', async () => {
    const rule = await saveEventRule(call, emitterId, {
      name: 'Deep ping',
      eventName: 'Ping',
      condition: 'value == 1',
      confirmations: 3,
    });
    await emitMany(anvil.rpcUrl, emitter, 2);
    // Two blocks on top (the second one the sentinel's): the event is not yet 3 deep.
    await mineBlocks(anvil.rpcUrl, 1);
    await afterSentinelFired(call, sentinelId, () => emitHidden(anvil.rpcUrl, emitter, 0n));
    expect(await firingsOf(call, rule.id)).toEqual([]);
    await mineBlocks(anvil.rpcUrl, 1);
    const [fired] = await waitForFirings(call, rule.id, 1, ['fired']);
    expect(fired!.event!.args).toMatchObject({ value: '1' });
  });

  it('a tentative firing becomes fired when its event is confirmed', async () => {
    const rule = await saveEventRule(call, emitterId, {
      name: 'Any ping with value 2',
      eventName: 'Ping',
      condition: 'value == 2',
    });
    await emitMany(anvil.rpcUrl, emitter, 3);
    const [tentative] = await waitForFirings(call, rule.id, 1, ['tentative']);
    await mineBlocks(anvil.rpcUrl, 2);
    const [fired] = await waitForFirings(call, rule.id, 1, ['fired']);
    expect(fired!.id).toBe(tentative!.id);
  });
});

describe('lag rules', () => {
  // A chain behind a proxy the test takes down, watched by a Vigil of its own whose clock the
  // test moves on: the rule's limit and hold are seconds of that clock, so they are shown
  // without waiting them out, and the moves do not reach the other tests' rules.
  let laggard: AnvilInstance;
  let proxy: RpcProxy;
  let lagVigil: VigilUnderTest;
  const clock = createClockOffset();
  const SECOND = 1_000;

  beforeAll(async () => {
    laggard = await startAnvil({ chainId: 31338 });
    proxy = await startRpcProxy(laggard.rpcUrl);
    const laggardEmitter = await deployContract(laggard.rpcUrl, 'Emitter');
    lagVigil = await startVigilInProcess({
      tuning: { allowPrivateWebhooks: true },
      clockOffset: clock,
    });
    await watchContracts(
      lagVigil.call,
      { name: 'laggard', chainId: laggard.chainId, rpcUrl: proxy.url, confirmations: 1 },
      [{ address: laggardEmitter, artifact: 'Emitter' }],
    );
  });

  afterAll(async () => {
    await lagVigil?.close();
    await proxy?.close();
    await laggard?.stop();
  });

  /** The chain's lag as Vigil measures it now (seconds of its clock since it was last caught up). */
  async function lagSeconds(): Promise<number | null> {
    const { chains } = await lagVigil.call<RequestOutput<'drift.get'>>('drift.get', {
      chainId: laggard.chainId,
    });
    return chains[0]?.lagSeconds ?? null;
  }

  it('lag: fires when the chain falls behind for long enough, and clears when it catches up', async () => {
    const rule = await saveRule(lagVigil.call, {
      name: 'Laggard falls behind',
      kind: 'lag',
      chainId: laggard.chainId,
      maxSeconds: 30,
      forSeconds: 20,
      enabled: true,
      channels: [{ type: 'in-app' }, webhook],
    });
    // Keeping up: the clock moves 75 s (past limit and hold together) in steps shorter than the
    // limit, each followed by a pass that caught up at the new time. The lag never exceeds the
    // limit, so nothing fires.
    for (let step = 0; step < 3; step++) {
      advanceClockOffset(clock, 25 * SECOND);
      await waitFor(async () => {
        const lag = await lagSeconds();
        return lag !== null && lag < 5;
      });
    }
    expect(await firingsOf(lagVigil.call, rule.id)).toEqual([]);

    // Behind: no provider answers, so the lag grows with the clock. Past the limit (30 s) the
    // rule waits out its hold (20 s more) before it fires. The clock moves 2 s per look (about
    // 10 s per rule tick), so a rule that skipped its hold would fire with a lag under 50 s.
    proxy.setDown(true);
    advanceClockOffset(clock, 31 * SECOND);
    await waitFor(async () => ((await lagSeconds()) ?? 0) > 30);
    const [fired] = await waitFor(async () => {
      const standing = await firingsOf(lagVigil.call, rule.id);
      if (standing.length === 0) advanceClockOffset(clock, 2 * SECOND);
      return standing.length > 0 ? standing : undefined;
    });
    expect(fired!.state).toBe('fired');
    expect(fired!.subject).toMatch(/^episode:\d+$/);
    // Limit and hold both held: the rule fired no sooner than 30 + 20 s after the last catch-up.
    expect(fired!.measure!['lagSeconds']).toBeGreaterThanOrEqual(50);

    proxy.setDown(false);
    const [resolved] = await waitForFirings(lagVigil.call, rule.id, 1, ['resolved']);
    expect(resolved!.id).toBe(fired!.id);
    expect(resolved!.endedAt).not.toBeNull();
    await waitFor(() => {
      const kinds = receiver
        .accepted()
        .filter((r) => r.json.firing?.id === fired!.id)
        .map((r) => r.json.kind);
      return kinds.includes('fired') && kinds.includes('resolved');
    });
  });
});

describe('silence rules', () => {
  it('silence: fires when no matching event comes within the time, and clears when one does', async () => {
    const rule = await saveRule(call, {
      name: 'Keeper heartbeat',
      kind: 'silence',
      contractId: emitterId,
      eventName: 'Ping',
      condition: 'value == 4',
      withinSeconds: 3,
      enabled: true,
    });
    await emitMany(anvil.rpcUrl, emitter, 2); // no value 4: not the heartbeat
    const [fired] = await waitForFirings(call, rule.id, 1, ['fired']);
    expect(fired!.summary).toMatch(/^No Ping on Emitter matching value == 4 for \d+ s/);
    await emitMany(anvil.rpcUrl, emitter, 5); // values 0..4: the heartbeat
    const [resolved] = await waitForFirings(call, rule.id, 1, ['resolved']);
    expect(resolved!.id).toBe(fired!.id);
  });
});
