// Alert rules in the workspace file: read with their settings checked, a condition that does not
// parse reported at its own line and column inside the file, and written back readably.
import { describe, expect, it } from 'vitest';
import { parseWorkspace, serializeWorkspace } from '../../../src-main/core/workspace/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { parseCondition } from '../../../src-main/core/rule-syntax/index.ts';

const options = {
  fileName: 'ops.yaml',
  readFile: () => {
    throw new Error('no files');
  },
};

const rulesFile = `version: 1
rules:
  - name: Large transfer
    kind: event
    contractId: '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3'
    eventName: Transfer
    condition: value > 1_000_000e18 and to in [0x70997970c51812dc3a010c7d01b50e0d17dc79c8]
    severity: critical
    enabled: true
    channels:
      - { type: in-app }
      - { type: webhook, url: 'https://hooks.example/vigil', format: slack, secretEnv: VIGIL_HOOK_SECRET }
  - id: indexer-behind
    name: Indexer behind
    kind: lag
    chainId: 31337
    maxBlocks: 50
    forSeconds: 60
`;

function problemsOf(
  text: string,
): { field: string; line: number; column: number; message: string }[] {
  try {
    parseWorkspace(text, options);
  } catch (error) {
    if (error instanceof VigilError) return error.details!['problems'] as never;
    throw error;
  }
  throw new Error('parsed without problems');
}

const exportedRule = {
  id: 'large-transfer',
  name: 'Large transfer',
  kind: 'event',
  severity: 'critical',
  enabled: true,
  contractId: '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3',
  eventName: 'Transfer',
  condition: 'value > 1000000e18',
  confirmations: 2,
  cooldownSeconds: 600,
  channels: [
    { type: 'in-app' },
    { type: 'webhook', url: 'https://hooks.example/vigil', format: 'json', secretEnv: 'HOOK' },
  ],
};

describe('rules in the workspace file', () => {
  it('reads event and lag rules with their defaults', () => {
    const workspace = parseWorkspace(rulesFile, options);
    expect(workspace.rules).toEqual([
      {
        name: 'Large transfer',
        kind: 'event',
        contractId: '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3',
        eventName: 'Transfer',
        condition: 'value > 1_000_000e18 and to in [0x70997970c51812dc3a010c7d01b50e0d17dc79c8]',
        confirmations: 0,
        severity: 'critical',
        enabled: true,
        cooldownSeconds: 0,
        channels: [
          { type: 'in-app' },
          {
            type: 'webhook',
            url: 'https://hooks.example/vigil',
            format: 'slack',
            secretEnv: 'VIGIL_HOOK_SECRET',
          },
        ],
      },
      {
        id: 'indexer-behind',
        name: 'Indexer behind',
        kind: 'lag',
        chainId: 31337,
        maxBlocks: 50,
        forSeconds: 60,
        severity: 'warning',
        enabled: false,
        cooldownSeconds: 0,
        channels: [{ type: 'in-app' }],
      },
    ]);
  });

  it('points at the line and column inside the file where a condition stops parsing', () => {
    const broken = rulesFile.replace('value > 1_000_000e18', 'value > > 5');
    expect(problemsOf(broken)).toEqual([
      {
        field: 'rules[0].condition',
        line: 7,
        column: 24,
        message:
          'expected a value after > (a number, 0x-address, "string", true/false or [list]), found ">" (column 9 of the condition)',
      },
    ]);
  });

  it('refuses a webhook URL that is not http(s), an unknown kind, a typo key, and two rules with one id', () => {
    const problems = problemsOf(
      rulesFile
        .replace("url: 'https://hooks.example/vigil'", "url: 'ftp://hooks.example/vigil'")
        .replace('kind: lag', 'kind: lagg')
        .replace('    severity: critical', '    severty: critical'),
    );
    expect(problems.map((problem) => [problem.line, problem.field, problem.message])).toEqual([
      [8, 'rules[0].severty', 'unknown key "severty"; did you mean "severity"?'],
      [12, 'rules[0].channels[1].url', 'must be an http:// or https:// URL'],
      [
        15,
        'rules[1].kind',
        'must be one of event, lag, silence, transaction, balance, failed-call, got the text "lagg"',
      ],
    ]);
    const twice = problemsOf(
      `${rulesFile}  - name: Large transfer\n    kind: lag\n    chainId: 1\n    maxBlocks: 1\n`,
    );
    expect(twice.map((problem) => [problem.line, problem.field, problem.message])).toEqual([
      [
        19,
        'rules[2].name',
        'the rule id large-transfer is already used by rules[0] (line 3); give one of them an id of its own',
      ],
    ]);
  });

  it('writes rules back so they read again the same, secrets left out', () => {
    const text = serializeWorkspace({
      chains: [],
      contracts: [],
      rules: [exportedRule],
    });
    // One channel per line, as a flow mapping.
    expect(text).toContain(
      '      - { type: webhook, url: https://hooks.example/vigil, format: json, secretEnv: HOOK }\n',
    );
    expect(parseWorkspace(text, options).rules).toEqual([exportedRule]);
  });

  it('writes a failed-call rule back so it reads again the same, and checks its addresses', () => {
    const rule = {
      id: 'vault-failures',
      name: 'Vault failures',
      kind: 'failed-call',
      severity: 'critical',
      enabled: true,
      chainId: 8453,
      addresses: [
        '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
        '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      ],
      confirmations: 3,
      cooldownSeconds: 0,
      channels: [{ type: 'in-app' }],
    };
    const text = serializeWorkspace({ chains: [], contracts: [], rules: [rule] });
    expect(parseWorkspace(text, options).rules).toEqual([rule]);
    const problems = problemsOf(
      text.replace('0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', '0x9fE4'),
    );
    expect(problems.map((problem) => [problem.field, problem.message])).toEqual([
      ['rules[0].addresses[1]', 'must be a 0x-prefixed address of 40 hex digits'],
    ]);
  });

  it('keeps lower(…), starts_with and ends_with through a write and a read', () => {
    const rule = {
      ...exportedRule,
      condition:
        'lower(note) starts_with "re" or (note ends_with "X" and not (lower(note) == "ok"))',
    };
    const text = serializeWorkspace({ chains: [], contracts: [], rules: [rule] });
    expect(parseWorkspace(text, options).rules).toEqual([rule]);
    // A condition written by hand in the file is kept as written, and reads as the same tree.
    const [read] = parseWorkspace(
      rulesFile.replace(/condition: .*/, "condition: LOWER(note) ENDS_WITH 'done'"),
      options,
    ).rules;
    expect(parseCondition((read as { condition: string }).condition).condition).toEqual({
      type: 'compare',
      field: 'note',
      op: 'ends_with',
      value: { type: 'string', value: 'done' },
      ignoreCase: true,
    });
  });
});
