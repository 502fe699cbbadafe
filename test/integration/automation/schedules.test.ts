// Schedules on headless Vigil as a child process that dies for real, with a real keychain signer:
// a schedule every 2 seconds proposes a token transfer (each waits for a person) while the child
// is killed with SIGKILL at random moments and restarted; at the end every slot from the first to
// the last has exactly one record, no slot was proposed twice, and every proposal made is recorded
// as its slot's. A schedule with a problem is refused naming the field, and nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type {
  AuditEntry,
  Schedule,
  ScheduleRun,
  Transaction,
} from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployDemoContracts } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  connectRpc,
  refusal,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { parseWorkspace } from '../../../src-main/core/workspace/index.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const KILL_LOOP_MS = 60_000;
let anvil: AnvilInstance;
let token: Address;
let signer: Address;
const dataDir = makeTempDir('vigil-schedules-');
const running: ServeProcess[] = [];

async function start(crashAt?: string): Promise<{ serve: ServeProcess; rpc: RpcClient }> {
  const serve = await startServe({ dataDir: dataDir.path, env: { VIGIL_CRASH_AT: crashAt } });
  running.push(serve);
  return { serve, rpc: await connectRpc(serve.wsUrl) };
}

const schedule = (overrides: Record<string, unknown> = {}) => ({
  id: 'pay-dead',
  name: 'Pay dead',
  everySeconds: 2,
  propose: {
    chainId: anvil.chainId,
    from: signer,
    to: token,
    function: { name: 'transfer', args: [DEAD, '1'] },
  },
  ...overrides,
});

const runsOf = async (rpc: RpcClient): Promise<ScheduleRun[]> =>
  (
    await rpc.call<{ runs: ScheduleRun[] }>('automation.schedules.runs', {
      id: 'pay-dead',
      limit: 1000,
    })
  ).runs;

const scheduled = async (rpc: RpcClient): Promise<Transaction[]> =>
  (await rpc.call<{ txs: Transaction[] }>('txs.list', { limit: 1000 })).txs.filter((tx) =>
    tx.source.startsWith('schedule:pay-dead:'),
  );

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  const key = await fundedKey(anvil.rpcUrl);
  signer = key.address;
  const { serve, rpc } = await start();
  await watchOnAnvil((name, input) => rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await rpc.call('signers.import', { privateKey: key.privateKey, label: 'keeper' });
  rpc.close();
  await serve.kill();
  running.pop();
}, 180_000);

afterAll(async () => {
  await Promise.all(running.map((serve) => serve.kill('SIGKILL')));
  await anvil?.stop();
  dataDir.remove();
});

describe('schedules', () => {
  it('refuses a schedule with a problem, naming the field, and saves nothing', async () => {
    const { serve, rpc } = await start();
    const save = (input: unknown) => refusal(rpc.call('automation.schedules.save', input));
    expect(await save(schedule({ everySeconds: undefined, cron: '61 * * * *' }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'cron',
      message: expect.stringMatching(/minute: 61/),
    });
    expect(await save(schedule({ everySeconds: undefined, cron: '* * *' }))).toMatchObject({
      field: 'cron',
      message: expect.stringMatching(/5 fields .* this one has 3/),
    });
    expect(await save(schedule({ cron: '* * * * *' }))).toMatchObject({
      field: 'everySeconds',
      message: expect.stringMatching(/exactly one of cron and everySeconds/),
    });
    expect(await save(schedule({ timezone: 'Mars/Olympus' }))).toMatchObject({
      field: 'timezone',
    });
    expect(await save(schedule({ execute: { policy: 'nope' } }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'execute.policy',
      message: expect.stringMatching(/no automation policy has id nope/),
    });
    const stranger = (await fundedKey(anvil.rpcUrl)).address;
    expect(
      await save(schedule({ propose: { ...schedule().propose, from: stranger } })),
    ).toMatchObject({ field: 'propose.from' });
    expect(
      await save(schedule({ propose: { ...schedule().propose, safe: stranger } })),
    ).toMatchObject({ field: 'propose.safe' });
    expect(
      (await rpc.call<{ schedules: Schedule[] }>('automation.schedules.list')).schedules,
    ).toEqual([]);
    expect(
      (await rpc.call<{ entries: AuditEntry[] }>('audit.list', { action: 'schedule.created' }))
        .entries,
    ).toEqual([]);
    rpc.close();
    await serve.kill();
    running.pop();
  }, 120_000);

  it('audits each change, and proposes under the policy it names', async () => {
    const { serve, rpc } = await start();
    const audited = async (action: string): Promise<AuditEntry[]> =>
      (await rpc.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries.filter(
        (entry) => entry.subject === 'schedule:harvest',
      );
    await rpc.call('automation.policies.save', {
      id: 'keeper',
      name: 'Keeper',
      chainId: anvil.chainId,
      signer,
      targets: [{ address: token, functions: [{ function: 'transfer' }] }],
      maxValuePerTx: '0',
      maxFeePerGas: '100000000000',
      dailyBudget: '10000000000000000',
      maxPerHour: 100,
    });
    // 09:00 in Paris; the first slot is the next one, read in that zone.
    const created = await rpc.call<Schedule>(
      'automation.schedules.save',
      schedule({
        id: undefined,
        name: 'Harvest',
        everySeconds: undefined,
        cron: '0 9 * * *',
        timezone: 'Europe/Paris',
      }),
    );
    expect(created).toMatchObject({ id: 'harvest', cron: '0 9 * * *', lastRun: null });
    const nine = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(created.nextSlotAt!));
    expect(nine).toBe('09:00');
    expect(created.nextSlotAt! - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect((await audited('schedule.created'))[0]!.details).toMatchObject({
      schedule: { id: 'harvest', cron: '0 9 * * *', timezone: 'Europe/Paris' },
    });

    // Under a policy a schedule sends on its own: a client with the session token alone can
    // neither save one enabled with execute nor enable one; a person can.
    const hostile = await connectRpc(serve.wsUrl, {}, { person: null });
    const underPolicy = schedule({
      id: 'harvest',
      name: 'Harvest',
      everySeconds: 1,
      execute: { policy: 'keeper' },
    });
    expect(await refusal(hostile.call('automation.schedules.save', underPolicy))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    await hostile.call('automation.schedules.save', { ...underPolicy, enabled: false });
    expect(
      await refusal(
        hostile.call('automation.schedules.setEnabled', { id: 'harvest', enabled: true }),
      ),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    hostile.close();
    // Every second now, under the policy: the proposal asks to be approved by it.
    await rpc.call('automation.schedules.save', underPolicy);
    // Newest first.
    expect((await audited('schedule.changed')).map((entry) => entry.details)).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ enabled: false }),
        after: expect.objectContaining({ enabled: true, execute: { policy: 'keeper' } }),
      }),
      expect.objectContaining({
        before: expect.objectContaining({ cron: '0 9 * * *' }),
        after: expect.objectContaining({ everySeconds: 1, enabled: false }),
      }),
    ]);
    const run = await waitFor(
      async () =>
        (
          await rpc.call<{ runs: ScheduleRun[] }>('automation.schedules.runs', {
            id: 'harvest',
            limit: 1,
          })
        ).runs[0],
      20_000,
    );
    expect(run.outcome).toBe('proposed');
    const tx = await rpc.call<Transaction>('txs.get', { id: run.txId });
    expect(tx).toMatchObject({
      source: `schedule:harvest:${run.slotAt}`,
      executeUnder: 'keeper',
      status: 'proposed',
    });

    await rpc.call('automation.schedules.setEnabled', { id: 'harvest', enabled: false });
    const disabled = (
      await rpc.call<{ schedules: Schedule[] }>('automation.schedules.list')
    ).schedules.find((candidate) => candidate.id === 'harvest');
    expect(disabled).toMatchObject({ enabled: false, nextSlotAt: null });
    await rpc.call('automation.schedules.setEnabled', { id: 'harvest', enabled: true });
    expect(await audited('schedule.disabled')).toHaveLength(2);
    expect(await audited('schedule.enabled')).toHaveLength(2);
    await rpc.call('automation.schedules.remove', { id: 'harvest' });
    expect(await audited('schedule.removed')).toHaveLength(1);
    expect(await refusal(rpc.call('automation.schedules.runs', { id: 'harvest' }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'id',
    });
    rpc.close();
    await serve.kill();
    running.pop();
  }, 120_000);

  it(
    'runs each slot exactly once or records it skipped, across kill -9 at random moments',
    { timeout: 240_000 },
    async () => {
      // Killed right after the first slot's proposal is saved, before its run is recorded.
      const crashing = await start('schedule.proposed');
      const saved = await crashing.rpc.call<Schedule>('automation.schedules.save', schedule());
      expect(saved).toMatchObject({ enabled: true, timezone: 'UTC', catchUpSeconds: 3600 });
      expect(saved.nextSlotAt).toBe(saved.createdAt + 2_000);
      await waitFor(() => crashing.serve.process.signalCode !== null, 20_000);
      expect(crashing.serve.output()).toContain('crash point schedule.proposed reached');
      running.pop();
      let { serve, rpc } = await start();
      // The restart records the first slot's proposal as its run, and proposes it no more.
      const [first] = await waitFor(async () => {
        const runs = await runsOf(rpc);
        return runs.length > 0 ? runs.reverse() : undefined;
      }, 20_000);
      const [firstTx, ...others] = (await scheduled(rpc)).filter(
        (tx) => tx.source === `schedule:pay-dead:${saved.createdAt + 2_000}`,
      );
      expect(others).toEqual([]);
      expect(first).toMatchObject({
        slotAt: saved.createdAt + 2_000,
        outcome: 'proposed',
        txId: firstTx!.id,
      });

      const loopEnds = Date.now() + KILL_LOOP_MS;
      let kills = 0;
      while (Date.now() < loopEnds) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 3_500));
        rpc.close();
        await serve.kill('SIGKILL');
        running.pop();
        kills++;
        ({ serve, rpc } = await start());
      }
      // Down for three slots at least: at the restart only the newest missed one runs, and the
      // ones before it are recorded skipped (random kills above may or may not have done that).
      rpc.close();
      await serve.kill('SIGKILL');
      running.pop();
      kills++;
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      ({ serve, rpc } = await start());

      // Disabled, then killed once more: a proposal under way may or may not have been saved;
      // a saved one is recorded as its slot's at the restart, and nothing runs after.
      await rpc.call('automation.schedules.setEnabled', { id: 'pay-dead', enabled: false });
      rpc.close();
      await serve.kill('SIGKILL');
      running.pop();
      ({ serve, rpc } = await start());
      const connected = rpc;
      await waitFor(async () => {
        const recorded = new Set((await runsOf(connected)).map((run) => run.txId));
        return (await scheduled(connected)).every((tx) => recorded.has(tx.id));
      }, 30_000);
      const runs = (await runsOf(rpc)).reverse();
      const proposals = await scheduled(rpc);

      // No slot proposed twice.
      const sources = proposals.map((tx) => tx.source);
      expect(new Set(sources).size).toBe(sources.length);
      // Every slot from the first to the last has exactly one record, in 2-second steps.
      const slots = runs.map((run) => run.slotAt);
      expect(slots).toEqual(slots.map((_, index) => saved.createdAt + (index + 1) * 2_000));
      for (const run of runs) {
        if (run.outcome === 'proposed') {
          const tx = proposals.find((candidate) => candidate.id === run.txId);
          expect(tx?.source).toBe(`schedule:pay-dead:${run.slotAt}`);
          expect(tx?.status).toBe('proposed');
        } else {
          expect(run.outcome).toBe('skipped');
          expect(run.reason).toMatch(/superseded by a later slot|outside the catch-up window/);
        }
      }
      // Every proposal is its slot's recorded one.
      expect(proposals.length).toBe(runs.filter((run) => run.outcome === 'proposed').length);
      expect(kills).toBeGreaterThanOrEqual(5);
      // Each restart missed slots while the child was down; the newest ran, the others did not.
      expect(runs.some((run) => run.outcome === 'skipped')).toBe(true);
      console.log(
        `schedules kill test: ${kills} kills, ${runs.length} slots: ${proposals.length} proposed, ${runs.length - proposals.length} skipped`,
      );
      rpc.close();
      await serve.kill();
      running.pop();
    },
  );
  it('exports schedules to the workspace file and imports them disabled', async () => {
    const { serve, rpc } = await start();
    const { yaml: exported } = await rpc.call<{ yaml: string }>('workspace.export');
    const { schedules: inFile } = parseWorkspace(exported, {
      fileName: 'exported.yaml',
      readFile: () => '',
    });
    expect(inFile).toContainEqual(
      expect.objectContaining({ id: 'pay-dead', everySeconds: 2, catchUpSeconds: 3600 }),
    );
    expect(exported).not.toMatch(/^ {4}enabled:/m);

    const file = (from: string) => `version: 1
schedules:
  - id: imported
    name: Imported
    cron: '*/1 * * * * *'
    propose:
      chainId: ${anvil.chainId}
      from: '${from}'
      to: '${token}'
      function: { name: transfer, args: ['${DEAD}', '1'] }
`;
    const stranger = (await fundedKey(anvil.rpcUrl)).address;
    expect(
      await refusal(rpc.call('workspace.import', { yaml: file(stranger), fileName: 'ops.yaml' })),
    ).toMatchObject({ field: 'schedules[0].propose.from' });
    const list = async () =>
      (await rpc.call<{ schedules: Schedule[] }>('automation.schedules.list')).schedules;
    expect((await list()).map((saved) => saved.id)).not.toContain('imported');

    expect(
      await rpc.call('workspace.import', { yaml: file(signer), fileName: 'ops.yaml' }),
    ).toMatchObject({ schedulesAdded: 1, schedulesUnchanged: 0 });
    // Every second, yet disabled: nothing is proposed until a person enables it.
    expect((await list()).find((saved) => saved.id === 'imported')).toMatchObject({
      enabled: false,
      nextSlotAt: null,
      lastRun: null,
    });
    const [created] = (
      await rpc.call<{ entries: AuditEntry[] }>('audit.list', { action: 'schedule.created' })
    ).entries.filter((entry) => entry.subject === 'schedule:imported');
    expect(created!.details).toMatchObject({ from: 'workspace', schedule: { enabled: false } });
    expect(
      await rpc.call('workspace.import', { yaml: file(signer), fileName: 'ops.yaml' }),
    ).toMatchObject({ schedulesAdded: 0, schedulesUnchanged: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(
      (await rpc.call<{ runs: ScheduleRun[] }>('automation.schedules.runs', { id: 'imported' }))
        .runs,
    ).toEqual([]);
    rpc.close();
    await serve.kill();
    running.pop();
  }, 120_000);
});
