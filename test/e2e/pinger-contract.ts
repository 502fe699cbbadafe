// A tiny event emitter for the e2e test, compiled with solc-js at test time so the test does not
// depend on prebuilt artifacts. Ping carries an indexed address, a uint256 and a string.
import { createRequire } from 'node:module';
import { createPublicClient, createWalletClient, http, type Abi, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Pinger {
    event Ping(address indexed from, uint256 value, string note);
    function ping(uint256 value, string calldata note) external {
        emit Ping(msg.sender, value, note);
    }
}`;

/** anvil's first well-known dev account; never holds anything real. */
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface Pinger {
  address: Address;
  abi: Abi;
  ping(value: bigint, note: string): Promise<void>;
}

function compile(): { abi: Abi; bytecode: `0x${string}` } {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: { 'Pinger.sol': { content: source } },
    settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((error) => error.formattedMessage).join('\n'));
  const compiled = output.contracts['Pinger.sol']!['Pinger']!;
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` };
}

export async function deployPinger(rpcUrl: string, chainId: number): Promise<Pinger> {
  const { abi, bytecode } = compile();
  const chain = { ...foundry, id: chainId };
  const account = privateKeyToAccount(ANVIL_KEY_0);
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
  const reader = createPublicClient({ chain, transport: http(rpcUrl) });
  const deployHash = await wallet.deployContract({ abi, bytecode });
  const receipt = await reader.waitForTransactionReceipt({ hash: deployHash });
  const address = receipt.contractAddress!;
  return {
    address,
    abi,
    async ping(value, note) {
      const hash = await wallet.writeContract({
        address,
        abi,
        functionName: 'ping',
        args: [value, note],
      });
      await reader.waitForTransactionReceipt({ hash });
    },
  };
}

/** Anvil as a chain (one confirmation) and the Pinger on it from block 0, as the specs start. */
export async function watchPinger(
  rpc: { call(name: string, input: unknown): Promise<unknown> },
  anvil: { chainId: number; rpcUrl: string },
  pinger: Pinger,
): Promise<void> {
  await rpc.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations: 1,
  });
  await rpc.call('contracts.add', {
    chainId: anvil.chainId,
    address: pinger.address,
    abi: pinger.abi,
    startBlock: 0,
    name: 'Pinger',
  });
}
