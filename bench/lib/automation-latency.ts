// Trigger → broadcast: how long after the block holding a triggering event Vigil broadcasts the
// transaction a rule executes under a policy. Headless mode as a child process (a real keychain
// signer, a real anvil, automining): the clock starts when eth_sendTransaction of the triggering
// withdrawal returns (its block is mined by then) and stops at the `sent` entry of the automatic
// transaction's timeline, which Vigil writes once eth_sendRawTransaction has answered. Both
// clocks are this machine's. The rule calls flag(account, 1, transactionHash) with its event's
// values, so every sample is a new call the policy checks in full (condition included).
import { encodeFunctionData, type Address, type Hex } from 'viem';
import type { Transaction } from '../../src-main/ipc/contract.ts';
import { startAnvil } from '../../test/helpers/anvil.ts';
import { rawRpc } from '../../test/helpers/chain-control.ts';
import { fund } from '../../test/helpers/funded-key.ts';
import {
  deployGuard,
  ETHER,
  guardContract,
  guardPolicy,
  guardRule,
  watchGuard,
} from '../../test/helpers/guard.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { startHeadless } from './headless.ts';
import { percentile, sleep } from './stats.ts';

export interface AutomationLatencyResult {
  samples: number;
  /** Triggers whose transaction was not broadcast within 20 s. */
  missed: number;
  /** Triggering block → the transaction proposed (fired, encoded, stored). */
  proposedP50Ms: number;
  /** Triggering block → broadcast (simulated, approved by the policy, signed, sent). */
  sentP50Ms: number;
  sentP95Ms: number;
  sentMaxMs: number;
}

export async function measureAutomationLatency(options: {
  transport: 'ws' | 'http';
  chainId: number;
  samples: number;
}): Promise<AutomationLatencyResult> {
  const anvil = await startAnvil({ chainId: options.chainId });
  const dataDir = makeTempDir('vigil-bench-automation-');
  const headless = await startHeadless(dataDir.path);
  try {
    const call = headless.client.call;
    const guard = await deployGuard(anvil.rpcUrl);
    // watchGuard adds the chain with anvil.rpcUrl: give it the transport measured.
    await watchGuard(
      call,
      { ...anvil, rpcUrl: options.transport === 'ws' ? anvil.wsUrl : anvil.rpcUrl },
      guard,
      0,
    );
    const { address: signer } = await call<{ address: string }>('signers.generate', {
      label: 'bench-keeper',
    });
    await fund(anvil.rpcUrl, signer, 10n * ETHER);
    const chain = { chainId: anvil.chainId, signer, guard };
    await call('automation.policies.save', guardPolicy('bench-keeper', chain));
    await call(
      'alerts.rules.save',
      guardRule(
        1,
        chain,
        {
          function: {
            name: 'flag',
            args: ['{{event.args.account}}', '1', '{{event.transactionHash}}'],
          },
        },
        'bench-keeper',
      ),
    );
    const [sender] = await rawRpc<Address[]>(anvil.rpcUrl, 'eth_accounts', []);
    const data = encodeFunctionData({
      abi: guardContract.abi,
      functionName: 'withdraw',
      args: [5_000n, 1n],
    });

    const proposed: number[] = [];
    const sent: number[] = [];
    let missed = 0;
    // One warm-up trigger first (decoders, the first simulation's caches), not counted.
    for (let sample = 0; sample <= options.samples; sample++) {
      await sleep(Math.random() * 1_000);
      const triggeredAt = Date.now();
      const hash = await rawRpc<Hex>(anvil.rpcUrl, 'eth_sendTransaction', [
        { from: sender, to: guard, data },
      ]);
      const tx = await sentFor(call, hash, 20_000);
      if (sample === 0) continue;
      if (!tx) {
        missed++;
        continue;
      }
      const at = (status: string) => tx.timeline.find((entry) => entry.status === status)?.at;
      proposed.push(at('proposed')! - triggeredAt);
      sent.push(at('sent')! - triggeredAt);
    }
    return {
      samples: sent.length,
      missed,
      proposedP50Ms: percentile(proposed, 50),
      sentP50Ms: percentile(sent, 50),
      sentP95Ms: percentile(sent, 95),
      sentMaxMs: Math.max(...sent),
    };
  } finally {
    await headless.close();
    await anvil.stop();
    dataDir.remove();
  }
}

/** The automatic transaction carrying `triggerHash` (its `origin` argument), once it was sent. */
async function sentFor(
  call: <T>(name: string, input?: unknown) => Promise<T>,
  triggerHash: Hex,
  timeoutMs: number,
): Promise<Transaction | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { txs } = await call<{ txs: Transaction[] }>('txs.list', {});
    const tx = txs.find(
      (candidate) =>
        candidate.data.toLowerCase().endsWith(triggerHash.slice(2).toLowerCase()) &&
        candidate.timeline.some((entry) => entry.status === 'sent'),
    );
    if (tx) return tx;
    await sleep(50);
  }
  return undefined;
}
