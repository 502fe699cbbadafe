// `source:` instead of `abi:` in a workspace file: sourcify, etherscan or a project folder,
// each read with its line and column; a wrong one is reported where it is written.
import { describe, expect, it } from 'vitest';
import { parseWorkspace, type WorkspaceProblem } from '../../../src-main/core/workspace/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';

const options = {
  fileName: '/ops/vigil/workspace.yaml',
  readFile: (path: string): string => {
    throw new Error(`no file ${path}`);
  },
};

const contract = (address: string, lines: string[]) =>
  [`  - chainId: 1`, `    address: "${address}"`, ...lines.map((line) => `    ${line}`)].join('\n');

const file = (...contracts: string[]) => ['version: 1', 'contracts:', ...contracts].join('\n');

function problemsOf(text: string): WorkspaceProblem[] {
  try {
    parseWorkspace(text, options);
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return (error.details as { problems: WorkspaceProblem[] }).problems;
  }
  throw new Error('expected a WORKSPACE_INVALID error');
}

describe('workspace contracts with source:', () => {
  it('reads sourcify, etherscan and a project folder relative to the file, with their positions', () => {
    const workspace = parseWorkspace(
      file(
        contract('0x1111111111111111111111111111111111111111', ['source: sourcify']),
        contract('0x2222222222222222222222222222222222222222', ['source: etherscan']),
        contract('0x3333333333333333333333333333333333333333', [
          'name: Vault',
          'source: ../contracts-repo',
        ]),
        contract('0x4444444444444444444444444444444444444444', ['source: /srv/repo']),
      ),
      options,
    );
    expect(workspace.contracts.map((entry) => [entry.name, entry.source, entry.abi])).toEqual([
      [undefined, { kind: 'sourcify', line: 5, column: 13 }, undefined],
      [undefined, { kind: 'etherscan', line: 8, column: 13 }, undefined],
      ['Vault', { kind: 'project', path: '/ops/contracts-repo', line: 12, column: 13 }, undefined],
      [undefined, { kind: 'project', path: '/srv/repo', line: 15, column: 13 }, undefined],
    ]);
  });

  it('a misspelled source, a number, abi and source together, and neither: each at its place', () => {
    expect(
      problemsOf(
        file(
          contract('0x1111111111111111111111111111111111111111', ['source: sourcfy']),
          contract('0x2222222222222222222222222222222222222222', ['source: 12']),
          contract('0x3333333333333333333333333333333333333333', [
            'abi: ["event Ping()"]',
            'source: sourcify',
          ]),
          contract('0x4444444444444444444444444444444444444444', []),
        ),
      ),
    ).toEqual([
      {
        field: 'contracts[0].source',
        line: 5,
        column: 13,
        message:
          'must be sourcify, etherscan, or the path of the Foundry or Hardhat project that deployed it (./contracts-repo), got "sourcfy"; did you mean "sourcify"?',
      },
      {
        field: 'contracts[1].source',
        line: 8,
        column: 13,
        message:
          'must be sourcify, etherscan, or the path of the Foundry or Hardhat project that deployed it (./contracts-repo), got number 12',
      },
      {
        field: 'contracts[2].source',
        line: 12,
        column: 13,
        message: 'give either abi or source, not both: source fetches the ABI that abi would give',
      },
      {
        field: 'contracts[3].abi',
        line: 13,
        column: 5,
        message:
          'is required: a path to an ABI or artifact file, a list of event signatures, or a JSON ABI (or give source: sourcify, etherscan or the project folder instead)',
      },
    ]);
  });
});
