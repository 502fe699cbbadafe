// Failed-call rules on a real anvil, with headless mode as a child process: a transaction to the
// watched contract that reverts fires once (and not again after a kill -9 and restart, although
// the restarted rule reads the same blocks again; one made during a downtime longer than the
// first look-back fires after it), a successful call to it and a failed call to another address
// do not, a failure whose block a reorganisation replaced is taken back, and one a
// reorganisation put into a block already read is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, Hex } from 'viem';
import type { AlertFiring } from '../../../src-main/ipc/contract.ts';
import {
  firingsOf,
  saveRule,
  STANDING,
  waitForFirings,
  watchContracts,
} from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, reorg, sendFailingCall } from '../../helpers/chain-control.ts';
import { anvilAccount, deployContract, emitMany } from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import { useServeRestarts } from '../../helpers/serve-restarts.ts';

let anvil: AnvilInstance;
let watched: Address;
let other: Address;
const serve = useServeRestarts();

beforeAll(async () => {
  anvil = await startAnvil();
  watched = await deployContract(anvil.rpcUrl, 'Emitter');
  other = await deployContract(anvil.rpcUrl, 'Emitter');
});

afterAll(async () => {
  await anvil?.stop();
});

const failingCall = (to: Address): Promise<Hex> => sendFailingCall(anvil.rpcUrl, to);

const subjects = (firings: AlertFiring[]): string[] => firings.map((firing) => firing.subject);

describe('failed-call rules', () => {
  it(
    'fire once per failed transaction to a watched address, also across a kill -9',
    { timeout: 180_000 },
    async () => {
      let { server, rpc } = await serve.start();
      await watchContracts(
        rpc.call,
        { name: 'anvil', chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, confirmations: 2 },
        [{ address: watched, artifact: 'Emitter' }],
      );
      const rule = await saveRule(rpc.call, {
        kind: 'failed-call',
        name: 'Failed calls to the emitter',
        chainId: anvil.chainId,
        addresses: [watched.toLowerCase()],
        enabled: true,
      });
      expect(rule).toMatchObject({ kind: 'failed-call', addresses: [watched], confirmations: 0 });
      // Rules fire for blocks after the head they were armed at: wait until the head is known.
      await waitFor(async () => {
        const { rules } = await rpc.call<{ rules: { id: string; armedAt: number | null }[] }>(
          'alerts.rules.list',
        );
        return rules.find((candidate) => candidate.id === rule.id)?.armedAt !== null;
      });

      // Each in its own block, all before the failure that fires: when it fired, the rule had
      // read their blocks (it reads blocks in order) and found nothing to fire for.
      await emitMany(anvil.rpcUrl, watched, 1);
      await failingCall(other);
      const failed = await failingCall(watched);
      await mineBlocks(anvil.rpcUrl, 3);
      const [first] = await waitForFirings(rpc.call, rule.id, 1, ['fired']);
      expect(first!.subject).toBe(`${anvil.chainId}:${failed.toLowerCase()}`);
      expect(first!.measure).toMatchObject({
        transactionHash: failed,
        to: watched,
        from: anvilAccount(1).address,
      });
      expect(first!.summary).toContain('Emitter');

      await server.kill('SIGKILL');
      // While Vigil is down: another failure, then more blocks than the 64 a rule reads back the
      // first time: the restarted rule goes on from where it had read to, kept in the store.
      const duringDowntime = await failingCall(watched);
      await mineBlocks(anvil.rpcUrl, 100);
      ({ server, rpc } = await serve.start());
      const after = await waitForFirings(rpc.call, rule.id, 2, STANDING);
      expect(subjects(after)).toEqual([
        `${anvil.chainId}:${failed.toLowerCase()}`,
        `${anvil.chainId}:${duringDowntime.toLowerCase()}`,
      ]);

      // A later failure as the barrier: once it fired, the restarted rule has read every block
      // before it again, and the first failure still has its one firing.
      const barrier = await failingCall(watched);
      const all = await waitForFirings(rpc.call, rule.id, 3, STANDING);
      expect(subjects(all).at(-1)).toBe(`${anvil.chainId}:${barrier.toLowerCase()}`);
      expect(await firingsOf(rpc.call, rule.id)).toHaveLength(3);
      const audit = await rpc.call<{ entries: { subject: string }[] }>('audit.list', {
        action: 'alert.fired',
      });
      const ofRule = new Set(all.map((firing) => `firing:${firing.id}`));
      expect(audit.entries.filter((entry) => ofRule.has(entry.subject))).toHaveLength(3);

      // A failure fires at once, tentative; a reorganisation that replaces its block takes it back.
      await mineBlocks(anvil.rpcUrl, 3);
      await waitForFirings(rpc.call, rule.id, 3, ['fired']);
      const reorged = await failingCall(watched);
      const [tentative] = await waitForFirings(rpc.call, rule.id, 1, ['tentative']);
      expect(tentative!.subject).toBe(`${anvil.chainId}:${reorged.toLowerCase()}`);
      await reorg(anvil.rpcUrl, 1);
      await mineBlocks(anvil.rpcUrl, 3);
      const [retracted] = await waitForFirings(rpc.call, rule.id, 1, ['retracted']);
      expect(retracted!.id).toBe(tentative!.id);

      // A reorganisation that puts a failing call into a block the rule had read with none in
      // it: the rule sees the block it read replaced, reads the new one, and fires.
      const barrier2 = await failingCall(watched);
      await mineBlocks(anvil.rpcUrl, 3);
      const fired = await waitForFirings(rpc.call, rule.id, 4, ['fired']);
      expect(subjects(fired)).toContain(`${anvil.chainId}:${barrier2.toLowerCase()}`);
      const sender = anvilAccount(2).address;
      await reorg(anvil.rpcUrl, 1, [
        { tx: { from: sender, to: watched, data: '0xdeadbeef', gas: '0x30000' }, offset: 0 },
      ]);
      await mineBlocks(anvil.rpcUrl, 3);
      const standing = await waitFor(async () => {
        const firings = await firingsOf(rpc.call, rule.id);
        return firings.find(
          (firing) =>
            STANDING.includes(firing.state) &&
            (firing.measure as { from?: string } | null)?.from === sender,
        );
      });
      expect((standing.measure as { to: string }).to).toBe(watched);
      rpc.close();
    },
  );
});
