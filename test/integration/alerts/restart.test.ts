// Exactly once across kill -9, with headless mode as a real child process: a firing whose
// webhook was in flight when the process died is delivered after the restart with the same
// delivery id (the receiver may see that id twice, never a second id), a matching event that came
// while Vigil was down fires after the restart, and nothing fires twice although the chain data
// after the last snapshot is fetched and evaluated again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  STANDING,
  waitForFirings,
  watchContracts,
} from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks } from '../../helpers/chain-control.ts';
import { deployContract, emitHidden, emitMany } from '../../helpers/contracts.ts';
import { saveEventRule } from '../../helpers/event-rule.ts';
import { waitFor } from '../../helpers/serve.ts';
import { useServeRestarts } from '../../helpers/serve-restarts.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const secret = 'restart-test-secret-0123';
let anvil: AnvilInstance;
let receiver: WebhookReceiver;
let emitter: Address;
const serve = useServeRestarts();

beforeAll(async () => {
  anvil = await startAnvil();
  receiver = await startWebhookReceiver(secret);
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
});

afterAll(async () => {
  await receiver?.close();
  await anvil?.stop();
});

describe('kill -9 and restart', () => {
  it(
    'delivers an in-flight firing once after the restart, and fires what came during downtime',
    { timeout: 180_000 },
    async () => {
      let { server, rpc } = await serve.start({ args: ['--allow-private-webhooks'] });
      await watchContracts(
        rpc.call,
        { name: 'anvil', chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, confirmations: 2 },
        [{ address: emitter, artifact: 'Emitter' }],
      );
      const rule = await saveEventRule(rpc.call, contractIdOf(anvil.chainId, emitter), {
        name: 'Pings with value zero',
        eventName: 'Ping',
        condition: 'value == 0',
        channels: [{ type: 'in-app' }, { type: 'webhook', url: receiver.url, secret }],
      });
      // A catch-all rule on an event the rule under test ignores: the barrier before "never twice".
      const sentinel = await saveEventRule(rpc.call, contractIdOf(anvil.chainId, emitter), {
        name: 'Sentinel',
        eventName: 'Hidden',
        condition: '',
      });

      // The receiver takes the request and does not answer: Vigil has fired, the delivery is in flight.
      receiver.hold();
      await emitMany(anvil.rpcUrl, emitter, 2);
      const [first] = await waitForFirings(rpc.call, rule.id, 1, STANDING);
      await waitFor(() =>
        receiver.requests.some((request) => request.json.firing?.id === first!.id),
      );
      await server.kill('SIGKILL');
      receiver.release();

      // While Vigil is down: another match, and blocks on top.
      await emitMany(anvil.rpcUrl, emitter, 1);
      await mineBlocks(anvil.rpcUrl, 3);

      ({ server, rpc } = await serve.start({ args: ['--allow-private-webhooks'] }));
      const standing = await waitForFirings(rpc.call, rule.id, 2, ['tentative', 'fired']);
      expect(standing[0]!.id).toBe(first!.id);
      expect(standing.map((firing) => firing.event!.args!['seq'])).toEqual(['0', '2']);

      // Each firing reached the receiver under exactly one delivery id.
      const accepted = await waitFor(() => {
        const ids = receiver.deliveryIds();
        return ids.length === 2 ? ids : undefined;
      }, 30_000);
      const firingOf = (deliveryId: string) =>
        receiver.requests.find((request) => request.deliveryId === deliveryId)!.json.firing!.id;
      expect(accepted.map(firingOf).sort()).toEqual(standing.map((firing) => firing.id).sort());
      const toFirst = receiver.requests.filter((request) => request.json.firing?.id === first!.id);
      expect(new Set(toFirst.map((request) => request.deliveryId)).size).toBe(1);
      expect(toFirst.length).toBeGreaterThanOrEqual(2); // once before the kill, again after
      expect(toFirst.every((request) => request.signatureValid)).toBe(true);

      // Nothing fires again, although the chain data was evaluated again: checked once the
      // restarted process's rules have seen a block past everything (and confirmed it all).
      await mineBlocks(anvil.rpcUrl, 2);
      await afterSentinelFired(rpc.call, sentinel.id, () => emitHidden(anvil.rpcUrl, emitter, 0n));
      const firings = await firingsOf(rpc.call, rule.id);
      expect(firings).toHaveLength(2);
      expect(receiver.deliveryIds()).toHaveLength(2);
      const audit = await rpc.call<{ entries: { action: string; subject: string }[] }>(
        'audit.list',
        { action: 'alert.fired' },
      );
      const ofRule = new Set(firings.map((firing) => `firing:${firing.id}`));
      expect(audit.entries.filter((entry) => ofRule.has(entry.subject))).toHaveLength(2);
      rpc.close();
    },
  );
});
