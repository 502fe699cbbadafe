// Contracts from a project folder: a Foundry-shaped and a Hardhat-shaped project are built by the
// test (compiled with the project's solc, deployed to anvil, and written as forge and
// hardhat-deploy / Ignition write them), then discovered with the right addresses, ABIs and
// start blocks; adding twice adds nothing; a changed ABI is updated and audited; bad folders and
// deployments each get their own message and nothing is saved. Only folders the operator allowed
// (--project-root, here the test's temp folder) are read: a hostile client naming any other is
// refused.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAbi } from 'viem';
import type {
  AuditEntry,
  DiscoveryResult,
  WatchedContract,
} from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { compileSolidity, type CompiledContract } from '../../helpers/solidity.ts';
import {
  foundryProject,
  hardhatProject,
  writeJson as write,
} from '../../helpers/project-folders.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let compiled: Map<string, CompiledContract>;
const temp = makeTempDir('vigil-projects-');

beforeAll(async () => {
  compiled = compileSolidity({
    'Ledger.sol': readFileSync(
      new URL('../../fixtures/projects/Ledger.sol', import.meta.url),
      'utf8',
    ),
  });
  anvil = await startAnvil();
  vigil = await startVigilInProcess({
    tuning: { proxyCheckIntervalMs: 0, projectRoots: [temp.path] },
  });
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
  temp.remove();
});

const discover = (path: string) => vigil.call<DiscoveryResult>('contracts.discover', { path });
const auditOf = async (action: string) =>
  (await vigil.call<{ entries: AuditEntry[] }>('audit.list', { action, order: 'asc' })).entries;

describe('contracts from a project folder', () => {
  it('Foundry: discovered, added in one step, added once, and a changed ABI updated and audited', async () => {
    const root = join(temp.path, 'foundry');
    const ledger = await foundryProject(root, anvil, compiled);
    const found = await discover(root);
    expect(found.layouts).toEqual(['foundry', 'foundry-broadcast']);
    expect(found.contracts).toEqual([
      expect.objectContaining({
        name: 'Ledger',
        chainId: anvil.chainId,
        address: ledger.address,
        startBlock: ledger.block,
        status: 'new',
        eventNames: ['Recorded'],
        file: `broadcast/Deploy.s.sol/${anvil.chainId}/run-latest.json`,
      }),
    ]);
    const id = found.contracts[0]!.id;
    expect(await vigil.call('contracts.discoverAdd', { path: root, ids: [id] })).toEqual({
      added: [id],
      updated: [],
      unchanged: [],
    });
    const [watched] = await vigil.call<WatchedContract[]>('contracts.list');
    expect(watched).toMatchObject({ id, name: 'Ledger', startBlock: ledger.block });

    // Again: nothing added twice.
    expect((await discover(root)).contracts[0]!.status).toBe('watched');
    expect(await vigil.call('contracts.discoverAdd', { path: root, ids: [id] })).toEqual({
      added: [],
      updated: [],
      unchanged: [id],
    });
    expect(await vigil.call<WatchedContract[]>('contracts.list')).toHaveLength(1);

    // The project gains an event: the ABI is updated, and the audit says which events changed.
    const artifact = join(root, 'out/Ledger.sol/Ledger.json');
    const rebuilt = JSON.parse(readFileSync(artifact, 'utf8')) as { abi: unknown[] };
    rebuilt.abi.push(...parseAbi(['event Closed(uint256 indexed id)']));
    write(artifact, rebuilt);
    expect((await discover(root)).contracts[0]!.status).toBe('abi-changed');
    expect(await vigil.call('contracts.discoverAdd', { path: root, ids: [id] })).toEqual({
      added: [],
      updated: [id],
      unchanged: [],
    });
    const [updated] = await vigil.call<WatchedContract[]>('contracts.list');
    expect(updated!.eventNames).toEqual(['Recorded', 'Closed']);
    const changes = (await auditOf('contract.changed')).map((entry) => entry.details['changes']);
    expect(changes).toEqual([
      {
        events: {
          from: ['Recorded(uint256,address)'],
          to: ['Closed(uint256)', 'Recorded(uint256,address)'],
        },
      },
    ]);
    expect((await auditOf('contract.added')).length).toBe(1);
  });

  it('Hardhat: hardhat-deploy and Ignition deployments, with their start blocks', async () => {
    const root = join(temp.path, 'hardhat');
    const vault = await hardhatProject(root, anvil, compiled);
    const found = await discover(root);
    expect(found.layouts).toEqual(['hardhat', 'hardhat-deploy', 'ignition']);
    expect(
      found.contracts.map((contract) => [
        contract.name,
        contract.address,
        contract.startBlock,
        contract.status,
      ]),
    ).toEqual([
      ['Vault', vault.deployed.address, vault.deployed.block, 'new'],
      // Ignition records no transaction next to the address: the block is found from the chain.
      ['Vault', vault.ignition.address, vault.ignition.block, 'new'],
    ]);
    const added = await vigil.call<{ added: string[] }>('contracts.discoverAdd', {
      path: root,
      ids: found.contracts.map((contract) => contract.id),
    });
    expect(added.added).toHaveLength(2);
  });

  it('bad input: no artifacts, an unconfigured chain, an address without code; nothing saved', async () => {
    const before = await vigil.call<WatchedContract[]>('contracts.list');
    const empty = join(temp.path, 'empty');
    mkdirSync(join(empty, 'src'), { recursive: true });
    const none = await vigil.refused('contracts.discover', { path: empty });
    expect(none).toMatchObject({ code: 'NOT_FOUND', field: 'path' });
    expect(none.message).toContain('No build artifacts or deployments');
    expect(
      (await vigil.refused('contracts.discover', { path: join(temp.path, 'nowhere') })).message,
    ).toContain('is not a folder');

    const root = join(temp.path, 'odd');
    const ledger = compiled.get('Ledger')!;
    write(join(root, 'out/Ledger.sol/Ledger.json'), { abi: ledger.abi });
    const runFor = (address: string) => ({
      transactions: [
        { transactionType: 'CREATE', contractName: 'Ledger', contractAddress: address },
      ],
    });
    write(
      join(root, 'broadcast/Deploy.s.sol/999/run-latest.json'),
      runFor('0x00000000000000000000000000000000000000A1'),
    );
    write(
      join(root, `broadcast/Deploy.s.sol/${anvil.chainId}/run-latest.json`),
      runFor('0x00000000000000000000000000000000000000B2'),
    );
    const found = await discover(root);
    const otherChain = found.contracts.find((contract) => contract.chainId === 999);
    const noCode = found.contracts.find((contract) => contract.chainId === anvil.chainId);
    expect(otherChain).toMatchObject({ status: 'problem', chainId: 999 });
    expect(otherChain!.problem).toContain('Chain 999 is not configured');
    expect(noCode).toMatchObject({ status: 'problem' });
    expect(noCode!.problem).toContain('No contract is deployed at');
    for (const bad of [otherChain!, noCode!]) {
      const refused = await vigil.refused('contracts.discoverAdd', { path: root, ids: [bad.id] });
      expect(refused).toMatchObject({ code: 'INVALID_INPUT', field: 'ids[0]' });
      expect(refused.message).toContain(bad.problem);
    }
    // Same contracts with the same ABIs (their indexing goes on meanwhile).
    const shape = (list: WatchedContract[]) => list.map(({ id, abi }) => ({ id, abi }));
    expect(shape(await vigil.call<WatchedContract[]>('contracts.list'))).toEqual(shape(before));
  });

  it('a hostile client: /etc, ~/.ssh, "..", a symlink out, a workspace text naming /etc; all refused, nothing read or saved', async () => {
    const before = await vigil.call<WatchedContract[]>('contracts.list');
    const outside = makeTempDir('vigil-outside-');
    try {
      // A real project outside the allowed folder: reading it would be a leak.
      await foundryProject(join(outside.path, 'secret'), anvil, compiled);
      symlinkSync(join(outside.path, 'secret'), join(temp.path, 'escape'));
      const attempts: [string, string][] = [
        ['/etc', 'not-chosen'],
        [join(homedir(), '.ssh'), 'not-chosen'],
        [join(outside.path, 'secret'), 'not-chosen'],
        [`${temp.path}/../${outside.path.split('/').at(-1)!}/secret`, 'dot-dot'],
        [join(temp.path, 'escape'), 'symlink-escape'],
        ['secret', 'relative'],
      ];
      for (const [path, reason] of attempts) {
        for (const request of ['contracts.discover', 'contracts.discoverAdd'] as const) {
          const refused = await vigil.refused(request, {
            path,
            ...(request === 'contracts.discoverAdd' ? { ids: [`${anvil.chainId}:0x00`] } : {}),
          });
          expect(refused, `${request} ${path}`).toMatchObject({
            code: 'FOLDER_NOT_ALLOWED',
            field: 'path',
            details: { path, reason },
          });
        }
      }
      const workspace = await vigil.refused('workspace.import', {
        yaml: [
          'version: 1',
          'contracts:',
          `  - { chainId: ${anvil.chainId}, address: '0x${'11'.repeat(20)}', source: ${join(outside.path, 'secret')} }`,
        ].join('\n'),
        fileName: join(outside.path, 'ops.yaml'),
      });
      expect(workspace).toMatchObject({
        code: 'FOLDER_NOT_ALLOWED',
        field: 'contracts[0].source',
      });
      expect(workspace.message).toContain('not inside a project folder the operator chose');
      expect(await vigil.call('contracts.projectRoots')).toEqual({ roots: [temp.path] });
      expect(await vigil.call<WatchedContract[]>('contracts.list')).toEqual(before);
    } finally {
      outside.remove();
    }
  });
});
