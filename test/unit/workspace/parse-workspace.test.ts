import { describe, expect, it } from 'vitest';
import { parseAbi } from 'viem';
import {
  parseWorkspace,
  serializeWorkspace,
  type WorkspaceProblem,
} from '../../../src-main/core/workspace/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';

const transferJson = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);
const foundryArtifact = JSON.stringify({ abi: transferJson, bytecode: { object: '0x6080' } });

/** An in-memory directory of ABI files, so tests need no disk. */
function filesReader(files: Record<string, string>): {
  readFile: (path: string) => string;
  reads: string[];
} {
  const reads: string[] = [];
  return {
    reads,
    readFile(path) {
      reads.push(path);
      const content = files[path];
      if (content === undefined)
        throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return content;
    },
  };
}

const options = {
  fileName: '/ops/vigil/workspace.yaml',
  readFile: filesReader({ '/ops/vigil/DemoToken.abi.json': foundryArtifact }).readFile,
};

const validWorkspace = `version: 1
chains:
  - name: Demo devnet
    chainId: 31337
    rpcUrls: [http://127.0.0.1:8545, ws://127.0.0.1:8546]
    confirmations: 2
  - name: Base
    chainId: 8453
    rpcUrls:
      - https://mainnet.base.org
contracts:
  - name: DemoToken
    chainId: 31337
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    startBlock: 0
    abi: ./DemoToken.abi.json
  - chainId: 8453
    address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
    startBlock: 1200000
    abi:
      - event Transfer(address indexed from, address indexed to, uint256 value)
      - function balanceOf(address owner) view returns (uint256)
  - name: Inline JSON
    chainId: 8453
    address: "0x4200000000000000000000000000000000000006"
    startBlock: 5
    abi: [{"type": "event", "name": "Deposit", "inputs": [{"name": "dst", "type": "address", "indexed": true}, {"name": "wad", "type": "uint256"}]}]
`;

/** Parses text expected to be invalid and returns its problems (and the error). */
function problemsOf(
  text: string,
  readFile = options.readFile,
): { error: VigilError; problems: WorkspaceProblem[] } {
  try {
    parseWorkspace(text, { fileName: options.fileName, readFile });
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return { error, problems: (error.details as { problems: WorkspaceProblem[] }).problems };
  }
  throw new Error('expected a WORKSPACE_INVALID error');
}

/** Replaces one line of the valid workspace, so each error test changes one thing. */
function withLine(lineNumber: number, replacement: string): string {
  const lines = validWorkspace.split('\n');
  lines[lineNumber - 1] = replacement;
  return lines.join('\n');
}

describe('parseWorkspace', () => {
  it('reads chains and contracts, with ABIs from a file, signatures and inline JSON', () => {
    const { readFile, reads } = filesReader({ '/ops/vigil/DemoToken.abi.json': foundryArtifact });
    const workspace = parseWorkspace(validWorkspace, {
      fileName: '/ops/vigil/workspace.yaml',
      readFile,
    });
    expect(reads).toEqual(['/ops/vigil/DemoToken.abi.json']);
    expect(workspace.chains).toEqual([
      {
        name: 'Demo devnet',
        chainId: 31337,
        rpcUrls: ['http://127.0.0.1:8545', 'ws://127.0.0.1:8546'],
        confirmations: 2,
      },
      { name: 'Base', chainId: 8453, rpcUrls: ['https://mainnet.base.org'] },
    ]);
    expect(workspace.contracts).toHaveLength(3);
    expect(workspace.contracts[0]).toEqual({
      name: 'DemoToken',
      chainId: 31337,
      address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      startBlock: 0,
      abi: transferJson,
    });
    expect(workspace.contracts[1]!.abi).toEqual(
      parseAbi([
        'event Transfer(address indexed from, address indexed to, uint256 value)',
        'function balanceOf(address owner) view returns (uint256)',
      ]),
    );
    expect(workspace.contracts[2]!.abi).toMatchObject([{ type: 'event', name: 'Deposit' }]);
  });

  it('tells a signature written as one string from a file name that starts like a keyword', () => {
    const files = {
      '/ops/vigil/event-abi.json': JSON.stringify(transferJson),
    };
    const text = `version: 1
contracts:
  - { chainId: 1, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", startBlock: 0, abi: event-abi.json }
  - chainId: 1
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa4"
    startBlock: 0
    abi: |
      event Transfer(address indexed from, address indexed to, uint256 value)
      function balanceOf(address) view returns (uint256)
`;
    const workspace = parseWorkspace(text, { ...options, readFile: filesReader(files).readFile });
    expect(workspace.contracts[0]!.abi).toEqual(transferJson);
    expect(workspace.contracts[1]!.abi).toHaveLength(2);
  });

  it('reads transactions to propose, each with a key, and reports bad ones at their line', () => {
    const workspace = parseWorkspace(
      [
        'version: 1',
        'transactions:',
        '  - key: payroll-2026-11',
        '    chainId: 1',
        "    from: '0x1111111111111111111111111111111111111111'",
        "    to: '0x2222222222222222222222222222222222222222'",
        '    function: { name: transfer, args: [ "0x3333333333333333333333333333333333333333", "5e18" ] }',
        '    note: monthly payroll',
        '',
      ].join('\n'),
      options,
    );
    expect(workspace.transactions).toEqual([
      {
        key: 'payroll-2026-11',
        chainId: 1,
        from: '0x1111111111111111111111111111111111111111',
        to: '0x2222222222222222222222222222222222222222',
        function: {
          name: 'transfer',
          args: ['0x3333333333333333333333333333333333333333', '5e18'],
        },
        note: 'monthly payroll',
      },
    ]);
    const bad = [
      'version: 1',
      'transactions:',
      "  - { key: a, chainId: 1, from: '0x1111111111111111111111111111111111111111', to: '0x12', value: '-1' }",
      "  - { key: a, chainId: 1, from: '0x1111111111111111111111111111111111111111', to: '0x2222222222222222222222222222222222222222', vaule: '1' }",
      '',
    ].join('\n');
    expect(() => parseWorkspace(bad, options)).toThrow(
      /workspace\.yaml:3:\d+: transactions\[0\]\.to: [\s\S]*workspace\.yaml:4:\d+: transactions\[1\]\.vaule: unknown key "vaule"/,
    );
  });

  it('reads a file with only chains', () => {
    const workspace = parseWorkspace(
      'version: 1\nchains:\n  - { name: A, chainId: 1, rpcUrls: [https://a.example] }\n',
      options,
    );
    expect(workspace).toEqual({
      chains: [{ name: 'A', chainId: 1, rpcUrls: ['https://a.example'] }],
      contracts: [],
      transactions: [],
      rules: [],
      policies: [],
      schedules: [],
    });
  });

  it('reports a typo key at the key, with "did you mean", and not also as a missing field', () => {
    const { error, problems } = problemsOf(withLine(4, '    chainID: 31337'));
    expect(error.code).toBe('WORKSPACE_INVALID');
    expect(problems).toEqual([
      {
        field: 'chains[0].chainID',
        line: 4,
        column: 5,
        message: 'unknown key "chainID"; did you mean "chainId"?',
      },
    ]);
    expect(error.message).toBe(
      '/ops/vigil/workspace.yaml:4:5: chains[0].chainID: unknown key "chainID"; did you mean "chainId"?',
    );
    expect(error.field).toBe('chains[0].chainID');
    expect(error.details).toMatchObject({ file: '/ops/vigil/workspace.yaml', line: 4, column: 5 });

    expect(problemsOf(withLine(5, '    rpcUrl: [http://127.0.0.1:8545]')).problems).toEqual([
      {
        field: 'chains[0].rpcUrl',
        line: 5,
        column: 5,
        message: 'unknown key "rpcUrl"; did you mean "rpcUrls"?',
      },
    ]);
    expect(problemsOf(withLine(1, 'version: 1\nwatchers: []')).problems).toEqual([
      {
        field: 'watchers',
        line: 2,
        column: 1,
        message:
          'unknown key "watchers"; expected one of version, chains, contracts, transactions, rules, policies, schedules',
      },
    ]);
  });

  it('reports a wrong type at the value', () => {
    expect(problemsOf(withLine(4, '    chainId: "31337"')).problems).toEqual([
      {
        field: 'chains[0].chainId',
        line: 4,
        column: 14,
        message: 'must be a number, got the text "31337"',
      },
    ]);
    expect(problemsOf(withLine(15, '    startBlock: 1.5')).problems).toEqual([
      {
        field: 'contracts[0].startBlock',
        line: 15,
        column: 17,
        message: 'must be a whole number, got number 1.5',
      },
    ]);
  });

  it('reads a retention and reports a bad one at its field', () => {
    const withRetention = (value: string): string =>
      withLine(15, `    startBlock: 0\n    retention: ${value}`);
    expect(parseWorkspace(withRetention('{ days: 30 }'), options).contracts[0]!.retention).toEqual({
      days: 30,
    });
    expect(problemsOf(withRetention('{ days: 0 }')).problems).toEqual([
      {
        field: 'contracts[0].retention.days',
        line: 16,
        column: 24,
        message: 'must be more than 0, got 0',
      },
    ]);
    expect(
      problemsOf(withRetention('{ weeks: 2 }')).problems.map((problem) => problem.message),
    ).toEqual([
      'Unrecognized key: "weeks"',
      'give days or events (leave retention out to keep everything)',
    ]);
  });

  it('reports a bad address', () => {
    const { error } = problemsOf(
      withLine(14, '    address: "0x5FbDB2315678afecb367f032d93F642f64180aa"'),
    );
    expect(error.message).toBe(
      '/ops/vigil/workspace.yaml:14:14: contracts[0].address: must be a 0x-prefixed address of 40 hex digits',
    );
  });

  it('reports a bad RPC URL at the list item', () => {
    expect(problemsOf(withLine(10, '      - ftp://mainnet.base.org')).problems).toEqual([
      {
        field: 'chains[1].rpcUrls[0]',
        line: 10,
        column: 9,
        message: 'must be an http(s):// or ws(s):// URL',
      },
    ]);
  });

  it('reports a missing field at the entry that lacks it', () => {
    expect(problemsOf(withLine(14, '')).problems).toEqual([
      { field: 'contracts[0].address', line: 12, column: 5, message: 'is required' },
    ]);
    expect(problemsOf(withLine(1, '')).problems).toEqual([
      {
        field: 'version',
        line: 2,
        column: 1,
        message: 'is required; write "version: 1" at the top',
      },
    ]);
  });

  it('requires version 1', () => {
    expect(problemsOf(withLine(1, 'version: 2')).problems).toEqual([
      {
        field: 'version',
        line: 1,
        column: 10,
        message: 'must be 1 (this Vigil reads workspace format version 1), got 2',
      },
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const { error, problems } = problemsOf(withLine(5, '    rpcUrls: [http://127.0.0.1:8545'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(5);
    expect(error.message).toMatch(/^\/ops\/vigil\/workspace\.yaml:\d+:\d+: /);
    const duplicateKey = problemsOf(withLine(4, '    chainId: 31337\n    chainId: 1'));
    expect(duplicateKey.problems[0]).toMatchObject({
      line: 5,
      column: 5,
      message: 'map keys must be unique',
    });
  });

  it('reports an unreadable ABI path at its line, naming the resolved path', () => {
    const { problems } = problemsOf(withLine(16, '    abi: ../abis/Missing.json'));
    expect(problems).toEqual([
      {
        field: 'contracts[0].abi',
        line: 16,
        column: 10,
        message:
          "cannot read the ABI file /ops/abis/Missing.json: ENOENT: no such file or directory, open '/ops/abis/Missing.json'",
      },
    ]);
  });

  it('reports a broken ABI at the workspace line: in a file, and at the signature in an inline list', () => {
    const readFile = filesReader({
      '/ops/vigil/DemoToken.abi.json':
        '{"abi": [{"type": "event", "name": "Foo", "inputs": [{"type": "uint7"}]}]}',
    }).readFile;
    const inFile = problemsOf(validWorkspace, readFile).problems;
    expect(inFile).toEqual([
      {
        field: 'contracts[0].abi',
        line: 16,
        column: 10,
        message:
          'abi[0]: event "Foo" input 0 has unknown type "uint7" (in /ops/vigil/DemoToken.abi.json)',
      },
    ]);
    const inline = problemsOf(
      withLine(22, '      - function balanceOf(address owner) view returns (uint7)'),
    ).problems;
    expect(inline).toEqual([
      {
        field: 'contracts[1].abi[1]',
        line: 22,
        column: 9,
        message:
          '"function balanceOf(address owner) view returns (uint7)": unknown type: Type "uint7" is not a valid ABI type.',
      },
    ]);
  });

  it('reports an ABI with no events', () => {
    const text = withLine(21, '      - function totalSupply() view returns (uint256)');
    expect(problemsOf(text).problems).toEqual([
      {
        field: 'contracts[1].abi',
        line: 21,
        column: 7,
        message: 'the ABI declares no events, so there is nothing to watch',
      },
    ]);
  });

  it('reports duplicate chains and duplicate contracts at the second one', () => {
    const duplicateChain = withLine(8, '    chainId: 31337');
    const { problems } = problemsOf(
      duplicateChain.replace(
        'chainId: 8453\n    address: "0x8335',
        'chainId: 31337\n    address: "0x8335',
      ),
    );
    expect(problems).toContainEqual({
      field: 'chains[1].chainId',
      line: 8,
      column: 14,
      message: 'chain id 31337 is already declared by chains[0] (line 3)',
    });
    const duplicateContract = withLine(
      25,
      '    address: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"',
    );
    expect(problemsOf(duplicateContract).problems).toEqual([
      {
        field: 'contracts[2].address',
        line: 25,
        column: 14,
        message:
          '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913 on chain 8453 is already declared by contracts[1] (line 17)',
      },
    ]);
  });

  it('lists every problem in details and the first few in the message', () => {
    const text = `version: 1
chains:
  - name: A
    chainId: -1
    rpcUrls: []
  - name: B
    chainid: 2
    rpcUrls: [nope]
    confirmations: x
`;
    const { error, problems } = problemsOf(text);
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.field}`)).toEqual(
      [
        '4:14 chains[0].chainId',
        '5:14 chains[0].rpcUrls',
        '7:5 chains[1].chainid',
        '8:15 chains[1].rpcUrls[0]',
        '9:20 chains[1].confirmations',
      ],
    );
    expect(error.message.split('\n')).toHaveLength(4);
    expect(error.message).toMatch(/… and 2 more problem\(s\)$/);
  });

  it('reports an empty file and wrong shapes', () => {
    expect(problemsOf('').problems[0]!.message).toBe(
      'the file is empty; expected version, chains, contracts, transactions, rules, policies and schedules',
    );
    expect(problemsOf('version: 1\nchains: {name: A}\n').problems).toEqual([
      {
        field: 'chains',
        line: 2,
        column: 9,
        message: 'must be a list (each entry starting with "- ")',
      },
    ]);
  });
});

describe('serializeWorkspace', () => {
  const chains = [
    { name: 'Demo devnet', chainId: 31337, rpcUrls: ['http://127.0.0.1:8545'], confirmations: 2 },
    {
      name: 'Base: mainnet',
      chainId: 8453,
      rpcUrls: ['https://mainnet.base.org', 'wss://base.example/ws?key=a#b'],
      confirmations: 0,
    },
  ];
  const artifactAbi = [
    {
      type: 'event',
      name: 'Transfer',
      anonymous: false,
      inputs: [
        { name: 'from', type: 'address', indexed: true, internalType: 'address' },
        { name: 'to', type: 'address', indexed: true, internalType: 'address' },
        { name: 'value', type: 'uint256', indexed: false, internalType: 'uint256' },
      ],
    },
    {
      type: 'function',
      name: 'transfer',
      stateMutability: 'nonpayable',
      inputs: [
        { name: 'to', type: 'address', internalType: 'address' },
        { name: 'amount', type: 'uint256', internalType: 'uint256' },
      ],
      outputs: [{ name: '', type: 'bool', internalType: 'bool' }],
    },
  ];
  const tupleAbi = parseAbi([
    'struct Leg { address token; int256 amount; }',
    'event Placed(address indexed maker, Leg[] legs, string memo)',
  ]);
  const anonymousAbi = [
    {
      type: 'event',
      name: 'Raw',
      anonymous: true,
      inputs: [{ name: 'x', type: 'uint256', indexed: true }],
    },
    ...transferJson,
  ];
  const contracts = [
    {
      name: 'DemoToken',
      chainId: 31337,
      address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      startBlock: 0,
      abi: artifactAbi,
    },
    {
      name: 'Orders',
      chainId: 8453,
      address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
      startBlock: 1_200_000,
      retention: { days: 30, events: 1_000_000 },
      abi: tupleAbi,
    },
    {
      name: 'Raw # logs',
      chainId: 8453,
      address: '0x4200000000000000000000000000000000000006',
      startBlock: 7,
      abi: anonymousAbi,
    },
  ];

  it('round-trips: export then import gives back the same chains and contracts', () => {
    const yaml = serializeWorkspace({ chains, contracts });
    const workspace = parseWorkspace(yaml, options);
    expect(workspace.chains).toEqual(chains);
    expect(workspace.contracts.map(({ abi: _abi, ...rest }) => rest)).toEqual(
      contracts.map(({ abi: _abi, ...rest }) => rest),
    );
    // Signatures drop only internalType and explicit defaults; an anonymous event stays JSON, exactly.
    expect(workspace.contracts[0]!.abi).toEqual(
      parseAbi([
        'event Transfer(address indexed from, address indexed to, uint256 value)',
        'function transfer(address to, uint256 amount) returns (bool)',
      ]),
    );
    expect(workspace.contracts[1]!.abi).toEqual(tupleAbi);
    expect(workspace.contracts[2]!.abi).toEqual(anonymousAbi);
    // And exporting what was imported gives the same text.
    const again = serializeWorkspace({
      chains: workspace.chains.map((chain) => ({
        ...chain,
        confirmations: chain.confirmations ?? 0,
      })),
      contracts: workspace.contracts.map((contract) => ({
        ...contract,
        name: contract.name ?? '',
        startBlock: contract.startBlock ?? 0,
        abi: contract.abi as unknown[],
      })),
    });
    expect(again).toBe(yaml);
  });

  it('writes readable YAML: signatures as a block list, JSON entries one per line', () => {
    const yaml = serializeWorkspace({ chains, contracts });
    expect(yaml).toContain('    rpcUrls: [ http://127.0.0.1:8545 ]\n');
    expect(yaml).toContain(
      '    abi:\n      - event Transfer(address indexed from, address indexed to, uint256 value)\n      - function transfer(address to, uint256 amount) returns (bool)\n',
    );
    expect(yaml).toContain(
      '      - { type: event, name: Raw, anonymous: true, inputs: [ { name: x, type: uint256, indexed: true } ] }\n',
    );
    expect(yaml.startsWith('# ')).toBe(true);
  });

  it('writes an empty workspace that reads back as empty', () => {
    expect(parseWorkspace(serializeWorkspace({ chains: [], contracts: [] }), options)).toEqual({
      chains: [],
      contracts: [],
      transactions: [],
      rules: [],
      policies: [],
      schedules: [],
    });
  });
});

describe('a contract token setting in the workspace file', () => {
  const withToken = (token: string): string => `version: 1
contracts:
  - name: Lying token
    chainId: 31337
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    startBlock: 0
    token: ${token}
    abi:
      - event Transfer(address indexed from, address indexed to, uint256 value)
`;

  it('reads decimals and symbol as the operator set them', () => {
    const workspace = parseWorkspace(withToken('{ decimals: 6, symbol: USDC }'), options);
    expect(workspace.contracts[0]!.token).toEqual({ decimals: 6, symbol: 'USDC' });
    const noSymbol = parseWorkspace(withToken('{ decimals: 0, symbol: null }'), options);
    expect(noSymbol.contracts[0]!.token).toEqual({ decimals: 0, symbol: null });
  });

  it('points at the line and column of a bad value or key', () => {
    const tooMany = problemsOf(withToken('{ decimals: 78, symbol: X }')).problems;
    expect(tooMany).toEqual([
      {
        field: 'contracts[0].token.decimals',
        line: 7,
        column: 24,
        message: 'must be at most 77, got 78',
      },
    ]);
    const notWhole = problemsOf(withToken('{ decimals: 1.5, symbol: X }')).problems;
    expect(notWhole.map((problem) => [problem.field, problem.message])).toEqual([
      ['contracts[0].token.decimals', 'must be a whole number, got number 1.5'],
    ]);
    const typo = problemsOf(withToken('{ decimal: 6, symbol: X }')).problems;
    expect(typo).toEqual([
      {
        field: 'contracts[0].token.decimal',
        line: 7,
        column: 14,
        message: 'unknown key "decimal"; did you mean "decimals"?',
      },
    ]);
    const control = problemsOf(withToken('{ decimals: 6, symbol: "US\\u200bDC" }')).problems;
    expect(control.map((problem) => [problem.field, problem.line, problem.message])).toEqual([
      ['contracts[0].token.symbol', 7, 'must not hold control or invisible characters'],
    ]);
  });

  it('exports only a setting made by hand, and reads it back the same', () => {
    const contract = {
      name: 'T',
      chainId: 31337,
      address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      startBlock: 0,
      abi: transferJson,
    };
    const yaml = serializeWorkspace({
      chains: [],
      contracts: [
        { ...contract, token: { decimals: 2, symbol: 'CENT', source: 'operator' } },
        {
          ...contract,
          address: '0x4200000000000000000000000000000000000006',
          token: { decimals: 18, symbol: 'WETH', source: 'chain' },
        },
      ],
    });
    expect(yaml).toContain('    token: { decimals: 2, symbol: CENT }\n');
    expect(yaml).not.toContain('WETH');
    const tokens = parseWorkspace(yaml, options).contracts.map((entry) => entry.token);
    expect(tokens).toEqual([{ decimals: 2, symbol: 'CENT' }, undefined]);
  });
});
