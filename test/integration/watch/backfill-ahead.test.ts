// Backfill ranges asked for ahead while one is stored: up to three over dense blocks, whose answers
// tell how dense the next ones are. A fault proxy in front of a real anvil holds every
// eth_getLogs a while, as a distant node would, and counts how many are in flight at once; the
// store ends equal to the chain. When a range is refused, those asked for after it are aborted,
// not read; after a failed pass, the node is still known to be distant. (Over quiet blocks one
// is asked for ahead: see backfill-range-faults.test.ts. From a near node one is asked for
// ahead, which this proxy cannot show: it reads each answer whole before sending it on, and
// through it even an undelayed anvil had three in flight. fetch-ahead.test.ts has the rule, and
// the store bench the near node.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import type { FaultProxy, FaultRule } from '../../helpers/fault-proxy.ts';
import { startProxiedVigil, type ProxiedVigil } from '../../helpers/proxied-vigil.ts';
import { callOk, firstChainStatus, watchEmitter } from '../../helpers/contract-call.ts';
import { waitFor } from '../../helpers/serve.ts';

/** Logs a block: about 1.4 MB of answer, so a range holds two blocks (RANGE_ANSWER_BYTES). */
const LOGS_PER_BLOCK = 2_000;
const BLOCKS = 40;

let anvil: AnvilInstance;
let emitter: `0x${string}`;
let vigil: ProxiedVigil;
let proxy: FaultProxy;
let server: ContractServer;

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let block = 0; block < BLOCKS; block++)
    await emitMany(anvil.rpcUrl, emitter, LOGS_PER_BLOCK);
  vigil = await startProxiedVigil(anvil);
  ({ proxy, server } = vigil);
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

/**
 * A node that answers eth_getLogs a second late: three ranges ahead even when a loaded machine
 * makes each pass slow.
 */
const DISTANT: FaultRule = { fault: { kind: 'delay', ms: 1_000 }, methods: ['eth_getLogs'] };

/**
 * Another emitter on the same chain, with BLOCKS dense blocks of its logs, watched from the block
 * it was deployed after through the distant node, once three of its ranges are in flight.
 */
async function watchDenseEmitterFromAfar(): Promise<{
  address: `0x${string}`;
  contractId: string;
}> {
  const startBlock = Number.parseInt(await rawRpc<string>(anvil.rpcUrl, 'eth_blockNumber'), 16);
  const address = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let block = 0; block < BLOCKS; block++)
    await emitMany(anvil.rpcUrl, address, LOGS_PER_BLOCK);
  proxy.resetCounts();
  proxy.setFaults(DISTANT);
  const { id } = await callOk<{ id: string }>(server, 'contracts.add', {
    chainId: anvil.chainId,
    address,
    abi: loadArtifact('Emitter').abi,
    startBlock,
  });
  await waitFor(() => proxy.rangesInFlightPeak === 3, 60_000, 20);
  return { address, contractId: id };
}

/** Lifts the delay and waits for the emitter's rows (the followed tail asks a block at a time). */
async function finishNear(emitter: { address: `0x${string}`; contractId: string }): Promise<void> {
  proxy.clearFaults();
  await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter.address, 120_000, {
    contractId: emitter.contractId,
  });
}

describe('backfill ranges asked for ahead', () => {
  it('over dense blocks from a distant node, three are in flight while one is stored', async () => {
    // Each answer held well over what a pass takes, even on a loaded machine.
    proxy.setFaults({ fault: { kind: 'delay', ms: 400 }, methods: ['eth_getLogs'] });
    await watchEmitter(
      (name, input) => callOk(server, name, input),
      { chainId: anvil.chainId, rpcUrls: [proxy.url] },
      emitter,
    );
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 120_000);
    expect(proxy.rangesInFlightPeak).toBe(3);
  });

  it('when a range is refused, those asked for after it are aborted, and nothing is lost', async () => {
    const second = await watchDenseEmitterFromAfar();
    // Three in flight; then every range of more than one block is refused after the node worked
    // on it: the first refusal shrinks the ranges, and the ones asked for after it are dropped.
    // Those are held until well after the refusal: otherwise one asked for a few milliseconds
    // after it could be answered before the watcher read the refusal, and on a loaded machine
    // none was left to abandon. Adding the contract may have aborted ranges already; only those
    // after the refusal count.
    const abandonedBefore = proxy.rangesAbandoned;
    proxy.setFaults(
      {
        fault: { kind: 'refuse-range', afterMs: 1_000, holdOthersMs: 5_000 },
        methods: ['eth_getLogs'],
        widerThanBlocks: 1,
      },
      DISTANT,
    );
    await waitFor(() => proxy.rangesAbandoned > abandonedBefore, 60_000, 20);
    await finishNear(second);
  }, 240_000);

  it('after a failed pass, a distant node is asked for ranges ahead together again at once', async () => {
    const third = await watchDenseEmitterFromAfar();
    // Heads asked for fail until the watcher shows the error (the pool tries a few times first).
    proxy.setFaults(
      { fault: { kind: 'status', status: 500 }, methods: ['eth_blockNumber'] },
      DISTANT,
    );
    await waitFor(
      async () => (await firstChainStatus(server)).phase === 'error' || undefined,
      30_000,
      20,
    );
    const failedAt = performance.now();
    proxy.setFaults(DISTANT);
    const rangesAfterFailure = () => proxy.ranges.filter((range) => range.askedAt > failedAt);
    await waitFor(
      () => rangesAfterFailure().length >= 3 && rangesAfterFailure()[1]!.closedAt !== undefined,
      60_000,
      20,
    );
    // The first range after it is asked for alone (what was asked ahead went with the failure).
    // Once it is answered, the times from before the failure still say the node is distant: the
    // next ones are asked for together, not each after the one before is answered.
    const [, secondRange, thirdRange] = rangesAfterFailure();
    expect(thirdRange!.askedAt).toBeLessThan(secondRange!.closedAt!);
    await finishNear(third);
  }, 240_000);
});
