// Defender as Code serverless.yml files as an import plan, on fixtures written from the plugin's
// documented formats (v2 `resources:` with variables and ${file()} references, v1
// `resources: Resources:` with sentinels): what becomes chains, contracts, rules, channels and
// policies, what is listed as not carried over, and malformed files refused with file and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  planImport,
  type ImportFile,
  type ImportPlan,
} from '../../../src-main/core/importers/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';

const root = 'test/fixtures/imports/defender';
const signer = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955';
const v2 = join(root, 'v2', 'serverless.yml');

function filesUnder(folder: string): ImportFile[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

function plan(folder: string, env: Record<string, string> = {}): ImportPlan {
  return planImport(filesUnder(join(root, folder)), { env, proposeFrom: signer });
}

function eventRule(result: ImportPlan, name: string) {
  const rule = result.workspace.rules.find((candidate) => candidate.name === name);
  if (!rule || rule.kind !== 'event')
    throw new Error(
      `no event rule ${name} in ${result.workspace.rules.map((r) => r.name).join(', ')}`,
    );
  return rule;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function problemsOf(files: ImportFile[]): { file: string; line: number; message: string }[] {
  try {
    planImport(files, { env: {}, proposeFrom: signer });
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('IMPORT_INVALID');
    return ((error as VigilError).details as { problems: never[] }).problems;
  }
  throw new Error('the import was not refused');
}

describe('importing a Defender as Code serverless.yml (v2)', () => {
  const result = plan('v2');
  const text = readFileSync(v2, 'utf8');

  it('is detected from the file name', () => {
    expect(result.format).toBe('defender');
  });

  it('makes the private network a chain, its values read through variables and ${file()}', () => {
    expect(result.workspace.chains).toEqual([
      { name: 'treasury-devnet', chainId: 31337, rpcUrls: ['https://rpc.treasury-devnet.example'] },
    ]);
  });

  it('watches the monitored contracts with their ABIs from ${file()}', () => {
    expect(
      result.workspace.contracts.map((contract) => [
        contract.chainId,
        contract.address,
        contract.abi?.length,
      ]),
    ).toEqual([
      [31337, '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', 6],
      [31337, '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419', 5],
    ]);
  });

  it('reads an ABI kept as .abi when that file is given by its own path', () => {
    const abiPath = join(root, 'v2', 'abis', 'Keeper.abi');
    const files = filesUnder(join(root, 'v2')).map((file) =>
      file.path === v2
        ? {
            ...file,
            text: file.text.replace('${file(./abis/emitter.json)}', '${file(./abis/Keeper.abi)}'),
          }
        : file,
    );
    // What the engine reads for the folder and, given as a path of its own, the .abi file.
    files.push({
      path: abiPath,
      text: readFileSync(join(root, 'v2', 'abis', 'emitter.json'), 'utf8'),
    });
    const withAbi = planImport(files, { env: {}, proposeFrom: signer });
    expect(withAbi.workspace.contracts.map((contract) => contract.abi)).toEqual(
      result.workspace.contracts.map((contract) => contract.abi),
    );
  });

  it('translates each monitor event condition, with confirmations, cooldown and channels', () => {
    expect(eventRule(result, 'Large DUSD transfers: Transfer')).toMatchObject({
      condition: 'value >= 1000000000',
      confirmations: 1,
      cooldownSeconds: 300,
      enabled: true,
      channels: [
        {
          type: 'webhook',
          format: 'slack',
          url: 'https://hooks.slack.com/services/T000/B000/treasury',
        },
        {
          type: 'webhook',
          format: 'discord',
          url: 'https://discord.com/api/webhooks/1234567890/treasury-alerts',
        },
        { type: 'webhook', format: 'json', url: 'https://alerts.ops.example/defender/dev' },
      ],
    });
    // Positional arguments, `=` and NOT; the channels of the monitor's category.
    expect(eventRule(result, 'Treasury outflows: Transfer')).toMatchObject({
      condition:
        'from == 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 and not (to == 0x70997970c51812dc3a010c7d01b50e0d17dc79c8)',
      channels: [{ type: 'webhook', format: 'slack' }],
    });
    expect(eventRule(result, 'Treasury outflows: Approval').condition).toBe(
      'owner == 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 and (value > 1000000000000000000000000 or value == 0)',
    );
    // The transaction condition holds as well, as Defender requires.
    expect(eventRule(result, 'Keeper pings: Ping')).toMatchObject({
      condition: '(seq < 2 or (seq >= 6 and value != 7)) and tx.value == 0',
      channels: [{ type: 'in-app' }],
    });
    expect(eventRule(result, 'Keeper pings: Signed').condition).toBe(
      'value < -1499999999999999999 and tx.value == 0',
    );
  });

  it('reads the environment for variables, over their defaults', () => {
    const withEnv = plan('v2', {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B1/from-env',
    });
    expect(eventRule(withEnv, 'Large DUSD transfers: Transfer').channels[0]).toMatchObject({
      url: 'https://hooks.slack.com/services/T1/B1/from-env',
    });
  });

  it("makes the relayer's minimum balance a balance rule and its policy a policy, for the signer given", () => {
    expect(result.workspace.rules.find((rule) => rule.kind === 'balance')).toMatchObject({
      chainId: 31337,
      address: signer,
      below: '500000000000000000',
    });
    expect(result.workspace.policies).toEqual([
      {
        id: 'defender-hot-policy-31337',
        name: 'Treasury hot wallet: hot-policy',
        chainId: 31337,
        signer,
        targets: [
          {
            address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
            functions: ['approve', 'mint', 'transfer', 'transferFrom'].map((fn) => ({
              function: fn,
            })),
          },
        ],
        maxValuePerTx: '0',
        maxFeePerGas: '200000000000',
        dailyBudget: '0',
        maxPerHour: 1,
      },
    ]);
  });

  it('lists what it does not carry over, each at its line', () => {
    const at = (needle: string, reason: RegExp) =>
      expect(result.notCarried).toContainEqual({
        file: v2,
        line: lineOf(text, needle),
        reason: expect.stringMatching(reason),
      });
    at('mainnet-fork:', /forked network "mainnet-fork": the fork's chain id is not in the file/);
    at('cto-email:', /email is not a Vigil channel/);
    at('ops-telegram:', /Telegram is not a Vigil channel/);
    at('metrics:', /datadog is not a Vigil channel/);
    at('oncall-opsgenie:', /opsgenie is not a Vigil channel/);
    at('oncall-pagerduty:', /pager-duty is not a Vigil channel/);
    at('confirm-level: finalized', /"finalized" is not a block count/);
    at(
      '- signature: transfer(address,uint256)',
      /function condition transfer\(address,uint256\) is not carried over/,
    );
    at(
      'expression: value * 2 > 1',
      /condition on Flag is not carried over: value \* 2 > 1: arithmetic on arguments/,
    );
    at('amount: 3', /no "3 matches within 600 s" threshold/);
    at("message: 'Keeper ping", /message template is not carried over/);
    at('action-condition:', /action-condition runs Defender code/);
    at('protocol-alerts:', /Forta monitors/);
    at('refill-hot-wallet:', /action "refill-hot-wallet": Defender ran its code/);
    at("- '0x90F79bf6EB2c4f870365E785982E1f101E93b906'", /not a contract this import watches/);
    at('eip1559-pricing: true', /Vigil chooses the fee type itself/);
    at(
      'policy: ${self:resources.policies.hot-policy}',
      /no per-transaction value, daily budget or hourly limit/,
    );
    at('api-keys:', /relayer API keys are not carried over/);
    at('legacy-vault:', /no ABI in the file/);
    at(
      'legacy-relayer:',
      /relayers "legacy-relayer" names an existing Defender resource by its id/,
    );
    at(
      '        event:',
      /Defender alerts once per matching transaction, Vigil once per matching event/,
    );
    at('      network: mainnet', /network "mainnet" \(chain 1\).*must have chain 1 configured/);
    expect(
      result.notCarried.filter((entry) => entry.line === lineOf(text, 'private-transactions')),
    ).toEqual([]);
  });
});

describe('importing a Defender serverless.yml (v1, resources.Resources.sentinels)', () => {
  const result = plan('v1');
  const path = join(root, 'v1', 'serverless.yml');
  const text = readFileSync(path, 'utf8');

  it('makes sentinels rules, paused ones disabled, and the relayer a balance rule', () => {
    expect(result.workspace.contracts).toMatchObject([
      { chainId: 1, address: '0xc0Da02939E1441F497fd74F78cE7Decb17B66529' },
    ]);
    expect(eventRule(result, 'Proposal created: ProposalCreated')).toMatchObject({
      condition: 'proposalId > 10',
      confirmations: 12,
      cooldownSeconds: 3600,
      enabled: false,
      channels: [
        {
          type: 'webhook',
          format: 'slack',
          url: 'https://hooks.slack.com/services/T000/B000/governance',
        },
      ],
    });
    expect(eventRule(result, 'Proposal created: ProposalExecuted').condition).toBe('');
    expect(result.workspace.rules.find((rule) => rule.kind === 'balance')).toMatchObject({
      chainId: 11155111,
      address: signer,
      below: '100000000000000000',
    });
  });

  it('notes the autotask, and a policy whose receivers are not watched on its chain', () => {
    expect(result.workspace.policies).toEqual([]);
    expect(result.notCarried).toContainEqual({
      file: path,
      line: lineOf(text, 'summarize-proposals:'),
      reason: expect.stringMatching(/autotask "summarize-proposals": Defender ran its code/),
    });
    expect(result.notCarried).toContainEqual({
      file: path,
      line: lineOf(text, 'executor-policy:'),
      reason: expect.stringMatching(/no whitelisted receiver is a watched contract/),
    });
  });

  it('without a signer to replace the relayer, notes its balance and policy instead', () => {
    const withoutSigner = planImport(filesUnder(join(root, 'v1')), { env: {} });
    expect(withoutSigner.workspace.rules.some((rule) => rule.kind === 'balance')).toBe(false);
    expect(withoutSigner.notCarried).toContainEqual({
      file: path,
      line: lineOf(text, '  executor:'),
      reason: expect.stringMatching(/give the keychain signer that replaces it \(proposeFrom\)/),
    });
  });
});

describe('importing the same serverless.yml again', () => {
  it.each(['v1', 'v2'])('gives the same plan, ids and all (%s), so it adds nothing', (folder) => {
    const first = plan(folder);
    const ids = [...first.workspace.rules, ...first.workspace.policies].map((item) => item.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan(folder)).toEqual(first);
  });
});

describe('malformed v1 serverless.yml files', () => {
  const path = join(root, 'v1', 'serverless.yml');
  const original = readFileSync(path, 'utf8');

  it.each([
    [
      'an unknown sentinel key',
      'confirm-level: 12',
      'confirm-levels: 12',
      'confirm-levels: 12',
      'resources.Resources.sentinels.proposal-created: unknown key "confirm-levels"',
    ],
    [
      'a dangling reference to a notification',
      '- ${self:resources.Resources.notifications.gov-slack}',
      '- ${self:resources.Resources.notifications.gov-slak}',
      'gov-slak',
      '${self:resources.Resources.notifications.gov-slak} does not resolve: nothing is defined at resources.Resources.notifications.gov-slak in this file',
    ],
    [
      'a wrong type',
      'paused: true',
      'paused: sometimes',
      'paused: sometimes',
      expect.stringMatching(/^resources\.Resources\.sentinels\.proposal-created\.paused: /),
    ],
  ])('refuses %s with its file, line and reason', (_, from, to, needle, message) => {
    expect(original).toContain(from);
    const text = original.replace(from, to);
    expect(problemsOf([{ path, text }])).toEqual([
      { file: path, line: lineOf(text, needle), message },
    ]);
  });
});

describe('malformed serverless.yml files', () => {
  const files = filesUnder(join(root, 'v2'));
  const replaced = (from: string, to: string): ImportFile[] =>
    files.map((file) => (file.path === v2 ? { ...file, text: file.text.replace(from, to) } : file));
  const line = (text: string, needle: string) => lineOf(text, needle);

  it.each([
    [
      'a dangling ${self:} reference',
      '${self:resources.notifications.ops-discord}',
      '${self:resources.notifications.ops-discrod}',
      '- ${self:resources.notifications.ops-discrod}',
      /\$\{self:resources\.notifications\.ops-discrod\} does not resolve: nothing is defined at resources\.notifications\.ops-discrod/,
    ],
    [
      'a wrong type',
      'timeout: 300',
      'timeout: soon',
      'timeout: soon',
      /resources\.monitors\.large-transfers\.notify-config\.timeout: /,
    ],
    [
      'an unknown resource kind',
      '  policies:\n',
      '  sentinels-v3:\n    x: {}\n  policies:\n',
      'sentinels-v3:',
      /resources\.sentinels-v3: "sentinels-v3" is not a Defender as Code resource kind/,
    ],
    [
      'an unknown monitor key',
      'confirm-level: 1',
      'confirm-levels: 1',
      'confirm-levels: 1',
      /resources\.monitors\.large-transfers: unknown key "confirm-levels"/,
    ],
    [
      'an unknown network',
      '      network: mainnet',
      '      network: mainet',
      'network: mainet',
      /contract "legacy-vault": "mainet" is not a Defender network Vigil knows/,
    ],
    [
      'a ${file()} outside the folder',
      '${file(./config.yml)}',
      '${file(../../secrets.yml)}',
      'config: ${file(../../secrets.yml)}',
      /lies outside the serverless\.yml's folder/,
    ],
    [
      'a ${file()} not among the files given',
      '${file(./abis/emitter.json)}',
      '${file(./abis/keeper.json)}',
      '${file(./abis/keeper.json)}',
      /is not among the files given/,
    ],
    [
      'a ${file()} with an ABI kept as .abi, which a folder import does not read',
      '${file(./abis/emitter.json)}',
      '${file(./abis/Keeper.abi)}',
      '${file(./abis/Keeper.abi)}',
      /^\$\{file\(\.\/abis\/Keeper\.abi\)\}: test\/fixtures\/imports\/defender\/v2\/abis\/Keeper\.abi was not read, because from a folder Vigil reads only \.json, \.yml and \.yaml files; add test\/fixtures\/imports\/defender\/v2\/abis\/Keeper\.abi itself to the paths to import, or rename it to \.json$/,
    ],
    [
      'a ${file()} of a .txt file, which a folder import does not read',
      '${file(./abis/erc20.json)}',
      '${file(./abi.txt)}',
      '${file(./abi.txt)}',
      /^\$\{file\(\.\/abi\.txt\)\}: \S+\/v2\/abi\.txt was not read, because from a folder Vigil reads only \.json, \.yml and \.yaml files/,
    ],
    [
      'an environment variable that is not set, with no default',
      "${env:SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T000/B000/treasury'}",
      '${env:SLACK_WEBHOOK_URL}',
      'url: ${env:SLACK_WEBHOOK_URL}',
      /the environment variable SLACK_WEBHOOK_URL is not set where Vigil runs/,
    ],
    [
      'a circular reference',
      'token: ${self:custom.config.addresses.token}',
      'token: ${self:custom.token}',
      'token: ${self:custom.token}',
      /\$\{self:custom\.token\} refers to itself \(a circular reference\)/,
    ],
  ])('refuses %s with its file and line', (_, from, to, needle, message) => {
    const broken = replaced(from, to);
    const text = broken.find((file) => file.path === v2)!.text;
    expect(text).not.toBe(readFileSync(v2, 'utf8'));
    const problems = problemsOf(broken);
    expect(problems).toContainEqual({
      file: v2,
      line: line(text, needle),
      message: expect.stringMatching(message),
      // An unset variable is named, so the preview can ask the operator for its value.
      ...(needle.includes('${env:') ? { env: 'SLACK_WEBHOOK_URL' } : {}),
    });
  });

  it('lists every ${env:} it reads with the secrets, set or not, at the line that reads it', () => {
    const broken = replaced(
      "${env:SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T000/B000/treasury'}",
      '${env:SLACK_WEBHOOK_URL}',
    );
    const text = broken.find((file) => file.path === v2)!.text;
    // The value typed in the preview stands in for the environment's.
    const typedUrl = 'https://hooks.slack.com/services/T111/B111/typed';
    const typed = planImport(broken, { env: { SLACK_WEBHOOK_URL: typedUrl }, proposeFrom: signer });
    expect(typed.secrets).toContainEqual({
      env: 'SLACK_WEBHOOK_URL',
      purpose: '${env:SLACK_WEBHOOK_URL} in serverless.yml',
      file: v2,
      line: line(text, 'url: ${env:SLACK_WEBHOOK_URL}'),
    });
    expect(typed.secrets.map((secret) => secret.env)).toEqual(
      expect.arrayContaining(['TEAM_API_KEY', 'TELEGRAM_BOT_TOKEN']),
    );
    expect(
      typed.workspace.rules
        .flatMap((rule) => rule.channels)
        .some((channel) => channel.type === 'webhook' && channel.url === typedUrl),
    ).toBe(true);
  });
});
