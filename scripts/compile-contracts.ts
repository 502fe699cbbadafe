// Compiles resources/contracts/*.sol with solc-js (the exact version pinned in package.json) into
// Foundry/Hardhat-like artifacts resources/contracts/<Name>.json = { contractName, abi, bytecode }.
// The artifacts are committed, so tests and the demo never compile. Run after editing a source:
//   node --import tsx scripts/compile-contracts.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const contractsDir = fileURLToPath(new URL('../resources/contracts/', import.meta.url));
const expectedSolcVersion = '0.8.30';

/** Extra artifacts that reuse a compiled contract's bytecode with some events left out of the ABI. */
const partialArtifacts = [{ name: 'EmitterPartial', from: 'Emitter', withoutEvents: ['Hidden'] }];

interface AbiItem {
  type: string;
  name?: string;
}

export interface ContractArtifact {
  contractName: string;
  abi: AbiItem[];
  bytecode: `0x${string}`;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<string, { abi: AbiItem[]; evm: { bytecode: { object: string } } }>
  >;
}

interface Solc {
  version(): string;
  compile(
    input: string,
    options?: { import(path: string): { contents: string } | { error: string } },
  ): string;
}

function loadSolc(): Solc {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as Solc;
  if (!solc.version().startsWith(`${expectedSolcVersion}+`)) {
    throw new Error(
      `solc ${solc.version()} is installed, but the contracts are pinned to ${expectedSolcVersion}.`,
    );
  }
  return solc;
}

export function compileContracts(sourceDir: string): ContractArtifact[] {
  const sourceFiles = readdirSync(sourceDir)
    .filter((file) => file.endsWith('.sol'))
    .sort();
  const sources = Object.fromEntries(
    sourceFiles.map((file) => [file, { content: readFileSync(join(sourceDir, file), 'utf8') }]),
  );
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // No metadata hash: the bytecode then depends only on the sources and settings, so
      // recompiling unchanged sources leaves the committed artifacts byte-for-byte the same.
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(
    loadSolc().compile(JSON.stringify(input), {
      // Sources import each other as "./Name.sol"; solc asks for the normalised name "Name.sol".
      import: (path) => {
        const source = sources[basename(path)];
        return source ? { contents: source.content } : { error: `${path} is not in ${sourceDir}` };
      },
    }),
  ) as SolcOutput;

  const errors = (output.errors ?? []).filter((problem) => problem.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `solc failed:\n${errors.map((problem) => problem.formattedMessage).join('\n')}`,
    );
  for (const warning of (output.errors ?? []).filter((problem) => problem.severity === 'warning')) {
    console.warn(warning.formattedMessage);
  }

  const artifacts: ContractArtifact[] = [];
  for (const file of sourceFiles) {
    for (const [contractName, compiled] of Object.entries(output.contracts?.[file] ?? {})) {
      artifacts.push({
        contractName,
        abi: compiled.abi,
        bytecode: `0x${compiled.evm.bytecode.object}`,
      });
    }
  }
  for (const partial of partialArtifacts) {
    const full = artifacts.find((artifact) => artifact.contractName === partial.from);
    if (!full)
      throw new Error(`${partial.name} is made from ${partial.from}, which was not compiled.`);
    const abi = full.abi.filter(
      (item) => !(item.type === 'event' && partial.withoutEvents.includes(item.name ?? '')),
    );
    if (abi.length !== full.abi.length - partial.withoutEvents.length) {
      throw new Error(
        `${partial.from}'s ABI does not have all of the events ${partial.withoutEvents.join(', ')}.`,
      );
    }
    artifacts.push({ contractName: partial.name, abi, bytecode: full.bytecode });
  }
  return artifacts;
}

function main(): void {
  const artifacts = compileContracts(contractsDir);
  for (const artifact of artifacts) {
    const file = join(contractsDir, `${artifact.contractName}.json`);
    writeFileSync(file, `${JSON.stringify(artifact, null, 2)}\n`);
    console.log(
      `${artifact.contractName}: ${artifact.abi.length} ABI items, ${(artifact.bytecode.length - 2) / 2} bytes -> ${file}`,
    );
  }
}

// Compile only when run as a script, not when a test imports compileContracts.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
