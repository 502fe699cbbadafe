// Automation policies through the real engine, with a real keychain signer and a person's
// passkey for the gate: a policy with a problem is refused naming the field and nothing is saved;
// a client with the session token alone cannot create, widen or enable a policy nor resume the
// switch, but can narrow, disable and pause; the paused switch survives a restart.
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type {
  AuditEntry,
  AutomationPolicy,
  AutomationStatus,
} from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployDemoContracts, loadArtifact } from '../../helpers/contracts.ts';
import { makePerson } from '../../helpers/person.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import {
  CallError,
  startVigilInProcess,
  type VigilUnderTest,
} from '../../helpers/vigil-in-process.ts';

const person = makePerson('alice');
const dataDir = makeTempDir('vigil-automation-');
let anvil: AnvilInstance;
let token: string;
let signer: string;
let vigil: VigilUnderTest;

const start = () =>
  startVigilInProcess({
    dataDir: dataDir.path,
    person,
    tuning: { safeRefreshMs: 0, proxyCheckIntervalMs: 0 },
  });

const auditOf = async (action: string): Promise<AuditEntry[]> =>
  (await vigil.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries;
const policies = async (): Promise<AutomationPolicy[]> =>
  (await vigil.call<{ policies: AutomationPolicy[] }>('automation.policies.list')).policies;

/** The contract error of a call made with the session token alone. */
async function refusedToNobody(name: string, input?: unknown) {
  try {
    const value = await vigil.callAsNobody(name, input);
    throw new Error(`${name} was expected to fail but answered ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof CallError) return error.error;
    throw error;
  }
}

const policy = (overrides: Record<string, unknown> = {}) => ({
  id: 'top-up',
  name: 'Top up',
  chainId: anvil.chainId,
  signer,
  targets: [
    {
      address: token,
      functions: [{ function: 'transfer', condition: 'value <= 1000' }, { function: 'approve' }],
    },
  ],
  maxValuePerTx: '0',
  maxFeePerGas: '100000000000',
  dailyBudget: '10000000000000000',
  maxPerHour: 4,
  enabled: false,
  ...overrides,
});

beforeAll(async () => {
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  vigil = await start();
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
  await vigil.call('contracts.add', {
    chainId: anvil.chainId,
    address: token,
    abi: loadArtifact('DemoToken').abi,
    startBlock: 0,
  });
  ({ address: signer } = await vigil.call<{ address: string }>('signers.generate', {
    label: 'keeper',
  }));
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
  dataDir.remove();
});

describe('automation policies', () => {
  it('refuses a policy with a problem, naming the field, and saves and audits nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ chainId: 999 }, 'NOT_FOUND', 'chainId'],
      [{ signer: '0x000000000000000000000000000000000000dEaD' }, 'NOT_FOUND', 'signer'],
      [
        {
          targets: [
            { address: token, functions: [{ function: 'approve' }, { function: 'pause' }] },
          ],
        },
        'NOT_FOUND',
        'targets[0].functions[1].function',
      ],
      [
        {
          targets: [
            { address: token, functions: [{ function: 'transfer', condition: 'amount > 1' }] },
          ],
        },
        'CONDITION_UNKNOWN_FIELD',
        'targets[0].functions[0].condition',
      ],
      [
        {
          targets: [
            { address: token, functions: [{ function: 'transfer', condition: 'value >' }] },
          ],
        },
        'CONDITION_SYNTAX',
        'targets[0].functions[0].condition',
      ],
    ];
    for (const [overrides, code, field] of cases) {
      expect(await vigil.refused('automation.policies.save', policy(overrides))).toMatchObject({
        code,
        field,
      });
    }
    const strict = await vigil.refused('automation.policies.save', { ...policy(), budget: '1' });
    expect(strict.code).toBe('INVALID_INPUT');
    expect(await policies()).toEqual([]);
    expect(await auditOf('policy.created')).toEqual([]);
    // Refused before any person was asked.
    expect(await auditOf('approval.given')).toEqual([]);
  });

  it('lets no client with the session token alone create, widen or enable a policy, nor resume', async () => {
    expect(await refusedToNobody('automation.policies.save', policy())).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(await policies()).toEqual([]);

    const created = await vigil.call<AutomationPolicy>('automation.policies.save', policy());
    expect(created).toMatchObject({ id: 'top-up', enabled: false, signer });
    expect(created.targets[0]!.functions.map((fn) => fn.signature)).toEqual([
      'transfer(address,uint256)',
      'approve(address,uint256)',
    ]);
    const [createdEntry] = await auditOf('policy.created');
    expect(createdEntry).toMatchObject({
      actor: 'alice',
      subject: 'policy:top-up',
      details: { approvedBy: { name: 'alice' } },
    });

    const widenings: Record<string, unknown>[] = [
      { maxFeePerGas: '100000000001' },
      { maxPerHour: 5 },
      { dailyBudget: '10000000000000001' },
      {
        targets: [
          {
            address: token,
            functions: [
              { function: 'transfer', condition: 'value <= 1000' },
              { function: 'approve' },
              { function: 'mint' },
            ],
          },
        ],
      },
      {
        targets: [
          { address: token, functions: [{ function: 'transfer' }, { function: 'approve' }] },
        ],
      },
      { enabled: true },
    ];
    for (const widening of widenings)
      expect(await refusedToNobody('automation.policies.save', policy(widening))).toMatchObject({
        code: 'APPROVAL_REQUIRED',
      });
    expect(
      await refusedToNobody('automation.policies.setEnabled', { id: 'top-up', enabled: true }),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(await policies()).toEqual([created]);

    // Narrowing needs nobody, and is audited with nothing widened.
    const narrowed = await vigil.callAsNobody<AutomationPolicy>(
      'automation.policies.save',
      policy({ maxPerHour: 2 }),
    );
    expect(narrowed).toMatchObject({ maxPerHour: 2, createdAt: created.createdAt });
    const [changed] = await auditOf('policy.changed');
    expect(changed!.details).toMatchObject({ widened: [] });
    expect(changed!.details['approvedBy']).toBeUndefined();

    const enabled = await vigil.call<AutomationPolicy>('automation.policies.setEnabled', {
      id: 'top-up',
      enabled: true,
    });
    expect(enabled.enabled).toBe(true);
    expect(
      await vigil.callAsNobody<AutomationPolicy>('automation.policies.setEnabled', {
        id: 'top-up',
        enabled: false,
      }),
    ).toMatchObject({ enabled: false });
    await vigil.call('automation.policies.setEnabled', { id: 'top-up', enabled: true });
    expect((await auditOf('policy.enabled')).length).toBe(2);
    expect((await auditOf('policy.disabled')).length).toBe(1);

    // Pausing needs nobody; resuming turns automatic signing back on, so it needs a person.
    expect(
      await vigil.callAsNobody<AutomationStatus>('automation.pause', { reason: 'drill' }),
    ).toMatchObject({ paused: true, changedBy: 'alice', reason: 'drill', enabledPolicies: 1 });
    expect(await refusedToNobody('automation.resume', {})).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(await vigil.call<AutomationStatus>('automation.status')).toMatchObject({ paused: true });
  });

  it('keeps the switch paused and the policies through a restart; a person resumes', async () => {
    await vigil.close({ keepDataDir: true });
    vigil = await start();
    expect(await vigil.call<AutomationStatus>('automation.status')).toMatchObject({
      paused: true,
      changedBy: 'alice',
      reason: 'drill',
      policies: 1,
      enabledPolicies: 1,
    });
    expect(await policies()).toMatchObject([{ id: 'top-up', enabled: true, maxPerHour: 2 }]);

    expect(await vigil.call<AutomationStatus>('automation.resume', {})).toMatchObject({
      paused: false,
    });
    const [resumed] = await auditOf('automation.resumed');
    expect(resumed).toMatchObject({
      subject: 'automation',
      details: { approvedBy: { name: 'alice' } },
    });
    expect(await auditOf('automation.paused')).toHaveLength(1);

    // Removing narrows: nobody needs to approve it.
    expect(await vigil.callAsNobody('automation.policies.remove', { id: 'top-up' })).toEqual({
      removed: true,
    });
    expect(await policies()).toEqual([]);
    expect(await auditOf('policy.removed')).toHaveLength(1);
  });

  it('carries policies in the workspace file without ever widening or enabling one', async () => {
    await vigil.call('automation.policies.save', policy({ enabled: true }));
    const { yaml } = await vigil.call<{ yaml: string }>('workspace.export');
    const exported = parseYaml(yaml) as { policies: Record<string, unknown>[] };
    expect(exported.policies).toEqual([
      expect.objectContaining({
        id: 'top-up',
        maxPerHour: 4,
        targets: [
          {
            address: getAddress(token),
            functions: [
              { function: 'transfer(address,uint256)', condition: 'value <= 1000' },
              { function: 'approve(address,uint256)' },
            ],
          },
        ],
      }),
    ]);
    expect(exported.policies[0]).not.toHaveProperty('enabled');
    const fileWith = (...entries: Record<string, unknown>[]) =>
      stringifyYaml({ version: 1, policies: entries });
    const topUp = exported.policies[0]!;
    const importAsNobody = (text: string) =>
      vigil.callAsNobody<Record<string, number>>('workspace.import', {
        yaml: text,
        fileName: 'ops.yaml',
      });

    // The same terms change nothing; importing needs no person, since it enables nothing.
    expect(await importAsNobody(yaml)).toMatchObject({ policiesUnchanged: 1, policiesAdded: 0 });
    expect(await policies()).toMatchObject([{ id: 'top-up', enabled: true }]);

    // A narrowing keeps the policy enabled; a new policy starts disabled.
    const pauser = { ...topUp, id: 'pauser', name: 'Pauser', maxPerHour: 1 };
    expect(await importAsNobody(fileWith({ ...topUp, maxPerHour: 2 }, pauser))).toMatchObject({
      policiesAdded: 1,
      policiesChanged: 1,
      policiesUnchanged: 0,
    });
    expect(await policies()).toMatchObject([
      { id: 'top-up', enabled: true, maxPerHour: 2 },
      { id: 'pauser', enabled: false },
    ]);

    // A widening saves it disabled, and says so in the audit log.
    expect(await importAsNobody(fileWith({ ...topUp, maxPerHour: 10 }, pauser))).toMatchObject({
      policiesChanged: 1,
      policiesUnchanged: 1,
    });
    expect(await policies()).toMatchObject([
      { id: 'top-up', enabled: false, maxPerHour: 10 },
      { id: 'pauser', enabled: false },
    ]);
    const [disabled] = await auditOf('policy.disabled');
    expect(disabled).toMatchObject({
      subject: 'policy:top-up',
      details: { file: 'ops.yaml', reason: expect.stringContaining('widened') },
    });

    // A bad entry names its field (and line, for a typo in a key); nothing of the file is saved.
    const before = await policies();
    const unknownFunction = await refusedToNobody('workspace.import', {
      yaml: fileWith({
        ...pauser,
        maxPerHour: 1,
        targets: [{ address: token, functions: [{ function: 'transfr' }] }],
      }),
      fileName: 'ops.yaml',
    });
    expect(unknownFunction).toMatchObject({
      field: 'policies[0].targets[0].functions[0].function',
      message: expect.stringMatching(/ops\.yaml: .*no function transfr.*did you mean transfer/),
    });
    const typo = await refusedToNobody('workspace.import', {
      yaml: `version: 1\npolicies:\n  - ${stringifyYaml({ ...pauser, maxPerHuor: 3 })
        .trimEnd()
        .replace(/\n/g, '\n    ')}\n`,
      fileName: 'ops.yaml',
    });
    expect(typo).toMatchObject({ code: 'WORKSPACE_INVALID' });
    expect(typo!.message).toMatch(
      /^ops\.yaml:\d+:\d+: policies\[0\]\.maxPerHuor: unknown key "maxPerHuor"; did you mean "maxPerHour"\?$/,
    );
    expect(await policies()).toEqual(before);

    // A schedule may execute under a policy the same file adds; both arrive disabled.
    const drip = { ...topUp, id: 'drip', name: 'Drip' };
    expect(
      await importAsNobody(
        stringifyYaml({
          version: 1,
          policies: [drip],
          schedules: [
            {
              id: 'hourly-drip',
              name: 'Hourly drip',
              everySeconds: 3600,
              propose: {
                chainId: anvil.chainId,
                from: signer,
                to: token,
                function: { name: 'transfer', args: [signer, '1'] },
              },
              execute: { policy: 'drip' },
            },
          ],
        }),
      ),
    ).toMatchObject({ policiesAdded: 1, schedulesAdded: 1 });
    expect((await policies()).find((saved) => saved.id === 'drip')).toMatchObject({
      enabled: false,
    });
    const { schedules } = await vigil.call<{ schedules: { id: string; enabled: boolean }[] }>(
      'automation.schedules.list',
    );
    expect(schedules).toMatchObject([{ id: 'hourly-drip', enabled: false }]);

    // A rule in a file that would send under a policy arrives off: the file cannot turn it on.
    await importAsNobody(
      stringifyYaml({
        version: 1,
        rules: [
          {
            id: 'sends-on-transfer',
            name: 'Sends on transfer',
            kind: 'event',
            contractId: `${anvil.chainId}:${token.toLowerCase()}`,
            eventName: 'Transfer',
            enabled: true,
            propose: {
              chainId: anvil.chainId,
              from: signer,
              to: token,
              function: { name: 'transfer', args: [signer, '1'] },
              execute: { policy: 'top-up' },
            },
          },
        ],
      }),
    );
    const { rules } = await vigil.call<{ rules: { id: string; enabled: boolean }[] }>(
      'alerts.rules.list',
    );
    expect(rules.find((rule) => rule.id === 'sends-on-transfer')).toMatchObject({
      enabled: false,
    });
  });
});
