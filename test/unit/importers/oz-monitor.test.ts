// OpenZeppelin Monitor folders as an import plan, on the fixture folder written from OZ Monitor's
// documented formats: what becomes chains, contracts, rules and channels, what is listed as not
// carried over (file, line, reason), and malformed files refused with file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  planImport,
  type ImportFile,
  type ImportPlan,
} from '../../../src-main/core/importers/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { ChainsAddInput, ContractsAddInput } from '../../../src-main/ipc/contract.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const root = 'test/fixtures/imports/oz-monitor';

function fixtureFiles(): ImportFile[] {
  return readdirSync(root).flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => name.endsWith('.json'))
      .map((name) => ({
        path: join(root, folder, name),
        text: readFileSync(join(root, folder, name), 'utf8'),
      })),
  );
}

const env = { TREASURY_DISCORD_WEBHOOK: 'https://discord.com/api/webhooks/1/abc' };

function ruleNamed(plan: ImportPlan, name: string) {
  const rule = plan.workspace.rules.find((candidate) => candidate.name === name);
  if (!rule)
    throw new Error(`no rule ${name} in ${plan.workspace.rules.map((r) => r.name).join(', ')}`);
  return rule as Extract<(typeof plan.workspace.rules)[number], { kind: 'event' }>;
}

function failure(files: ImportFile[]): {
  message: string;
  problems: { file: string; line: number; message: string }[];
} {
  try {
    planImport(files, { env, format: 'oz-monitor' });
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('IMPORT_INVALID');
    return {
      message: (error as VigilError).message,
      problems: ((error as VigilError).details as { problems: never[] }).problems,
    };
  }
  throw new Error('the import was accepted');
}

function withFile(path: string, edit: (text: string) => string): ImportFile[] {
  return fixtureFiles().map((file) =>
    file.path === join(root, path) ? { ...file, text: edit(file.text) } : file,
  );
}

describe('OpenZeppelin Monitor import plan', () => {
  const plan = planImport(fixtureFiles(), { env });

  it('detects the format and turns EVM networks into chains, skipping weight-0 URLs', () => {
    expect(plan.format).toBe('oz-monitor');
    expect(plan.workspace.chains).toEqual([
      { name: 'Base', chainId: 8453, rpcUrls: ['https://mainnet.base.example'], confirmations: 3 },
      {
        name: 'Ethereum Mainnet',
        chainId: 1,
        rpcUrls: ['https://eth.llamarpc.example/v1'],
        confirmations: 12,
      },
    ]);
    const withBackup = planImport(fixtureFiles(), {
      env: { ...env, ETH_BACKUP_RPC_URL: 'https://backup.example/rpc' },
    });
    expect(withBackup.workspace.chains[1]!.rpcUrls).toEqual([
      'https://eth.llamarpc.example/v1',
      'https://backup.example/rpc',
    ]);
  });

  it('watches each monitored address once, with the union of the ABIs, from its creation block', () => {
    expect(
      plan.workspace.contracts.map((contract) => [contract.chainId, contract.address]),
    ).toEqual([
      [1, '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'],
      [1, '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419'],
    ]);
    expect(plan.workspace.contracts.every((contract) => contract.startBlock === undefined)).toBe(
      true,
    );
  });

  it('names chains and contracts within what chains.add and contracts.add accept, however long the names', () => {
    const long =
      ' on the treasury multisig and every hot wallet the operations team runs this quarter';
    const files = fixtureFiles().map((file) =>
      /\/(monitors|networks)\//.test(file.path)
        ? { ...file, text: file.text.replace(/^( {2}"name": "[^"]*)"/m, `$1${long}"`) }
        : file,
    );
    const { chains, contracts } = planImport(files, { env }).workspace;
    expect([...chains, ...contracts].map((item) => item.name!.length)).toEqual([80, 80, 80, 80]);
    for (const chain of chains) ChainsAddInput.parse(chain);
    for (const contract of contracts) ContractsAddInput.parse(contract);
  });

  it('makes one event rule per translated event condition, with its triggers as channels', () => {
    expect(plan.workspace.rules.map((rule) => rule.name).sort()).toEqual([
      'Failed keeper calls: Ping',
      'Failed vault calls: failed calls on base_mainnet',
      'Failed vault calls: failed calls on ethereum_mainnet',
      'Keeper heartbeat: Flag',
      'Keeper heartbeat: Hash',
      'Keeper heartbeat: Note',
      'Keeper heartbeat: Ping',
      'Keeper heartbeat: Signed',
      'Keeper notes: Mixed',
      'Keeper notes: Note',
      'Large USDC Transfer: Transfer',
      'Treasury flows: Transfer',
      'Unlimited approvals: Approval',
    ]);
    for (const rule of plan.workspace.rules)
      if (rule.kind === 'event') parseCondition(rule.condition);
    // OZ Monitor compares text without regard to case: lower(…) against the lowercased literal;
    // two conditions of one monitor on one event are one rule, either of them selecting.
    expect(ruleNamed(plan, 'Keeper heartbeat: Note').condition).toBe(
      '(lower(text) contains "rebalance") or (lower(text) starts_with "vault")',
    );
    expect(ruleNamed(plan, 'Keeper notes: Note').condition).toBe(
      'lower(text) == "vault rebalance ✓"',
    );
    expect(ruleNamed(plan, 'Keeper notes: Mixed')).toMatchObject({
      eventName: 'Mixed',
      condition:
        'lower(note) starts_with "vault" or (lower(note) ends_with "done" and signedValue < 0)',
    });
    const large = ruleNamed(plan, 'Large USDC Transfer: Transfer');
    expect(large).toMatchObject({
      contractId: '1:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
      eventName: 'Transfer',
      condition: 'value > 10000000000',
      confirmations: 12,
      enabled: true,
    });
    expect(large.channels).toEqual([
      {
        type: 'webhook',
        url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
        format: 'slack',
      },
      {
        type: 'webhook',
        url: 'https://alerts.ops.example/oz',
        format: 'json',
        secretEnv: 'OPS_WEBHOOK_SECRET',
      },
    ]);
    expect(ruleNamed(plan, 'Treasury flows: Transfer').channels).toContainEqual({
      type: 'webhook',
      url: 'https://discord.com/api/webhooks/1/abc',
      format: 'discord',
    });
    expect(ruleNamed(plan, 'Unlimited approvals: Approval')).toMatchObject({
      condition: 'value > 1000000000000 and spender != 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
      // Its only trigger is Telegram, which Vigil does not have.
      channels: [{ type: 'in-app' }],
    });
    // Paused → disabled; the Success transaction expression joins the event condition.
    expect(ruleNamed(plan, 'Failed keeper calls: Ping')).toMatchObject({
      enabled: false,
      condition: 'value == 0 and tx.value == 0',
    });
    // A Failure transaction condition without events: a failed-call rule per network, over the
    // monitor's addresses (which have no ABI, and need none).
    expect(ruleNamed(plan, 'Failed vault calls: failed calls on base_mainnet')).toMatchObject({
      kind: 'failed-call',
      chainId: 8453,
      addresses: [
        '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
        '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      ],
      confirmations: 3,
      enabled: true,
      channels: [
        {
          type: 'webhook',
          url: 'https://alerts.ops.example/oz',
          format: 'json',
          secretEnv: 'OPS_WEBHOOK_SECRET',
        },
      ],
    });
    expect(ruleNamed(plan, 'Failed vault calls: failed calls on ethereum_mainnet')).toMatchObject({
      kind: 'failed-call',
      chainId: 1,
      confirmations: 12,
    });
    expect(plan.secrets).toEqual([
      expect.objectContaining({
        env: 'OPS_WEBHOOK_SECRET',
        file: join(root, 'triggers/webhooks.json'),
      }),
    ]);
  });

  it('lists a Failure condition with an expression, and makes no failed-call rule for it', () => {
    const files = fixtureFiles().map((file) =>
      file.path.endsWith('failed_vault_calls.json')
        ? { ...file, text: file.text.replace('"expression": null', '"expression": "value > 0"') }
        : file,
    );
    const filtered = planImport(files, { env });
    expect(filtered.workspace.rules.filter((rule) => rule.kind === 'failed-call')).toEqual([]);
    const reasons = filtered.notCarried
      .filter((entry) => entry.file.endsWith('failed_vault_calls.json'))
      .map((entry) => entry.reason);
    expect(
      reasons.filter((reason) =>
        /failed transactions where value > 0 are not carried over: failed-call rules have no condition/.test(
          reason,
        ),
      ),
    ).toHaveLength(1);
    // Nothing else watches the addresses then: each is listed, on each network.
    expect(reasons.filter((reason) => /has no contract_spec/.test(reason))).toHaveLength(4);
  });

  it('gives the same rule ids every time, so a second import adds nothing', () => {
    expect(planImport(fixtureFiles(), { env }).workspace.rules.map((rule) => rule.id)).toEqual(
      plan.workspace.rules.map((rule) => rule.id),
    );
  });

  it('lists what is not carried over with its file, line and reason', () => {
    const at = (file: string, pattern: RegExp) =>
      plan.notCarried.filter(
        (entry) => entry.file === join(root, file) && pattern.test(entry.reason),
      );
    const lineOf = (file: string, needle: string, from = 0) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .findIndex((line, index) => index >= from && line.includes(needle)) + 1;
    expect(at('networks/stellar_mainnet.json', /Stellar networks are not watched/)).toHaveLength(1);
    expect(at('networks/ethereum_mainnet.json', /weight 0/)[0]!.line).toBe(
      lineOf('networks/ethereum_mainnet.json', '"weight": 0'),
    );
    expect(
      at('networks/ethereum_mainnet.json', /ETH_BACKUP_RPC_URL, which is not set/),
    ).toHaveLength(1);
    // Text comparisons carry over now (as lower(…)): nothing about them is listed.
    expect(at('monitors/keeper_heartbeat.json', /expression on/)).toEqual([]);
    expect(at('monitors/keeper_notes.json', /./)).toEqual([]);
    expect(at('monitors/keeper_heartbeat.json', /filter script is not run/)).toHaveLength(1);
    expect(at('monitors/approvals_positional.json', /function condition approve/)).toHaveLength(1);
    // Its Failure condition needs one of its events too, which a failed transaction never emits.
    expect(
      at('monitors/paused_failed_calls.json', /failed transactions to the monitored addresses/),
    ).toHaveLength(1);
    expect(at('monitors/failed_vault_calls.json', /./)).toEqual([]);
    expect(at('triggers/people.json', /Telegram is not a Vigil channel/)[0]!.line).toBe(
      lineOf('triggers/people.json', '"security_telegram"'),
    );
    expect(at('triggers/people.json', /email is not a Vigil channel/)).toHaveLength(1);
    expect(at('triggers/webhooks.json', /notification scripts/)).toHaveLength(1);
    expect(at('triggers/webhooks.json', /custom headers/)).toHaveLength(1);
    expect(at('triggers/chat.json', /message template/)).toHaveLength(2);
    expect(at('filters/evm_filter_block_number.py', /./)).toHaveLength(0);
  });

  it('lists a trigger whose URL is in an unset environment variable, and rules go without it', () => {
    const bare = planImport(fixtureFiles(), { env: {} });
    expect(
      bare.notCarried.some((entry) =>
        /TREASURY_DISCORD_WEBHOOK, which is not set/.test(entry.reason),
      ),
    ).toBe(true);
    expect(ruleNamed(bare, 'Treasury flows: Transfer').channels).toEqual([
      {
        type: 'webhook',
        url: 'https://alerts.ops.example/oz',
        format: 'json',
        secretEnv: 'OPS_WEBHOOK_SECRET',
      },
    ]);
  });

  it('detects the format from the files, and refuses files of no known tool', () => {
    const serverless = [{ path: '/x/serverless.yml', text: 'service: defender\n' }];
    expect(detectFormat(serverless)).toBe('defender');
    expect(() => planImport([{ path: '/x/notes.json', text: '{}' }], { env })).toThrow(
      /Cannot tell which tool wrote \/x\/notes.json; give the format/,
    );
    expect(() => planImport([], { env })).toThrow(/No files to import/);
  });

  describe('refuses malformed files with file and line', () => {
    it('JSON that does not parse', () => {
      const { problems } = failure(
        withFile('monitors/treasury_flows.json', (text) =>
          text.replace('"paused": false,', '"paused": false,,'),
        ),
      );
      expect(problems).toEqual([
        {
          file: join(root, 'monitors/treasury_flows.json'),
          line: 3,
          message: expect.stringMatching(/not valid JSON/),
        },
      ]);
    });

    it('an unknown key, at its line', () => {
      const { problems } = failure(
        withFile('networks/base_mainnet.json', (text) =>
          text.replace('"chain_id": 8453,', '"chain_id": 8453,\n  "chainid": 8453,'),
        ),
      );
      expect(problems).toEqual([
        {
          file: join(root, 'networks/base_mainnet.json'),
          line: 13,
          message: 'unknown key "chainid"',
        },
      ]);
    });

    it('a wrong type', () => {
      const { problems } = failure(
        withFile('monitors/large_transfer_usdc.json', (text) =>
          text.replace('"paused": false', '"paused": "no"'),
        ),
      );
      expect(problems).toEqual([
        {
          file: join(root, 'monitors/large_transfer_usdc.json'),
          line: 3,
          message: expect.stringMatching(/^paused: .*boolean/),
        },
      ]);
    });

    it('a dangling network or trigger reference', () => {
      const { problems, message } = failure(
        withFile('monitors/treasury_flows.json', (text) =>
          text
            .replace('"ethereum_mainnet"', '"ethereum_mainet"')
            .replace('"treasury_discord"', '"treasury_discrod"'),
        ),
      );
      expect(problems.map((problem) => problem.message)).toEqual([
        'network "ethereum_mainet" is not defined in any networks/ file',
        'trigger "treasury_discrod" is not defined in any triggers/ file',
      ]);
      const text = readFileSync(join(root, 'monitors/treasury_flows.json'), 'utf8').split('\n');
      const networkLine = text.findIndex((line) => line.includes('"ethereum_mainnet"')) + 1;
      const triggerLine = text.findIndex((line) => line.includes('"treasury_discord"')) + 1;
      expect(problems.map((problem) => problem.line)).toEqual([networkLine, triggerLine]);
      expect(message).toContain(
        `${join(root, 'monitors/treasury_flows.json')}:${networkLine}: network "ethereum_mainet"`,
      );
    });
  });
});
