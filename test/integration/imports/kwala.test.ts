// Importing Kwala workflow files into a real Vigil watching a real anvil, through the contract as
// the UI uses it. The fixture files (written from Kwala's documented format) are copied into an
// operator-chosen folder with their chain ids pointed at anvil and their addresses at contracts
// deployed there. The preview changes nothing; malformed files are refused and change nothing;
// applying gives rules that fire for exactly the events the Kwala filters select, decided here by
// a small evaluator of Kwala's filter semantics that shares no code with the importer, and the
// workflow repeated every hour a schedule that lands disabled; importing again changes nothing.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEventLog,
  encodeFunctionData,
  type Abi,
  type Address,
  type TransactionReceipt,
} from 'viem';
import { parse } from 'yaml';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  STANDING,
  waitForFirings,
  watchContracts,
} from '../../helpers/alerts.ts';
import { saveEventRule } from '../../helpers/event-rule.ts';
import type { AnvilInstance } from '../../helpers/anvil.ts';
import {
  anvilAccount,
  approveTokens,
  contractAbis,
  deployContract,
  emitHidden,
  emitKinds,
  emitMany,
  mintTokens,
  sampleKinds,
  transferTokens,
} from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  configurationOf,
  FIXTURE_KEEPER,
  FIXTURE_TOKEN,
  startImportStack,
  type ImportStack,
} from '../../helpers/import-stack.ts';
import type { VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import type { RequestOutput, Schedule, Transaction } from '../../../src-main/ipc/contract.ts';

type Preview = RequestOutput<'workspace.importFrom'>;

const fixture = 'test/fixtures/imports/kwala';
const treasury = anvilAccount(1).address;
const hot = anvilAccount(2).address;

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let token: Address;
let emitter: Address;
let sentinelEmitter: Address;
let stack: ImportStack;
let folder: string;
/** The keychain signer the operator gives for Kwala's `call` actions. */
let caller: Address;

/** The fixture files with their chain on anvil, their addresses deployed there. */
function writeImportFolder(into: string): void {
  cpSync(fixture, into, { recursive: true });
  for (const name of readdirSync(into)) {
    const path = join(into, name);
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replaceAll(FIXTURE_TOKEN, token)
        .replaceAll(FIXTURE_KEEPER, emitter)
        .replace(
          /^(\s*(?:- )?(?:trigger|recurring)?chainid:\s*)['"]?1['"]?\s*$/gim,
          `$1${anvil.chainId}`,
        )
        // Deliveries go nowhere: this test is about which events fire, not about the channels.
        .replace(
          /https:\/\/(hooks\.slack\.com|discord\.com|alerts\.ops\.example)\S*/g,
          'http://127.0.0.1:9/hook',
        ),
    );
  }
}

beforeAll(async () => {
  const started = await startImportStack({ rootPrefix: 'vigil-kwala-root-', deploy: true });
  ({ anvil, vigil, token, emitter } = started);
  stack = started;
  sentinelEmitter = await deployContract(anvil.rpcUrl, 'Emitter');
  folder = join(stack.root, 'kwala-workflows');
  writeImportFolder(folder);
  const key = await fundedKey(anvil.rpcUrl);
  caller = key.address;
  await vigil.call('signers.import', { privateKey: key.privateKey, label: 'kwala calls' });
  // Kwala files name chains by id only: the operator has the chain (and the sentinel) already.
  await watchContracts(
    vigil.call,
    { name: 'anvil', chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, confirmations: 0 },
    [{ address: sentinelEmitter, artifact: 'Emitter' }],
  );
});

afterAll(async () => {
  await stack?.stop();
});

function configuration() {
  return configurationOf(vigil, ['contracts', 'rules', 'schedules', 'imports']);
}

// ---- An independent reading of Kwala's filter semantics --------------------------------------

type Value = bigint | string | boolean;

/** Every argument named must match: a list any of its values, "a,b" both bounds, else equality. */
function kwalaSelects(filter: unknown, args: Record<string, Value>): boolean {
  if (filter === undefined || filter === null || filter === 'NA') return true;
  const same = (actual: Value, expected: string): boolean =>
    typeof actual === 'bigint'
      ? actual === BigInt(expected)
      : String(actual).toLowerCase() === expected.toLowerCase();
  return Object.entries(filter as Record<string, unknown>).every(([key, wanted]) => {
    if (wanted === 'NA') return true;
    const name = Object.keys(args).find((arg) => arg.toLowerCase() === key.toLowerCase())!;
    const actual = args[name]!;
    if (Array.isArray(wanted)) return wanted.some((item) => same(actual, String(item)));
    return String(wanted)
      .split(',')
      .every((bound) => {
        const [, op, text] = /^(>=|<=|>|<)?(.*)$/.exec(bound.trim())!;
        if (!op) return same(actual, text!);
        const [a, b] = [actual as bigint, BigInt(text!)];
        return { '>': a > b, '<': a < b, '>=': a >= b, '<=': a <= b }[op]!;
      });
  });
}

/** A workflow's trigger as Kwala's files give it, keys in any case. */
function triggerOf(workflow: Record<string, unknown>): Record<string, unknown> {
  const lower = (object: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]));
  return lower(lower(workflow).trigger as Record<string, unknown>);
}

function abiOf(raw: string): Abi {
  const text = raw.trim().startsWith('[') ? raw : Buffer.from(raw, 'base64').toString('utf8');
  return JSON.parse(text) as Abi;
}

describe('importing Kwala workflow files', () => {
  let preview: Preview;

  it('previews what it would add and what it cannot carry over, changing nothing', async () => {
    const before = await configuration();
    preview = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: caller,
    });
    expect(preview.format).toBe('kwala');
    expect(preview.adds.chains).toEqual([]);
    expect(preview.adds.contracts.map((contract) => contract.address.toLowerCase()).sort()).toEqual(
      [token, emitter].map((address) => address.toLowerCase()).sort(),
    );
    expect(preview.adds.rules.map((rule) => rule.name).sort()).toEqual([
      'approval_watch: ping_keeper',
      'keeper_pings: Ping',
      'negative_signed_once: Signed',
      'usdc_large_transfers: Transfer',
    ]);
    // Kwala's hourly call: a schedule proposing it to the keeper, added disabled.
    expect(preview.adds.schedules).toEqual([
      {
        id: expect.any(String),
        name: 'hourly_rebalance: rebalance_call',
        everySeconds: 3600,
        timezone: 'UTC',
        chainId: anvil.chainId,
        to: emitter,
        function: 'emitHidden',
        enabled: false,
      },
    ]);
    expect(preview.existing).toEqual({
      chains: [],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    const reasons = preview.notCarried.map(
      (entry) => `${entry.file.slice(folder.length + 1)}:${entry.line} ${entry.reason}`,
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(/^usdc_large_transfers\.yaml:\d+ .*Telegram is not a Vigil channel/),
    );
    expect(reasons.filter((reason) => reason.startsWith('hourly_rebalance'))).toEqual([
      expect.stringMatching(/"immediate".*schedule starts when a person enables it/),
      expect.stringMatching(/sequential execution mode is not kept/),
    ]);
    expect(reasons.filter((reason) => reason.includes('ping_keeper'))).toEqual([
      expect.stringMatching(/^approval_watch\.yaml:\d+ .*does not retry it 1 times/),
    ]);
    expect(await configuration()).toEqual(before);
  });

  it('refuses malformed files with file, line and reason, and changes nothing', async () => {
    const broken = join(stack.root, 'broken');
    writeImportFolder(broken);
    const keeper = join(broken, 'keeper_pings.yml');
    writeFileSync(keeper, readFileSync(keeper, 'utf8').replace('Type: deploy', 'Type: email'));
    const signed = join(broken, 'negative_signed.yaml');
    writeFileSync(
      signed,
      readFileSync(signed, 'utf8').replace(/TriggerChainID: .*/, 'TriggerChainID: [1, 2]'),
    );
    const before = await configuration();
    try {
      const error = await vigil.refused('workspace.importFrom', {
        paths: [broken],
        proposeFrom: caller,
        confirm: true,
      });
      expect(error.code).toBe('IMPORT_INVALID');
      const problems = (
        error.details as { problems: { file: string; line: number; message: string }[] }
      ).problems;
      const lineOf = (path: string, needle: string) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .findIndex((line) => line.includes(needle)) + 1;
      // The trigger's wrong type is found first; the unknown action kind once triggers are right.
      expect(problems).toEqual([
        {
          file: signed,
          line: lineOf(signed, 'TriggerChainID'),
          message:
            'Trigger.TriggerChainID: must be a chain id (a positive whole number), not a list',
        },
      ]);
      writeFileSync(
        signed,
        readFileSync(signed, 'utf8').replace(
          /TriggerChainID: .*/,
          `TriggerChainID: ${anvil.chainId}`,
        ),
      );
      const second = await vigil.refused('workspace.importFrom', {
        paths: [broken],
        proposeFrom: caller,
        confirm: true,
      });
      expect((second.details as { problems: unknown[] }).problems).toEqual([
        {
          file: keeper,
          line: lineOf(keeper, 'Type: email'),
          message: 'Actions[1].Type: "email" is not a Kwala action type (post, call or deploy)',
        },
      ]);
    } finally {
      rmSync(broken, { recursive: true });
    }
    expect(await configuration()).toEqual(before);
  });

  it('applies, and its rules fire for exactly the events the Kwala filters select', async () => {
    // In one go: approval_watch's call and hourly_rebalance's schedule target the keeper, a
    // contract this same import adds (keeper_pings watches it).
    const result = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: caller,
      confirm: true,
    });
    expect(result.applied).toMatchObject({
      contractsAdded: 2,
      contractsUnchanged: 0,
      rulesAdded: 4,
      rulesUnchanged: 0,
      schedulesAdded: 1,
    });
    expect(await configuration()).toMatchObject({
      contracts: 3,
      rules: 4,
      schedules: 1,
      imports: 1,
    });
    // The hourly call landed as a schedule that proposes nothing until a person enables it.
    const { schedules } = await vigil.call<{ schedules: Schedule[] }>('automation.schedules.list');
    expect(schedules).toEqual([
      expect.objectContaining({
        id: preview.adds.schedules[0]!.id,
        name: 'hourly_rebalance: rebalance_call',
        everySeconds: 3600,
        enabled: false,
        nextSlotAt: null,
        propose: expect.objectContaining({
          chainId: anvil.chainId,
          from: caller,
          to: emitter,
          function: { name: 'emitHidden', args: ['1'] },
        }),
      }),
    ]);

    const sentinel = await saveEventRule(vigil.call, contractIdOf(anvil.chainId, sentinelEmitter), {
      name: 'Sentinel',
      eventName: 'Hidden',
      condition: '',
    });

    const receipts: TransactionReceipt[] = [];
    receipts.push(await mintTokens(anvil.rpcUrl, token, treasury, 10n ** 14n));
    receipts.push(await mintTokens(anvil.rpcUrl, token, hot, 10n ** 14n));
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, hot, 2n * 10n ** 9n, { accountIndex: 1 }),
    );
    receipts.push(await transferTokens(anvil.rpcUrl, token, hot, 5n, { accountIndex: 1 }));
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, treasury, 6n * 10n ** 13n, { accountIndex: 2 }),
    );
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, treasury, 10n ** 13n, { accountIndex: 2 }),
    );
    receipts.push(
      await approveTokens(anvil.rpcUrl, token, treasury, 10n ** 30n, { accountIndex: 2 }),
    );
    receipts.push(await approveTokens(anvil.rpcUrl, token, treasury, 10n, { accountIndex: 2 }));
    receipts.push(await approveTokens(anvil.rpcUrl, token, hot, 10n ** 30n, { accountIndex: 1 }));
    receipts.push(await emitMany(anvil.rpcUrl, emitter, 9n));
    receipts.push(await emitKinds(anvil.rpcUrl, emitter));
    receipts.push(await emitKinds(anvil.rpcUrl, emitter, { ...sampleKinds, signedValue: 7n }));
    await afterSentinelFired(vigil.call, sentinel.id, () =>
      emitHidden(anvil.rpcUrl, sentinelEmitter, 1n),
    );

    // What Kwala would have run on, workflow by workflow, from the files themselves.
    const expected = new Map<string, Set<string>>();
    for (const name of readdirSync(folder)) {
      // Every scalar as text: Kwala leaves addresses unquoted, which YAML would read as numbers.
      const workflow = parse(readFileSync(join(folder, name), 'utf8'), { schema: 'failsafe' });
      const trigger = triggerOf(workflow);
      const workflowName =
        (workflow as { Name?: string }).Name ?? (workflow as { name?: string }).name;
      const rule = preview.adds.rules.find((candidate) =>
        candidate.name.startsWith(`${workflowName}: `),
      );
      // Not carried over (listed in the preview): nothing to fire.
      if (!rule) continue;
      const abi = abiOf(String(trigger.triggersourcecontractabi));
      const eventName = String(trigger.triggereventname).split('(')[0];
      const address = String(trigger.triggersourcecontract).toLowerCase();
      const matches = new Set<string>();
      expected.set(rule.id, matches);
      for (const receipt of receipts)
        for (const log of receipt.logs) {
          if (log.address.toLowerCase() !== address) continue;
          let decoded: { eventName: string; args: Record<string, Value> };
          try {
            decoded = decodeEventLog({ abi, data: log.data, topics: log.topics }) as never;
          } catch {
            continue;
          }
          if (decoded.eventName !== eventName) continue;
          if (kwalaSelects(trigger.triggereventfilter, decoded.args))
            matches.add(`${log.transactionHash}:${log.logIndex}`);
        }
    }
    expect([...expected.keys()].sort()).toEqual(preview.adds.rules.map((rule) => rule.id).sort());
    const allEvents = receipts.flatMap((receipt) => receipt.logs).length;
    for (const [ruleId, matches] of expected) {
      const name = preview.adds.rules.find((rule) => rule.id === ruleId)!.name;
      // The fixtures select something for every rule, and not everything.
      expect(matches.size, name).toBeGreaterThan(0);
      await waitForFirings(vigil.call, ruleId, matches.size, STANDING);
    }
    await afterSentinelFired(vigil.call, sentinel.id, () =>
      emitHidden(anvil.rpcUrl, sentinelEmitter, 2n),
    );
    for (const [ruleId, matches] of expected) {
      const fired = (await firingsOf(vigil.call, ruleId)).map(
        (firing) => `${firing.event!.transactionHash}:${firing.event!.logIndex}`,
      );
      expect(new Set(fired), preview.adds.rules.find((rule) => rule.id === ruleId)!.name).toEqual(
        matches,
      );
      expect(fired).toHaveLength(matches.size);
      expect(matches.size).toBeLessThan(allEvents);
    }

    // Kwala's call action: one proposal per Approval it selected, from the operator's signer,
    // to the keeper, with the event's value as the argument, each waiting for approval by hand.
    const approvalRule = preview.adds.rules.find(
      (rule) => rule.name === 'approval_watch: ping_keeper',
    )!;
    const proposalsOf = async (): Promise<Transaction[]> =>
      (await vigil.call<{ txs: Transaction[] }>('txs.list', {})).txs.filter((item) =>
        item.source.startsWith(`rule:${approvalRule.id}:`),
      );
    // Proposed as each firing is recorded; wait for as many as there are firings.
    const proposals = await waitFor(async () => {
      const found = await proposalsOf();
      return found.length >= expected.get(approvalRule.id)!.size ? found : undefined;
    }, 30_000);
    expect(proposals).toHaveLength(expected.get(approvalRule.id)!.size);
    // The one Approval selected (10^30 to the treasury) gives emitHidden(10^30).
    expect(proposals.map((proposal) => proposal.data)).toEqual([
      encodeFunctionData({
        abi: contractAbis.Emitter,
        functionName: 'emitHidden',
        args: [10n ** 30n],
      }),
    ]);
    for (const proposal of proposals)
      expect(proposal).toMatchObject({
        status: 'proposed',
        from: caller,
        to: emitter,
        note: 'Kwala workflow "approval_watch", action "ping_keeper"',
      });
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await configuration();
    const again = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: caller,
      confirm: true,
    });
    expect(again.adds).toEqual({
      chains: [],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    expect(again.existing.rules).toHaveLength(4);
    expect(again.existing.schedules).toEqual([
      { id: preview.adds.schedules[0]!.id, name: 'hourly_rebalance: rebalance_call' },
    ]);
    expect(again.applied).toMatchObject({
      contractsAdded: 0,
      contractsUnchanged: 2,
      rulesAdded: 0,
      rulesUnchanged: 4,
      schedulesAdded: 0,
      schedulesUnchanged: 1,
    });
    expect(await configuration()).toEqual({ ...before, imports: before.imports + 1 });
  });
});
