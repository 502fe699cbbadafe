// Kwala workflow files as an import plan, on fixtures written from Kwala's documented format
// (PascalCase and camelCase keys, NA, a base64 ABI, post to Slack, Discord, Telegram and other
// URLs, a call action, RepeatEvery): what becomes contracts, rules, channels, proposals and
// schedules, what
// is listed as not carried over (file, line, reason), and malformed files refused with file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  planImport,
  type ImportContext,
  type ImportFile,
  type ImportPlan,
} from '../../../src-main/core/importers/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { ScheduleInput } from '../../../src-main/ipc/contract.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const root = 'test/fixtures/imports/kwala';
const signer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const env = { SECURITY_DISCORD_HOOK: '1290/security-token' };

function fixtureFiles(): ImportFile[] {
  return readdirSync(root).map((name) => ({
    path: join(root, name),
    text: readFileSync(join(root, name), 'utf8'),
  }));
}

function plan(context: Partial<ImportContext> = {}, files = fixtureFiles()): ImportPlan {
  return planImport(files, { env, format: 'kwala', ...context });
}

function ruleNamed(result: ImportPlan, name: string) {
  const rule = result.workspace.rules.find((candidate) => candidate.name === name);
  if (!rule)
    throw new Error(`no rule ${name} in ${result.workspace.rules.map((r) => r.name).join(', ')}`);
  return rule as Extract<(typeof result.workspace.rules)[number], { kind: 'event' }>;
}

function lineOf(file: string, needle: string): number {
  return (
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(needle)) + 1
  );
}

function reasons(result: ImportPlan): string[] {
  return result.notCarried.map(
    (entry) => `${entry.file.slice(root.length + 1)}:${entry.line} ${entry.reason}`,
  );
}

function failure(files: ImportFile[]): { file: string; line: number; message: string }[] {
  try {
    plan({}, files);
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('IMPORT_INVALID');
    return ((error as VigilError).details as { problems: never[] }).problems;
  }
  throw new Error('the import was accepted');
}

function withFile(name: string, edit: (text: string) => string): ImportFile[] {
  return fixtureFiles().map((file) =>
    file.path === join(root, name) ? { ...file, text: edit(file.text) } : file,
  );
}

describe('Kwala import plan', () => {
  it('is detected from the workflow files', () => {
    expect(detectFormat(fixtureFiles())).toBe('kwala');
  });

  it('watches each trigger contract once, with the ABIs decoded (base64 and JSON text)', () => {
    const { workspace } = plan({ proposeFrom: signer });
    expect(workspace.chains).toEqual([]);
    expect(
      workspace.contracts.map((contract) => [
        contract.chainId,
        contract.address,
        (contract.abi as { name: string }[]).map((item) => item.name).sort(),
      ]),
    ).toEqual([
      [1, '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', ['Approval', 'Transfer']],
      [1, '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419', ['Ping', 'Signed', 'emitHidden']],
    ]);
  });

  it('turns filters into conditions that keep their meaning', () => {
    const result = plan({ proposeFrom: signer });
    expect(ruleNamed(result, 'usdc_large_transfers: Transfer').condition).toBe(
      'from in [0x70997970c51812dc3a010c7d01b50e0d17dc79c8, 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc] and value >= 1000000000 and value <= 50000000000000',
    );
    expect(ruleNamed(result, 'keeper_pings: Ping').condition).toBe('seq < 5');
    expect(ruleNamed(result, 'negative_signed_once: Signed').condition).toBe('value < 0');
    expect(ruleNamed(result, 'approval_watch: ping_keeper').condition).toBe(
      'spender == 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 and value > 1000000000000000000000000',
    );
    for (const rule of result.workspace.rules)
      if (rule.kind === 'event') expect(() => parseCondition(rule.condition)).not.toThrow();
  });

  it('posts to Slack and Discord in their formats, other URLs as Vigil webhooks, Telegram not', () => {
    const result = plan({ proposeFrom: signer });
    expect(ruleNamed(result, 'usdc_large_transfers: Transfer').channels).toEqual([
      {
        type: 'webhook',
        url: 'https://hooks.slack.com/services/T024BE7LD/B08QJ5M2K3Z/kwalaOpsChannel01',
        format: 'slack',
      },
      {
        type: 'webhook',
        url: 'https://discord.com/api/webhooks/1290412345678901234/kwala-treasury-token',
        format: 'discord',
      },
      { type: 'webhook', url: 'https://alerts.ops.example/kwala/usdc', format: 'json' },
    ]);
    // The Discord URL's token came from the environment (${SECURITY_DISCORD_HOOK}).
    expect(result.secrets).toEqual([
      {
        env: 'SECURITY_DISCORD_HOOK',
        purpose: 'part of the URL of workflow "approval_watch", action "discord_security"',
        file: join(root, 'approval_watch.yaml'),
        line: lineOf('approval_watch.yaml', 'apiEndpoint'),
      },
    ]);
    expect(ruleNamed(result, 'approval_watch: ping_keeper').channels).toEqual([
      {
        type: 'webhook',
        url: 'https://discord.com/api/webhooks/1290/security-token',
        format: 'discord',
      },
    ]);
    expect(reasons(result)).toContainEqual(
      `usdc_large_transfers.yaml:${lineOf('usdc_large_transfers.yaml', 'api.telegram.org')} workflow "usdc_large_transfers", action "telegram_oncall": Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
    );
  });

  it('makes a call action the rule proposal, waiting for approval unless a policy is given', () => {
    const waiting = ruleNamed(plan({ proposeFrom: signer }), 'approval_watch: ping_keeper');
    expect(waiting.propose).toEqual({
      chainId: 1,
      to: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419',
      from: signer,
      function: { name: 'emitHidden', args: ['{{event.args.value}}'] },
      note: 'Kwala workflow "approval_watch", action "ping_keeper"',
    });
    const underPolicy = ruleNamed(
      plan({ proposeFrom: signer, proposePolicy: 'keeper-pings' }),
      'approval_watch: ping_keeper',
    );
    expect(underPolicy.propose?.execute).toEqual({ policy: 'keeper-pings' });
  });

  it('encodes a static call to a contract the import does not watch, and refuses an event-valued one', () => {
    const elsewhere = '0x000000000000000000000000000000000000dEaD';
    const files = withFile('approval_watch.yaml', (text) =>
      text
        .replace(/targetContract: .*/, `targetContract: '${elsewhere}'`)
        .replace('re.event(2)', "'42'"),
    );
    expect(
      ruleNamed(plan({ proposeFrom: signer }, files), 'approval_watch: ping_keeper').propose,
    ).toMatchObject({
      to: elsewhere,
      data: encodeFunctionData({
        abi: parseAbi(['function emitHidden(uint256 value)']),
        args: [42n],
      }),
    });
    const dynamic = withFile('approval_watch.yaml', (text) =>
      text.replace(/targetContract: .*/, `targetContract: '${elsewhere}'`),
    );
    expect(reasons(plan({ proposeFrom: signer }, dynamic))).toContainEqual(
      expect.stringMatching(
        /ping_keeper.*is not a contract this import watches.*watch it in Vigil first/,
      ),
    );
  });

  it('without a signer, lists the call and still alerts', () => {
    const result = plan();
    const rule = ruleNamed(result, 'approval_watch: Approval');
    expect(rule.propose).toBeUndefined();
    expect(rule.channels).toHaveLength(1);
    expect(reasons(result)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^approval_watch\\.yaml:${lineOf('approval_watch.yaml', 'type: call')} .*ping_keeper.*keychain signer`,
        ),
      ),
    );
  });

  it('lists what does not carry over, each at its line', () => {
    const all = reasons(plan({ proposeFrom: signer }));
    const expectAt = (file: string, needle: string, pattern: RegExp): void =>
      expect(all, `${file}: ${needle}`).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${file.replace('.', '\\.')}:${lineOf(file, needle)} .*${pattern.source}`),
        ),
      );
    expectAt('hourly_rebalance.yaml', 'ExecuteAfter', /schedule starts when a person enables it/);
    expectAt('address_list_filter.yaml', 'Type: post', /watches no on-chain event/);
    expectAt('negative_signed.yaml', 'RepeatEvery: NA', /runs it once/);
    expectAt('approval_watch.yaml', 'expiresIn', /do not expire/);
    expectAt('keeper_pings.yml', 'Type: deploy', /does not deploy/);
    expectAt('keeper_pings.yml', 'RetriesUntilSuccess: 3', /does not retry it 3 times/);
    expectAt('usdc_large_transfers.yaml', 'Mode: parallel', /parallel execution mode/);
    expectAt('address_list_filter.yaml', 'list:', /address\[\] values/);
    // NA settings are unset, not "not carried over" (keeper_pings has a real Meta).
    expect(
      all
        .filter((reason) => /Meta|expire|status notification/.test(reason))
        .map((r) => r.split(' ')[0]),
    ).toEqual([
      `approval_watch.yaml:${lineOf('approval_watch.yaml', 'expiresIn')}`,
      `keeper_pings.yml:${lineOf('keeper_pings.yml', 'owner:')}`,
    ]);
  });

  it('lists keys it does not know at their lines, matching known ones in any case', () => {
    const edit = (text: string): string =>
      text
        .replace('Name: keeper_pings', 'Name: keeper_pings\nOwnerTeam: platform')
        .replace('  TriggerEventName: Ping', '  triggereventname: Ping\n  TriggerDelay: 5')
        .replace('    RetriesUntilSuccess: 3', '    RetriesUntilSuccess: 3\n    Timeout: 30');
    const file = join(root, 'keeper_pings.yml');
    const text = edit(readFileSync(file, 'utf8'));
    const at = (needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
    const result = plan({}, withFile('keeper_pings.yml', edit));
    expect(
      result.notCarried
        .filter((entry) => /importer knows/.test(entry.reason))
        .sort((a, b) => a.line - b.line)
        .map((entry) => [entry.file, entry.line, entry.reason]),
    ).toEqual([
      [file, at('OwnerTeam'), expect.stringMatching(/OwnerTeam is not a Kwala section/)],
      [
        file,
        at('TriggerDelay'),
        expect.stringMatching(/Trigger\.TriggerDelay is not a Kwala setting/),
      ],
      [
        file,
        at('Timeout: 30'),
        expect.stringMatching(/"keeper_webhook": Timeout is not a Kwala action setting/),
      ],
    ]);
    // The lowercase triggereventname is TriggerEventName: the same rules are made.
    expect(result.workspace.rules.map((rule) => rule.id)).toEqual(
      plan().workspace.rules.map((rule) => rule.id),
    );
  });

  it('makes the call of a workflow repeated on time a disabled schedule proposing it', () => {
    const keeper = '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419';
    const result = plan({ proposeFrom: signer });
    expect(result.workspace.schedules).toEqual([
      {
        id: expect.stringMatching(/^hourly-rebalance-[0-9a-f]{8}$/),
        name: 'hourly_rebalance: rebalance_call',
        everySeconds: 3600,
        timezone: 'UTC',
        propose: {
          chainId: 1,
          to: keeper,
          from: signer,
          // The keeper is a contract this import watches, with emitHidden in its ABI.
          function: { name: 'emitHidden', args: ['1'] },
          note: 'Kwala workflow "hourly_rebalance", action "rebalance_call"',
        },
        catchUpSeconds: 3600,
        enabled: false,
      },
    ]);
    // What the workspace file's reader would accept, as written.
    expect(ScheduleInput.parse(result.workspace.schedules[0])).toEqual(
      result.workspace.schedules[0],
    );
    expect(reasons(result).filter((reason) => reason.startsWith('hourly_rebalance'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `:${lineOf('hourly_rebalance.yaml', 'ExecuteAfter')} .*"immediate".*schedule starts when a person enables it`,
        ),
      ),
      expect.stringMatching(/:20 .*sequential execution mode/),
    ]);
    const underPolicy = plan({ proposeFrom: signer, proposePolicy: 'keeper-pings' });
    expect(underPolicy.workspace.schedules[0]).toMatchObject({
      execute: { policy: 'keeper-pings' },
    });
    expect(underPolicy.workspace.schedules[0]!.propose).not.toHaveProperty('execute');
    expect(plan({ proposeFrom: signer }).workspace.schedules[0]!.id).toBe(
      result.workspace.schedules[0]!.id,
    );
  });

  it('reads RepeatEvery as seconds or a five-field cron pattern, and lists any other form', () => {
    const repeating = (value: string) =>
      plan(
        { proposeFrom: signer },
        withFile('hourly_rebalance.yaml', (text) =>
          text.replace('RepeatEvery: 3600', `RepeatEvery: ${value}`),
        ),
      );
    expect(repeating("'0 */6 * * *'").workspace.schedules[0]).toMatchObject({
      cron: '0 */6 * * *',
      timezone: 'UTC',
    });
    expect(repeating("'0 */6 * * *'").workspace.schedules[0]).not.toHaveProperty('everySeconds');
    expect(repeating('"60"').workspace.schedules[0]).toMatchObject({ everySeconds: 60 });
    const line = lineOf('hourly_rebalance.yaml', 'RepeatEvery');
    for (const [value, reason] of [
      [
        'every hour',
        /"every hour" is neither an interval in seconds nor a five-field cron pattern/,
      ],
      ["'61 * * * *'", /the cron pattern 61 \* \* \* \* does not parse/],
      ['0', /an interval of 0 seconds is outside/],
    ] as const) {
      const result = repeating(value);
      expect(result.workspace.schedules, value).toEqual([]);
      expect(reasons(result), value).toContainEqual(
        expect.stringMatching(
          new RegExp(`^hourly_rebalance\\.yaml:${line} .*not carried over: ${reason.source}`),
        ),
      );
    }
  });

  it('makes no schedule of a time repeat without a call Vigil carries over', () => {
    const line = lineOf('hourly_rebalance.yaml', 'RepeatEvery');
    const noSigner = plan();
    expect(noSigner.workspace.schedules).toEqual([]);
    expect(reasons(noSigner)).toContainEqual(
      expect.stringMatching(/^hourly_rebalance\.yaml:\d+ .*rebalance_call.*keychain signer/),
    );
    const onlyPost = plan(
      { proposeFrom: signer },
      withFile('hourly_rebalance.yaml', (text) =>
        text.replace(
          / {2}- Name: rebalance_call[\s\S]*?ChainID: 1\n/,
          '  - Name: tick\n    Type: post\n    APIEndpoint: https://alerts.ops.example/tick\n',
        ),
      ),
    );
    expect(onlyPost.workspace.schedules).toEqual([]);
    expect(onlyPost.workspace.rules.map((rule) => rule.name)).not.toContainEqual(
      expect.stringMatching(/^hourly_rebalance/),
    );
    expect(reasons(onlyPost).filter((reason) => reason.startsWith('hourly_rebalance'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/action "tick": a post on a timer is not carried over/),
        expect.stringMatching(
          new RegExp(
            `^hourly_rebalance\\.yaml:${line} .*every 3600 seconds is not carried over: a Vigil schedule proposes a transaction`,
          ),
        ),
      ]),
    );
  });

  it('started on an event and repeated on time: the rule and, for a static call, a schedule', () => {
    const timed = (edit: (text: string) => string = (text) => text) =>
      plan(
        { proposeFrom: signer },
        withFile('approval_watch.yaml', (text) =>
          edit(text.replace('repeatEvery: event', "repeatEvery: '0 9 * * 1'")),
        ),
      );
    // The call takes the event's value: proposed by the rule on each event, no schedule.
    const dynamic = timed();
    expect(ruleNamed(dynamic, 'approval_watch: ping_keeper').propose).toBeDefined();
    expect(dynamic.workspace.schedules.map((schedule) => schedule.name)).toEqual([
      'hourly_rebalance: rebalance_call',
    ]);
    expect(reasons(dynamic)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^approval_watch\\.yaml:${lineOf('approval_watch.yaml', 're.event(2)')} .*takes the event's values, so its repeats at 0 9 \\* \\* 1 \\(cron, UTC\\) are not carried over`,
        ),
      ),
    );
    expect(reasons(dynamic)).toContainEqual(
      expect.stringMatching(
        /^approval_watch\.yaml:\d+ .*first matching event, then at 0 9 \* \* 1 \(cron, UTC\).*imported disabled/,
      ),
    );
    const fixed = timed((text) => text.replace('re.event(2)', "'7'"));
    expect(ruleNamed(fixed, 'approval_watch: ping_keeper').propose?.function).toEqual({
      name: 'emitHidden',
      args: ['7'],
    });
    expect(
      fixed.workspace.schedules.find((schedule) => schedule.name === 'approval_watch: ping_keeper'),
    ).toMatchObject({
      cron: '0 9 * * 1',
      enabled: false,
      propose: { function: { name: 'emitHidden', args: ['7'] } },
    });
  });

  it('reads an environment-held URL token only from the environment', () => {
    const result = plan({ env: {} });
    expect(ruleNamed(result, 'approval_watch: Approval').channels).toEqual([{ type: 'in-app' }]);
    expect(reasons(result)).toContainEqual(expect.stringMatching(/SECURITY_DISCORD_HOOK/));
  });

  it('watches the recurring event of a workflow started at once', () => {
    const recurring: ImportFile = {
      path: join(root, 'recurring.yaml'),
      text: [
        'Name: keeper_signed',
        'Trigger:',
        '  ExecuteAfter: immediate',
        '  RepeatEvery: event',
        '  TriggerSourceContract: NA',
        '  RecurringSourceContract: 0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419',
        '  RecurringChainID: 10',
        `  RecurringSourceContractABI: '[{"type":"event","name":"Signed","inputs":[{"name":"value","type":"int256"}]}]'`,
        '  RecurringEventName: Signed(int256)',
        '  RecurringEventFilter:',
        '    value: ">=-5,<=5"',
        'Actions:',
        '  - Name: hook',
        '    Type: post',
        '    APIEndpoint: https://alerts.ops.example/signed',
        '',
      ].join('\n'),
    };
    const result = plan({}, [recurring]);
    expect(result.workspace.contracts).toEqual([
      expect.objectContaining({
        chainId: 10,
        address: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419',
      }),
    ]);
    expect(ruleNamed(result, 'keeper_signed: Signed')).toMatchObject({
      contractId: '10:0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419',
      eventName: 'Signed',
      condition: 'value >= -5 and value <= 5',
    });
    expect(reasons(result)).toContainEqual(
      expect.stringMatching(/^recurring\.yaml:3 .*"immediate"/),
    );
  });

  it('gives the same rule ids on every import', () => {
    expect(plan().workspace.rules.map((rule) => rule.id)).toEqual(
      plan().workspace.rules.map((rule) => rule.id),
    );
  });

  it('refuses malformed workflows with file, line and reason', () => {
    // Each: the file, how it is broken, the line's text, and the one problem expected.
    const cases: [file: string, edit: (text: string) => string, at: string, message: string][] = [
      [
        'keeper_pings.yml',
        // The trigger is checked before the actions: only its problem is reported.
        (text) =>
          text
            .replace(/TriggerChainID: .*/, 'TriggerChainID: mainnet')
            .replace('Type: deploy', 'Type: email'),
        'TriggerChainID',
        'Trigger.TriggerChainID: must be a chain id (a positive whole number), not string "mainnet"',
      ],
      [
        'keeper_pings.yml',
        (text) => text.replace('Type: deploy', 'Type: email'),
        'Type: email',
        'Actions[1].Type: "email" is not a Kwala action type (post, call or deploy)',
      ],
      [
        'approval_watch.yaml',
        (text) => text.replace('actions:\n', 'actions: notify\nunused:\n'),
        'actions:',
        'Actions: must be a list of actions, not string "notify"',
      ],
      [
        'keeper_pings.yml',
        // A dangling reference: the event the trigger names is not in the ABI it gives.
        (text) => text.replace('TriggerEventName: Ping', 'TriggerEventName: Pong'),
        'TriggerEventName: Pong',
        'Trigger.TriggerEventName: Pong is not an event of the ABI given (Ping, Signed)',
      ],
      [
        'keeper_pings.yml',
        (text) => text.replace("TriggerChainID: '1'", 'TriggerChainID: [1]'),
        'TriggerChainID',
        'Trigger.TriggerChainID: must be a chain id (a positive whole number), not a list',
      ],
      [
        'negative_signed.yaml',
        (text) => text.replace('Name: negative_signed_once', 'Name: keeper_pings'),
        'Name:',
        `Name: "keeper_pings" is already the name of the workflow in ${join(root, 'keeper_pings.yml')}`,
      ],
      [
        'negative_signed.yaml',
        (text) => text.replace('Name:', 'name: x\nName:'),
        'Name:',
        'the workflow: "Name" repeats "name" (Kwala reads keys without regard to case)',
      ],
    ];
    for (const [file, edit, at, message] of cases) {
      const edited = edit(readFileSync(join(root, file), 'utf8'));
      const line = edited.split('\n').findIndex((text) => text.includes(at)) + 1;
      expect(failure(withFile(file, edit)), message).toEqual([
        { file: join(root, file), line, message },
      ]);
    }
  });
});
