// Webhooks against a real HTTP receiver on loopback that checks the HMAC of every request, refuses
// the first attempts, and records what arrived: the delivery is retried with the same id and the
// same body until it lands, every attempt shows in the delivery log, Slack and Discord shapes are
// what those services accept, and a secret Vigil generated is shown once and never again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { AlertDelivery, AlertRule } from '../../../src-main/ipc/contract.ts';
import { contractIdOf, STANDING, waitForFirings, type Call } from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { enabledEventRule, saveEventRule } from '../../helpers/event-rule.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const secret = 'webhook-test-secret-abcdef';
let anvil: AnvilInstance;
let receiver: WebhookReceiver;
let emitter: Address;
let emitterId: string;
let vigil: VigilUnderTest;
let call: Call;

beforeAll(async () => {
  anvil = await startAnvil();
  receiver = await startWebhookReceiver(secret);
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  emitterId = contractIdOf(anvil.chainId, emitter);
  // The receiver is on loopback: allowed here by the operator's setting (refused by default).
  vigil = await startVigilInProcess({ tuning: { allowPrivateWebhooks: true } });
  call = vigil.call;
  await watchOnAnvil(call, anvil, { address: emitter, artifact: 'Emitter' }, 1);
});

afterAll(async () => {
  await vigil?.close();
  await receiver?.close();
  await anvil?.stop();
});

async function deliveriesOf(ruleId: string): Promise<AlertDelivery[]> {
  return (await call<{ deliveries: AlertDelivery[] }>('alerts.deliveries.list', { ruleId }))
    .deliveries;
}

describe('webhook deliveries', () => {
  it('are retried with backoff until the receiver takes them, one id and one body throughout, each attempt logged', async () => {
    receiver.failFirst(2);
    const rule = await saveEventRule(call, emitterId, {
      name: 'Every ping',
      eventName: 'Ping',
      channels: [{ type: 'in-app' }, { type: 'webhook', url: receiver.url, secret }],
    });
    await emitMany(anvil.rpcUrl, emitter, 1);
    const [firing] = await waitForFirings(call, rule.id, 1, STANDING);
    const [delivery] = await waitFor(async () => {
      const list = await deliveriesOf(rule.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    }, 30_000);

    expect(delivery).toMatchObject({
      firingId: firing!.id,
      kind: 'fired',
      channel: `webhook ${receiver.url}`,
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(
      delivery!.attempts.map((attempt) => [
        attempt.attempt,
        attempt.ok,
        attempt.statusCode,
        attempt.error,
      ]),
    ).toEqual([
      [1, false, 503, 'HTTP 503'],
      [2, false, 503, 'HTTP 503'],
      [3, true, 200, null],
    ]);
    // Backoff: about a second before the second attempt, about two before the third.
    const [first, second, third] = delivery!.attempts.map((attempt) => attempt.at);
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThanOrEqual(1_900);

    const requests = receiver.requests.filter((request) => request.deliveryId === delivery!.id);
    expect(requests.map((request) => [request.answered, request.signatureValid])).toEqual([
      [503, true],
      [503, true],
      [200, true],
    ]);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    expect(requests[0]!.json).toMatchObject({
      deliveryId: delivery!.id,
      kind: 'fired',
      firing: { id: firing!.id, ruleId: rule.id, subject: firing!.subject },
    });
    receiver.failFirst(0);
  });

  it('speak Slack and Discord when asked, still signed', async () => {
    const rule = await saveEventRule(call, emitterId, {
      name: 'Pings to chat',
      eventName: 'Ping',
      condition: 'value == 1',
      severity: 'critical',
      channels: [
        { type: 'webhook', url: `${receiver.url}/slack`, format: 'slack', secret },
        { type: 'webhook', url: `${receiver.url}/discord`, format: 'discord', secret },
      ],
    });
    await emitMany(anvil.rpcUrl, emitter, 2);
    const [firing] = await waitForFirings(call, rule.id, 1, STANDING);
    const bodies = await waitFor(() => {
      const list = receiver.accepted().filter((request) => request.body.includes(firing!.id));
      return list.length === 2 ? list : undefined;
    });
    const slack = bodies.find((request) => 'text' in request.json)!;
    const discord = bodies.find((request) => 'content' in request.json)!;
    expect(slack.signatureValid && discord.signatureValid).toBe(true);
    expect(slack.json['text']).toMatch(
      /^\[critical\] Pings to chat fired \(tentative\): Ping on Emitter at block \d+: seq=\d+, sender=0x[0-9a-fA-F]{40}, value=1$/,
    );
    expect(slack.json['blocks']).toHaveLength(2);
    expect(discord.json).toMatchObject({
      content: '[critical] Pings to chat fired (tentative)',
      embeds: [{ title: 'Pings to chat', color: 0xe0646f }],
    });
  });

  it('generate a secret when none is given, show it once, and never again', async () => {
    const rule = enabledEventRule(emitterId, {
      name: 'Generated secret',
      eventName: 'Ping',
      condition: 'value == 2',
      channels: [{ type: 'webhook', url: `${receiver.url}/generated` }],
    });
    const saved = await call<{ rule: AlertRule; generatedSecrets: Record<string, string> }>(
      'alerts.rules.save',
      rule,
    );
    const generated = saved.generatedSecrets['0']!;
    expect(generated).toMatch(/^[\w-]{32}$/);
    expect(saved.rule.channels).toEqual([
      {
        type: 'webhook',
        url: `${receiver.url}/generated`,
        format: 'json',
        secretHint: `…${generated.slice(-4)}`,
      },
    ]);
    // Saving again without a secret keeps it (and shows nothing).
    const again = await call<{ generatedSecrets: Record<string, string> }>('alerts.rules.save', {
      ...rule,
      id: saved.rule.id,
    });
    expect(again.generatedSecrets).toEqual({});

    receiver.setSecret(generated);
    await emitMany(anvil.rpcUrl, emitter, 3);
    const [firing] = await waitForFirings(call, saved.rule.id, 1, STANDING);
    const received = await waitFor(() =>
      receiver.accepted().find((request) => request.json.firing?.id === firing!.id),
    );
    expect(received.signatureValid).toBe(true);
    receiver.setSecret(secret);

    const listed = JSON.stringify(await call('alerts.rules.list'));
    const audited = JSON.stringify(await call('audit.list', { limit: 5_000 }));
    const exported = JSON.stringify(await call('workspace.export'));
    for (const text of [listed, audited, exported]) {
      expect(text).not.toContain(generated);
      expect(text).not.toContain(secret);
    }
  });
});
