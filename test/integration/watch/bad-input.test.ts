// Every bad input gets its specific error and changes nothing.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVigil, type VigilCore } from '../../../src-main/core/app.ts';
import type { ContractError } from '../../../src-main/ipc/contract.ts';
import { createContractServer, type ContractServer } from '../../../src-main/ipc/server.ts';
import { freePort, startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, loadArtifact } from '../../helpers/contracts.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let otherChain: AnvilInstance;
let token: `0x${string}`;
const dataDir = makeTempDir();
let core: VigilCore;
let server: ContractServer;

async function failure(name: string, input: unknown): Promise<ContractError> {
  const envelope = await server.handle(name, input);
  if (envelope.ok) throw new Error(`${name} unexpectedly succeeded`);
  return envelope.error;
}

async function snapshotOfConfig(): Promise<string> {
  const chains = await server.handle('chains.list', undefined);
  const contracts = await server.handle('contracts.list', undefined);
  const events = await server.handle('events.query', { limit: 10_000 });
  return JSON.stringify([chains, contracts, events]);
}

beforeAll(async () => {
  [anvil, otherChain] = await Promise.all([startAnvil(), startAnvil({ chainId: 8453 })]);
  token = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo', 'DMO']);
  core = await createVigil({
    dataDir: dataDir.path,
    log: makeLogger(),
    tuning: { allowPrivateRpc: true },
  });
  server = createContractServer(core);
  const added = await server.handle('chains.add', {
    name: 'anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
  expect(added.ok).toBe(true);
});

afterAll(async () => {
  await core?.close();
  await Promise.all([anvil?.stop(), otherChain?.stop()]);
  dataDir.remove();
});

describe('bad input is refused with a specific error and changes nothing', () => {
  it.each([
    [
      'an RPC URL that answers another chain id',
      'chains.add',
      () => ({ name: 'x', chainId: 10, rpcUrls: [otherChain.rpcUrl] }),
      {
        code: 'CHAIN_ID_MISMATCH',
        field: 'rpcUrls[0]',
        message: /answered chain id 8453, but this chain is configured as 10/,
      },
    ],
    [
      'a second URL that answers another chain id',
      'chains.add',
      () => ({ name: 'x', chainId: 8453, rpcUrls: [otherChain.rpcUrl, anvil.rpcUrl] }),
      {
        code: 'CHAIN_ID_MISMATCH',
        field: 'rpcUrls[1]',
        message: /answered chain id 31337, but this chain is configured as 8453/,
      },
    ],
    [
      'a dead RPC',
      'chains.add',
      async () => ({ name: 'x', chainId: 5, rpcUrls: [`http://127.0.0.1:${await freePort()}`] }),
      { code: 'RPC_UNREACHABLE', field: 'rpcUrls[0]', message: /did not answer eth_chainId/ },
    ],
    [
      'a URL that is not http or ws',
      'chains.add',
      () => ({ name: 'x', chainId: 5, rpcUrls: ['ftp://127.0.0.1'] }),
      { code: 'INVALID_INPUT', field: 'rpcUrls[0]', message: /http\(s\):\/\/ or ws\(s\):\/\// },
    ],
    [
      'a chain that is already configured',
      'chains.add',
      () => ({ name: 'again', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] }),
      { code: 'ALREADY_EXISTS', field: 'chainId', message: /already configured/ },
    ],
    [
      'a wrong address',
      'contracts.add',
      () => ({
        chainId: anvil.chainId,
        address: '0x1234',
        abi: loadArtifact('DemoToken').abi,
        startBlock: 0,
      }),
      { code: 'INVALID_INPUT', field: 'address', message: /40 hex digits/ },
    ],
    [
      'an ABI that does not parse',
      'contracts.add',
      () => ({ chainId: anvil.chainId, address: token, abi: '[{"type":"event",', startBlock: 0 }),
      { code: 'ABI_INVALID', field: 'abi', message: /JSON/ },
    ],
    [
      'an ABI with an unknown type',
      'contracts.add',
      () => ({
        chainId: anvil.chainId,
        address: token,
        abi: ['event Foo(uint7 x)'],
        startBlock: 0,
      }),
      { code: 'ABI_INVALID', field: expect.stringMatching(/^abi/), message: /uint7/ },
    ],
    [
      'an ABI with no events',
      'contracts.add',
      () => ({ chainId: anvil.chainId, address: token, abi: ['function f()'], startBlock: 0 }),
      { code: 'ABI_INVALID', field: 'abi', message: /no events/ },
    ],
    [
      'an unknown chain',
      'contracts.add',
      () => ({ chainId: 999, address: token, abi: loadArtifact('DemoToken').abi, startBlock: 0 }),
      { code: 'NOT_FOUND', field: 'chainId', message: /Chain 999 is not configured/ },
    ],
    [
      'a start block in the future',
      'contracts.add',
      () => ({
        chainId: anvil.chainId,
        address: token,
        abi: loadArtifact('DemoToken').abi,
        startBlock: 1_000_000,
      }),
      {
        code: 'START_BLOCK_IN_FUTURE',
        field: 'startBlock',
        message: /Start block 1000000 is after chain 31337's head block/,
      },
    ],
    [
      'removing a chain that is not there',
      'chains.remove',
      () => ({ chainId: 424242 }),
      { code: 'NOT_FOUND', field: 'chainId', message: /not configured/ },
    ],
    [
      'a cursor Vigil did not make',
      'events.query',
      () => ({ cursor: 'garbage' }),
      { code: 'INVALID_INPUT', field: 'cursor', message: /cursor/ },
    ],
    [
      'a workspace file with a typo',
      'workspace.import',
      () => ({
        yaml: `version: 1\nchains:\n  - name: a\n    chainID: 5\n    rpcUrls: [${anvil.rpcUrl}]\n`,
        fileName: 'ops.yaml',
      }),
      { code: 'WORKSPACE_INVALID', message: /ops\.yaml:4:5/ },
    ],
  ])('%s', async (_label, method, makeInput, expected) => {
    const before = await snapshotOfConfig();
    const error = await failure(method, await makeInput());
    const { message, ...rest } = expected as { message: RegExp; code: string; field?: unknown };
    expect(error).toMatchObject(rest);
    expect(error.message).toMatch(message);
    expect(await snapshotOfConfig()).toBe(before);
  });

  it('an RPC that hangs is reported as unreachable, not waited on forever', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as { port: number }).port;
    try {
      const before = await snapshotOfConfig();
      const error = await failure('chains.add', {
        name: 'x',
        chainId: 7,
        rpcUrls: [`http://127.0.0.1:${port}`],
      });
      expect(error).toMatchObject({ code: 'RPC_UNREACHABLE', field: 'rpcUrls[0]' });
      expect(await snapshotOfConfig()).toBe(before);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('a workspace whose second contract is bad adds neither', async () => {
    const abi = JSON.stringify(loadArtifact('DemoToken').abi);
    // Both deployed: the second is refused for its start block, not for having no code.
    const second = await deployContract(anvil.rpcUrl, 'DemoToken', ['Second', 'TWO']);
    const before = await snapshotOfConfig();
    const error = await failure('workspace.import', {
      fileName: 'two.yaml',
      yaml: [
        'version: 1',
        'contracts:',
        `  - { chainId: ${anvil.chainId}, address: "${token}", startBlock: 0, abi: ${abi} }`,
        `  - { chainId: ${anvil.chainId}, address: "${second}", startBlock: 99999999, abi: ${abi} }`,
      ].join('\n'),
    });
    expect(error).toMatchObject({
      code: 'START_BLOCK_IN_FUTURE',
      field: 'contracts[1].startBlock',
    });
    expect(await snapshotOfConfig()).toBe(before);
  });
});
