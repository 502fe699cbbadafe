// Project folders shaped as Foundry and Hardhat leave them (forge build + forge script --broadcast;
// Hardhat artifacts, hardhat-deploy and Ignition), with contracts compiled and deployed to anvil by
// the caller's test, for contracts.discover.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnvilInstance } from './anvil.ts';
import { deployCompiled, type CompiledContract } from './solidity.ts';

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** What `forge build` and `forge script --broadcast` leave behind. */
export async function foundryProject(
  root: string,
  anvil: AnvilInstance,
  compiled: Map<string, CompiledContract>,
) {
  const ledger = compiled.get('Ledger')!;
  const { address, receipt } = await deployCompiled(anvil.rpcUrl, ledger);
  writeJson(join(root, 'foundry.toml'), '[profile.default]\nsrc = "src"\nout = "out"\n');
  writeJson(join(root, 'out/Ledger.sol/Ledger.json'), {
    abi: ledger.abi,
    bytecode: { object: ledger.bytecode },
    deployedBytecode: { object: ledger.deployedBytecode },
  });
  writeJson(join(root, `broadcast/Deploy.s.sol/${anvil.chainId}/run-latest.json`), {
    transactions: [
      {
        hash: receipt.transactionHash,
        transactionType: 'CREATE',
        contractName: 'Ledger',
        contractAddress: address,
        function: null,
        arguments: null,
      },
    ],
    receipts: [
      {
        transactionHash: receipt.transactionHash,
        blockNumber: `0x${receipt.blockNumber.toString(16)}`,
        contractAddress: address.toLowerCase(),
      },
    ],
    chain: anvil.chainId,
  });
  return { address, block: Number(receipt.blockNumber) };
}

/** What Hardhat, hardhat-deploy and Ignition leave behind. */
export async function hardhatProject(
  root: string,
  anvil: AnvilInstance,
  compiled: Map<string, CompiledContract>,
) {
  const vault = compiled.get('Vault')!;
  const deployed = await deployCompiled(anvil.rpcUrl, vault);
  const byIgnition = await deployCompiled(anvil.rpcUrl, vault);
  writeJson(join(root, 'artifacts/contracts/Ledger.sol/Vault.json'), {
    _format: 'hh-sol-artifact-1',
    contractName: 'Vault',
    sourceName: 'contracts/Ledger.sol',
    abi: vault.abi,
    bytecode: vault.bytecode,
  });
  writeJson(join(root, 'artifacts/build-info/abc.json'), { input: {}, output: {} });
  writeJson(join(root, 'deployments/localhost/.chainId'), String(anvil.chainId));
  writeJson(join(root, 'deployments/localhost/Vault.json'), {
    address: deployed.address,
    abi: vault.abi,
    transactionHash: deployed.receipt.transactionHash,
    receipt: { blockNumber: Number(deployed.receipt.blockNumber) },
  });
  writeJson(join(root, `ignition/deployments/chain-${anvil.chainId}/deployed_addresses.json`), {
    'VaultModule#Vault': byIgnition.address,
  });
  return {
    deployed: { address: deployed.address, block: Number(deployed.receipt.blockNumber) },
    ignition: { address: byIgnition.address, block: Number(byIgnition.receipt.blockNumber) },
  };
}
