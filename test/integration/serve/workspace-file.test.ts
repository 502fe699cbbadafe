// `serve --workspace FILE`: config as code applied at start, idempotently; a typo stops start-up
// with the file, line and field, and changes nothing. The chain is declared with a ws:// URL,
// so live follow runs on newHeads over a WebSocket. A `source: ./contracts` in the operator's file
// names a project folder discovery may then read, without --project-root.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import { chainLogs, storedEvents } from '../../helpers/compare.ts';
import { connectRpc, startServe, waitFor, type ServeProcess } from '../../helpers/serve.ts';
import { writeJson } from '../../helpers/project-folders.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();
const workspaceDir = makeTempDir();
const running: ServeProcess[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  await emitMany(anvil.rpcUrl, emitter, 20);
  writeFileSync(
    join(workspaceDir.path, 'Emitter.abi.json'),
    JSON.stringify(loadArtifact('Emitter').abi),
  );
  writeFileSync(
    join(workspaceDir.path, 'ops.yaml'),
    [
      'version: 1',
      'chains:',
      '  - name: Local',
      `    chainId: ${anvil.chainId}`,
      `    rpcUrls: [${anvil.wsUrl}]`,
      'contracts:',
      '  - name: Emitter',
      `    chainId: ${anvil.chainId}`,
      `    address: "${emitter}"`,
      '    startBlock: 0',
      '    abi: ./Emitter.abi.json',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all(running.map((serve) => serve.kill('SIGKILL')));
  await anvil?.stop();
  dataDir.remove();
  workspaceDir.remove();
});

describe('workspace file at start', () => {
  it('applies the file, follows over a WebSocket URL, and applies idempotently on the next start', async () => {
    const workspace = join(workspaceDir.path, 'ops.yaml');
    let serve = await startServe({ dataDir: dataDir.path, args: ['--workspace', workspace] });
    running.push(serve);
    expect(serve.output()).toMatch(/1 chain\(s\) and 1 contract\(s\) added/);
    let rpc = await connectRpc(serve.wsUrl);
    expect(await rpc.call('chains.list')).toEqual([
      {
        chainId: anvil.chainId,
        name: 'Local',
        rpcUrls: [anvil.wsUrl],
        confirmations: 2,
        // Anvil's chain id is in viem's list: its amounts read in ETH.
        nativeCurrency: { symbol: 'ETH', decimals: 18 },
      },
    ]);
    await emitMany(anvil.rpcUrl, emitter, 5); // arrives live, over newHeads
    const expected = await chainLogs(anvil.rpcUrl, emitter);
    await waitFor(async () => (await storedEvents(rpc)).length === expected.length, 30_000);
    rpc.close();
    await serve.kill('SIGTERM');
    running.pop();

    serve = await startServe({ dataDir: dataDir.path, args: ['--workspace', workspace] });
    running.push(serve);
    expect(serve.output()).toMatch(/0 chain\(s\) and 0 contract\(s\) added, 2 already present/);
    rpc = await connectRpc(serve.wsUrl);
    expect(await rpc.call<unknown[]>('contracts.list')).toHaveLength(1);
    rpc.close();
    await serve.kill('SIGTERM');
    running.pop();
  });

  it('refuses a workspace with a typo, naming file, line and field, and changes nothing', () => {
    const broken = join(workspaceDir.path, 'broken.yaml');
    writeFileSync(
      broken,
      [
        'version: 1',
        'chains:',
        '  - name: Typo',
        '    chainID: 5',
        '    rpcUrls: [http://127.0.0.1:1]',
        '',
      ].join('\n'),
    );
    const before = readdirSync(dataDir.path).sort();
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/serve.ts', '--data-dir', dataDir.path, '--workspace', broken],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken\.yaml:4:5: chains\[0\]\.chainID: .*chainId/);
    expect(readdirSync(dataDir.path).sort()).toEqual(before);
  });

  it('reads a project folder its source: names, and lets discovery read it from then on', async () => {
    const project = join(workspaceDir.path, 'contracts');
    writeJson(join(project, 'out/Emitter.sol/Emitter.json'), {
      abi: loadArtifact('Emitter').abi,
    });
    writeJson(join(project, `broadcast/Deploy.s.sol/${anvil.chainId}/run-latest.json`), {
      transactions: [
        { transactionType: 'CREATE', contractName: 'Emitter', contractAddress: emitter },
      ],
    });
    const file = join(workspaceDir.path, 'from-source.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'chains:',
        `  - { name: Local, chainId: ${anvil.chainId}, rpcUrls: [${anvil.rpcUrl}] }`,
        'contracts:',
        `  - { chainId: ${anvil.chainId}, address: "${emitter}", source: ./contracts }`,
        '',
      ].join('\n'),
    );
    const data = makeTempDir();
    const serve = await startServe({ dataDir: data.path, args: ['--workspace', file] });
    running.push(serve);
    try {
      const rpc = await connectRpc(serve.wsUrl);
      expect(await rpc.call('contracts.list')).toEqual([
        expect.objectContaining({ address: emitter, name: 'Emitter' }),
      ]);
      expect(await rpc.call('contracts.projectRoots', {})).toEqual({ roots: [project] });
      expect(
        await rpc.call<{ contracts: { status: string }[] }>('contracts.discover', {
          path: project,
        }),
      ).toMatchObject({ contracts: [{ status: 'watched' }] });
      rpc.close();
    } finally {
      await serve.kill('SIGTERM');
      running.pop();
      data.remove();
    }
  });
});
