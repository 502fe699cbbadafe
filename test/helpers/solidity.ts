// Compiles Solidity in a test with the solc the project pins (see scripts/compile-contracts.ts),
// resolving `@openzeppelin/...` imports from node_modules as Foundry and Hardhat projects do, and
// deploys what it compiled to anvil.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAddress, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem';
import { loadSolc } from '../../scripts/compile-contracts.ts';
import { chainClients } from './contracts.ts';

export interface CompiledContract {
  contractName: string;
  /** The source file it came from, as solc names it ("Counter.sol", "@openzeppelin/…"). */
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

const require = createRequire(import.meta.url);

function readImport(path: string): { contents: string } | { error: string } {
  try {
    const packageName = path.startsWith('@')
      ? path.split('/').slice(0, 2).join('/')
      : path.split('/')[0]!;
    const root = dirname(require.resolve(`${packageName}/package.json`));
    return { contents: readFileSync(join(root, path.slice(packageName.length)), 'utf8') };
  } catch (error) {
    return { error: `${path}: ${(error as Error).message}` };
  }
}

/** Every contract of the given sources and of what they import, by contract name. */
export function compileSolidity(sources: Record<string, string>): Map<string, CompiledContract> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, content]) => [name, { content }]),
    ),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  };
  const output = JSON.parse(
    loadSolc().compile(JSON.stringify(input), { import: readImport }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((problem) => problem.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `solc failed:\n${errors.map((problem) => problem.formattedMessage).join('\n')}`,
    );
  const compiled = new Map<string, CompiledContract>();
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {}))
    for (const [contractName, contract] of Object.entries(contracts))
      compiled.set(contractName, {
        contractName,
        sourceName,
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
      });
  return compiled;
}

/** Deploys a compiled contract from anvil's account 0 and waits for its receipt. */
export async function deployCompiled(
  rpcUrl: string,
  contract: CompiledContract,
  args: readonly unknown[] = [],
): Promise<{ address: Address; receipt: TransactionReceipt }> {
  const { reader, wallet } = chainClients(rpcUrl);
  const hash = await wallet.deployContract({
    abi: contract.abi,
    bytecode: contract.bytecode,
    args: args as never,
    chain: null,
  } as never);
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new Error(`Deploying ${contract.contractName} failed in transaction ${hash}.`);
  return { address: getAddress(receipt.contractAddress), receipt };
}

/** Sends one call from anvil's account 0 and waits for it; throws if it reverted. */
export async function sendCall(
  rpcUrl: string,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[] = [],
): Promise<TransactionReceipt> {
  const { reader, wallet } = chainClients(rpcUrl);
  const hash = await wallet.writeContract({
    address,
    abi,
    functionName,
    args,
    chain: null,
  } as never);
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${functionName} on ${address} reverted.`);
  return receipt;
}
