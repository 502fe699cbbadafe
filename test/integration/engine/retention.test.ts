// Retention through the contract, on a real anvil chain and the real engine in this process: a
// retention set with contracts.update is audited as a change, and the engine's retention timer
// deletes the sealed rows past it with one `retention.deleted` entry per contract and segment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, EventRow, WatchedContract } from '../../../src-main/ipc/contract.ts';
import type { EngineTuning } from '../../../src-main/core/engine/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany } from '../../helpers/contracts.ts';
import { watchEmitter } from '../../helpers/contract-call.ts';
import { waitFor } from '../../helpers/serve.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

const tuning: EngineTuning = {
  sealMinEvents: 4,
  segmentTargetEvents: 10,
  sealMaxAgeMs: 0,
  maintainIntervalMs: 100,
  retentionIntervalMs: 200,
};
const emitted = 8 * 5;

let anvil: AnvilInstance;
let emitter: `0x${string}`;
let vigil: VigilUnderTest;

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 8; i++) await emitMany(anvil.rpcUrl, emitter, 5);
  vigil = await startVigilInProcess({ tuning });
  await watchEmitter(vigil.call, { chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }, emitter);
  await waitForStoreToEqualChain(vigil.server, anvil.rpcUrl, emitter, 45_000);
  await waitFor(async () => {
    const health = await vigil.call<{ segments: number }>('store.health', {});
    return health.segments >= 3 ? health : undefined;
  }, 30_000);
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

const auditOf = async (action: string): Promise<AuditEntry[]> =>
  (await vigil.call<{ entries: AuditEntry[] }>('audit.list', { action, order: 'asc' })).entries;

describe('retention in the engine', () => {
  it('refuses a bad retention, naming the field', async () => {
    const [contract] = await vigil.call<WatchedContract[]>('contracts.list');
    const error = await vigil.refused('contracts.update', {
      id: contract!.id,
      retention: { days: -3 },
    });
    expect(error.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(error)).toContain('retention.days');
  });

  it('deletes sealed rows past a contract retention, one audit entry per deletion', async () => {
    const [contract] = await vigil.call<WatchedContract[]>('contracts.list');
    const updated = await vigil.call<WatchedContract>('contracts.update', {
      id: contract!.id,
      retention: { events: 5 },
    });
    expect(updated.retention).toEqual({ events: 5 });
    const [changed] = await auditOf('contract.changed');
    expect(changed!.details['changes']).toEqual({ retention: { from: null, to: { events: 5 } } });

    const remaining = async (): Promise<EventRow[]> =>
      (
        await vigil.call<{ rows: EventRow[] }>('events.query', {
          contractId: contract!.id,
          limit: 1_000,
        })
      ).rows;
    // Every deleted row is accounted for by an entry once the timer has run.
    const entries = await waitFor(async () => {
      const deleted = await auditOf('retention.deleted');
      const rows = deleted.reduce((sum, entry) => sum + (entry.details['rows'] as number), 0);
      return deleted.length > 0 && rows + (await remaining()).length === emitted
        ? deleted
        : undefined;
    }, 30_000);
    const left = await remaining();
    expect(left.length).toBeGreaterThanOrEqual(5);
    expect(left.length).toBeLessThan(emitted);
    const oldestKept = Math.min(...left.map((row) => row.blockNumber));
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor: 'system', subject: `contract:${contract!.id}` });
      expect(entry.details['toBlock']).toBeLessThanOrEqual(oldestKept);
      expect(entry.details['fromBlock']).toBeLessThanOrEqual(entry.details['toBlock'] as number);
    }
    // One entry per segment: a deletion is never recorded twice.
    const segments = entries.map((entry) => entry.details['segment']);
    expect(new Set(segments).size).toBe(segments.length);
    expect(
      (await vigil.call<{ intact: boolean }>('audit.verify')).intact,
      'audit chain intact',
    ).toBe(true);
  });
});
