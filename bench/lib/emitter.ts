// The Emitter test contract (emitMany(count) emits `count` Ping events in one transaction): its
// artifact from resources/contracts/, or, where that is missing, a minimal one compiled here.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';

export interface EmitterArtifact {
  abi: Abi;
  bytecode: Hex;
  /** Where it came from, for the printout. */
  origin: string;
}

const artifactPath = fileURLToPath(
  new URL('../../resources/contracts/Emitter.json', import.meta.url),
);

// Same Ping event and emitMany as resources/contracts/Emitter.sol, nothing else.
const fallbackSource = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Emitter {
    uint256 public nextSeq;
    event Ping(uint256 indexed seq, address indexed sender, uint256 value);
    function emitMany(uint256 count) external {
        uint256 firstSeq = nextSeq;
        for (uint256 i = 0; i < count; ++i) emit Ping(firstSeq + i, msg.sender, i);
        nextSeq = firstSeq + count;
    }
}`;

function compileFallback(): EmitterArtifact {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Emitter.sol': { content: fallbackSource } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
        },
      }),
    ),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error');
  if (errors.length)
    throw new Error(
      `solc could not compile the bench's Emitter:\n${errors.map((e) => e.formattedMessage).join('\n')}`,
    );
  const contract = output.contracts['Emitter.sol']!['Emitter']!;
  return {
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    origin: 'compiled by bench/lib/emitter.ts (solc-js)',
  };
}

export function loadEmitter(): EmitterArtifact {
  if (existsSync(artifactPath)) {
    const artifact = JSON.parse(readFileSync(artifactPath, 'utf8')) as { abi: Abi; bytecode: Hex };
    return {
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      origin: 'resources/contracts/Emitter.json',
    };
  }
  return compileFallback();
}
