// A rule that executes under a policy, with headless mode as a real child process on anvil and a
// real keychain: the pause a large withdrawal fires is mined within two blocks, once, and after a
// kill -9 and the chain data evaluated again nothing more is sent. A reorg that removes the
// triggering event withdraws a proposal not yet sent, and tells the operator of one already sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { AlertFiring, AuditEntry, Transaction } from '../../../src-main/ipc/contract.ts';
import { afterSentinelFired, contractIdOf, firingsOf, type Call } from '../../helpers/alerts.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc, reorg } from '../../helpers/chain-control.ts';
import { fund } from '../../helpers/funded-key.ts';
import {
  deployGuard,
  ETHER,
  guardContract,
  guardPolicy,
  guardRule,
  readGuard,
  watchGuard,
  withdraw,
} from '../../helpers/guard.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { waitFor, type RpcClient, type ServeProcess } from '../../helpers/serve.ts';
import { useServeRestarts } from '../../helpers/serve-restarts.ts';
import { sendCall } from '../../helpers/solidity.ts';

let anvil: AnvilInstance;
let guard: Address;
let signer: string;
const serve = useServeRestarts('vigil-rule-executes-');

const chain = () => ({ chainId: anvil.chainId, signer, guard });
const SENTINEL = 'sentinel';

/** The transactions proposed for a rule's firings. */
async function proposalsOf(call: Call, ruleId: string): Promise<Transaction[]> {
  const { txs } = await call<{ txs: Transaction[] }>('txs.list', {});
  return txs.filter((tx) => tx.source.startsWith(`rule:${ruleId}:`));
}

/** Waits until the rule's one proposal satisfies `done`; returns it. */
const proposalWhen = (call: Call, ruleId: string, done: (tx: Transaction) => boolean) =>
  waitFor(async () => (await proposalsOf(call, ruleId)).find(done), 30_000);

const nonceOf = async (address: string) =>
  Number(await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [address, 'latest']));

/** A Flagged event from anvil's account 0, which only the sentinel rule watches. */
const flagFromTest = () =>
  sendCall(anvil.rpcUrl, guard, guardContract.abi, 'flag', [
    '0x000000000000000000000000000000000000dEaD',
    1n,
    `0x${'00'.repeat(32)}`,
  ]);

let rpc: RpcClient;
let server: ServeProcess;

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  guard = await deployGuard(anvil.rpcUrl);
}, 120_000);

afterAll(async () => {
  rpc?.close();
  await anvil?.stop();
});

describe('a rule that pauses under a policy, across kill -9', () => {
  it(
    'mines the pause within two blocks of the event, once, and sends nothing more after a restart',
    { timeout: 180_000 },
    async () => {
      ({ server, rpc } = await serve.start());
      await watchGuard(rpc.call, anvil, guard);
      ({ address: signer } = await rpc.call<{ address: string }>('signers.generate', {
        label: 'guardian',
      }));
      await fund(anvil.rpcUrl, signer, 10n * ETHER);
      await rpc.call('automation.policies.save', guardPolicy('guardian', chain()));
      await rpc.call('alerts.rules.save', {
        ...guardRule(1, chain(), { function: { name: 'pause', args: [] } }, 'guardian'),
        name: 'Pause on a large withdrawal',
        condition: 'amount > 1000 and tag == 1',
      });
      await rpc.call('alerts.rules.save', {
        id: SENTINEL,
        name: 'Sentinel',
        kind: 'event',
        contractId: contractIdOf(anvil.chainId, guard),
        eventName: 'Flagged',
        enabled: true,
      });

      const event = await withdraw(anvil.rpcUrl, guard, 1);
      const paused = await proposalWhen(rpc.call, 'rule-1', (tx) => tx.receipt !== null);
      expect(paused.receipt!.success).toBe(true);
      expect(paused.receipt!.blockNumber).toBeLessThanOrEqual(Number(event.blockNumber) + 2);
      expect(paused.policyDecision).toMatchObject({ policyId: 'guardian', approved: true });
      expect(await readGuard(anvil.rpcUrl, guard, 'pauses')).toBe(1n);

      // Killed at once: what the watcher had after its last snapshot is fetched and evaluated again.
      await server.kill('SIGKILL');
      await mineBlocks(anvil.rpcUrl, 2);
      ({ server, rpc } = await serve.start());
      await afterSentinelFired(rpc.call, SENTINEL, flagFromTest);
      await mineBlocks(anvil.rpcUrl, 2);
      await afterSentinelFired(rpc.call, SENTINEL, flagFromTest);

      expect((await proposalsOf(rpc.call, 'rule-1')).map((tx) => tx.id)).toEqual([paused.id]);
      expect(await nonceOf(signer)).toBe(1);
      expect(await readGuard(anvil.rpcUrl, guard, 'pauses')).toBe(1n);
      const firings = await firingsOf(rpc.call, 'rule-1');
      expect(firings).toHaveLength(1);
    },
  );
});

describe('a reorg that removes the triggering event', () => {
  it(
    'withdraws a proposal not yet sent, audited, with the reason',
    { timeout: 60_000 },
    async () => {
      // Paused: the policy leaves the proposal to a person, so it is still waiting at the reorg.
      await rpc.call('automation.pause', { reason: 'reorg drill' });
      await rpc.call(
        'alerts.rules.save',
        guardRule(2, chain(), { function: { name: 'fund', args: [] } }, 'guardian'),
      );
      await withdraw(anvil.rpcUrl, guard, 2);
      const waiting = await proposalWhen(
        rpc.call,
        'rule-2',
        (tx) => tx.policyDecision !== undefined,
      );
      expect(waiting).toMatchObject({ status: 'proposed', policyDecision: { approved: false } });

      await reorg(anvil.rpcUrl, 1);
      await mineBlocks(anvil.rpcUrl, 1);
      const withdrawn = await proposalWhen(rpc.call, 'rule-2', (tx) => tx.status === 'rejected');
      expect(withdrawn.id).toBe(waiting.id);
      expect(withdrawn.rejectReason).toBe('its triggering event was removed by a reorg');
      const [entry] = (
        await rpc.call<{ entries: AuditEntry[] }>('audit.list', {
          action: 'tx.rejected',
          subject: `tx:${waiting.id}`,
        })
      ).entries;
      expect(entry).toMatchObject({ actor: 'system', details: { withdrawn: true } });
      const [firing] = await firingsOf(rpc.call, 'rule-2');
      expect(firing!.state).toBe('retracted');
      await rpc.call('automation.resume', {});
    },
  );

  it(
    'tells the operator of a transaction already sent, and reverts nothing',
    { timeout: 60_000 },
    async () => {
      await rpc.call(
        'alerts.rules.save',
        guardRule(3, chain(), { function: { name: 'fund', args: [] } }, 'guardian'),
      );
      await withdraw(anvil.rpcUrl, guard, 3);
      const sent = await proposalWhen(rpc.call, 'rule-3', (tx) => tx.receipt !== null);
      expect(sent.policyDecision!.approved).toBe(true);

      // The event's block and the one that mined the transaction are replaced.
      await reorg(anvil.rpcUrl, 2);
      await mineBlocks(anvil.rpcUrl, 1);
      const notice = await waitFor(async () => {
        const firings = await firingsOf(rpc.call, 'rule-3');
        return firings.find((firing: AlertFiring) =>
          firing.summary.startsWith(`Transaction ${sent.id}`),
        );
      }, 30_000);
      expect(notice).toMatchObject({ severity: 'critical', state: 'fired' });
      expect(notice.summary).toContain('when a reorg removed the event');
      // Nothing was withdrawn or reverted by itself: the transaction is still Vigil's to follow.
      const after = (await proposalsOf(rpc.call, 'rule-3'))[0]!;
      expect(after.status).not.toBe('rejected');

      // anvil puts the dropped withdrawal back in a new block: the same event fires again. What
      // its first firing sent is already on its way, so the policy does not send it twice.
      const again = await waitFor(
        async () => (await proposalsOf(rpc.call, 'rule-3')).find((tx) => tx.id !== sent.id),
        30_000,
      );
      expect(again.executeUnder).toBeUndefined();
      expect(again.note).toContain(`transaction ${sent.id} was already sent`);
      expect(again.status).toBe('proposed');
    },
  );
});

describe('kill -9 between a proposal under a policy and its decision', () => {
  it(
    'puts it to the policy at the restart: sent once, never proposed again',
    { timeout: 120_000 },
    async () => {
      // A signer of its own: the reorg before may bring rule 3's event back, and its firing
      // sends from the shared signer whenever the restarted process catches up.
      const { address: keeper } = await rpc.call<{ address: string }>('signers.generate', {
        label: 'crash-keeper',
      });
      await fund(anvil.rpcUrl, keeper, 10n * ETHER);
      const keeperChain = { chainId: anvil.chainId, signer: keeper, guard };
      await rpc.call('automation.policies.save', guardPolicy('crash-keeper', keeperChain));
      await rpc.call(
        'alerts.rules.save',
        guardRule(4, keeperChain, { function: { name: 'fund', args: [] } }, 'crash-keeper'),
      );
      rpc.close();
      await server.kill('SIGKILL');
      ({ server, rpc } = await serve.start({ env: { VIGIL_CRASH_AT: 'policy.undecided' } }));
      await withdraw(anvil.rpcUrl, guard, 4);
      await waitFor(() => server.process.signalCode !== null, 30_000);
      expect(server.output()).toContain('crash point policy.undecided reached');
      expect(await nonceOf(keeper)).toBe(0);

      ({ server, rpc } = await serve.start());
      const sent = await proposalWhen(rpc.call, 'rule-4', (tx) => tx.receipt !== null);
      expect(sent.policyDecision).toMatchObject({ policyId: 'crash-keeper', approved: true });
      await afterSentinelFired(rpc.call, SENTINEL, flagFromTest);
      expect(await proposalsOf(rpc.call, 'rule-4')).toHaveLength(1);
      expect(await nonceOf(keeper)).toBe(1);
    },
  );
});
