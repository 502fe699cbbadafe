// Backfill ranges asked for ahead while one is stored: three over dense blocks, whose answers
// tell how dense the next ones are. A fault proxy in front of a real anvil holds every
// eth_getLogs a while, as a distant node would, and counts how many are in flight at once; the
// store ends equal to the chain. (Over quiet blocks one is asked for ahead: see
// backfill-range-faults.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import type { FaultProxy } from '../../helpers/fault-proxy.ts';
import { startProxiedVigil, type ProxiedVigil } from '../../helpers/proxied-vigil.ts';
import { callOk, watchEmitter } from '../../helpers/contract-call.ts';

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

describe('backfill ranges asked for ahead', () => {
  it('over dense blocks, three are in flight while one is stored', async () => {
    proxy.setFaults({ fault: { kind: 'delay', ms: 150 }, methods: ['eth_getLogs'] });
    await watchEmitter(
      (name, input) => callOk(server, name, input),
      { chainId: anvil.chainId, rpcUrls: [proxy.url] },
      emitter,
    );
    await waitForStoreToEqualChain(server, anvil.rpcUrl, emitter, 120_000);
    expect(proxy.rangesInFlightPeak).toBe(3);
  });
});
