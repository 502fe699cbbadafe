// Contracts from a verified source, through the contract: ABIs fetched from a local stand-in for
// Sourcify and Etherscan (the real services cannot be reached from here; see the README), each
// failure a specific message with nothing added, the explorer key kept in the OS keychain and
// nowhere else, and workspace files whose contracts say `source: sourcify` or
// `source: ./project` applied against a real anvil.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { AuditEntry, WatchedContract } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { startExplorerStandIn, type ExplorerStandIn } from '../../helpers/explorer-stand-in.ts';
import { filesUnder, placesHoldingText } from '../../helpers/key-leaks.ts';
import { foundryProject } from '../../helpers/project-folders.ts';
import { compileSolidity, deployCompiled, type CompiledContract } from '../../helpers/solidity.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

const API_KEY = 'VIGILTESTKEY9X3M7Q1W5E8R2T6Y4U';

let anvil: AnvilInstance;
let standIn: ExplorerStandIn;
let vigil: VigilUnderTest;
let compiled: Map<string, CompiledContract>;
let verified: Address;
let unverified: Address;
const temp = makeTempDir('vigil-verified-');

beforeAll(async () => {
  compiled = compileSolidity({
    'Ledger.sol': readFileSync(
      new URL('../../fixtures/projects/Ledger.sol', import.meta.url),
      'utf8',
    ),
  });
  anvil = await startAnvil();
  standIn = await startExplorerStandIn();
  verified = (await deployCompiled(anvil.rpcUrl, compiled.get('Ledger')!)).address;
  unverified = (await deployCompiled(anvil.rpcUrl, compiled.get('Vault')!)).address;
  standIn.verify(anvil.chainId, verified, {
    name: 'Ledger',
    abi: [...compiled.get('Ledger')!.abi],
  });
  vigil = await startVigilInProcess({
    tuning: {
      proxyCheckIntervalMs: 0,
      verifiedSourceUrls: { sourcify: standIn.sourcifyUrl, etherscan: standIn.etherscanUrl },
      verifiedSourceTimeoutMs: 3_000,
      // workspace.import's `source: ./contracts` is read only inside a folder the operator chose.
      projectRoots: [temp.path],
    },
  });
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
});

afterAll(async () => {
  await vigil?.close();
  await standIn?.stop();
  await anvil?.stop();
  temp.remove();
});

const fetchAbi = (address: string, source: 'sourcify' | 'etherscan') =>
  ({ chainId: anvil.chainId, address, source }) as const;
const watched = () => vigil.call<WatchedContract[]>('contracts.list');

describe('contracts.fetchAbi', () => {
  it('Etherscan needs a key, kept in the keychain and never returned; Sourcify needs none', async () => {
    expect(await vigil.call('explorers.status')).toEqual({ etherscan: { hasKey: false } });
    const noKey = await vigil.refused('contracts.fetchAbi', fetchAbi(verified, 'etherscan'));
    expect(noKey.code).toBe('NOT_AVAILABLE');

    expect(
      await vigil.callAsNobody('explorers.setApiKey', { service: 'etherscan', apiKey: API_KEY }),
    ).toEqual({ service: 'etherscan', hasKey: true });
    expect(await vigil.call('explorers.status')).toEqual({ etherscan: { hasKey: true } });

    const fromEtherscan = await vigil.call<{ name: string; abi: unknown[] }>(
      'contracts.fetchAbi',
      fetchAbi(verified, 'etherscan'),
    );
    expect(fromEtherscan).toEqual({
      name: 'Ledger',
      abi: compiled.get('Ledger')!.abi,
      source: 'etherscan',
    });
    expect(new URL(standIn.requests.at(-1)!, 'http://x').searchParams.get('apikey')).toBe(API_KEY);
    expect(await vigil.call('contracts.fetchAbi', fetchAbi(verified, 'sourcify'))).toEqual({
      name: 'Ledger',
      abi: compiled.get('Ledger')!.abi,
      source: 'sourcify',
      verifiedAt: '2025-03-14T09:26:53Z',
    });

    const audit = await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'explorer.key-set',
    });
    expect(audit.entries.map((entry) => [entry.subject, entry.details])).toEqual([
      ['explorer:etherscan', { service: 'etherscan' }],
    ]);
  });

  it('not verified, rate-limited, malformed, unreachable: a specific message each, nothing added', async () => {
    const cases: [ExplorerStandIn['mode'], string, 'sourcify' | 'etherscan', string, RegExp][] = [
      ['normal', unverified, 'sourcify', 'NOT_VERIFIED', /is not verified on Sourcify/],
      ['normal', unverified, 'etherscan', 'NOT_VERIFIED', /is not verified on Etherscan/],
      ['http-429', verified, 'sourcify', 'RATE_LIMITED', /HTTP 429\); it asks to wait 7 s/],
      ['etherscan-rate-limit', verified, 'etherscan', 'RATE_LIMITED', /Max rate limit reached/],
      ['malformed', verified, 'etherscan', 'SOURCE_INVALID', /something Vigil cannot read/],
      ['hang-up', verified, 'sourcify', 'SOURCE_UNREACHABLE', /could not be reached/],
    ];
    for (const [mode, address, source, code, message] of cases) {
      standIn.mode = mode;
      const error = await vigil.refused('contracts.fetchAbi', fetchAbi(address, source));
      expect([mode, source, error.code]).toEqual([mode, source, code]);
      expect(error.message).toMatch(message);
    }
    standIn.mode = 'normal';
    expect(await watched()).toEqual([]);
  });
});

describe('workspace files with source:', () => {
  it('source: sourcify is fetched when applied; one unverified entry adds nothing', async () => {
    const entry = (address: string, source: string) =>
      `  - chainId: ${anvil.chainId}\n    address: '${address}'\n    source: ${source}`;
    const bad = [
      'version: 1',
      'contracts:',
      entry(verified, 'sourcify'),
      entry(unverified, 'etherscan'),
    ].join('\n');
    const refused = await vigil.refused('workspace.import', { yaml: bad, fileName: 'ops.yaml' });
    expect(refused.code).toBe('NOT_VERIFIED');
    expect(refused.message).toBe(
      `ops.yaml:8:13: contracts[1].source: ${unverified} on chain ${anvil.chainId} is not verified on Etherscan. Try Sourcify, or paste the ABI.`,
    );
    expect(refused.field).toBe('contracts[1].source');
    expect(await watched()).toEqual([]);
    // Rate-limited while applying: refused with the service's answer, nothing added either.
    standIn.mode = 'http-429';
    const limited = await vigil.refused('workspace.import', {
      yaml: ['version: 1', 'contracts:', entry(verified, 'sourcify')].join('\n'),
      fileName: 'ops.yaml',
    });
    standIn.mode = 'normal';
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toMatch(
      /^ops\.yaml:5:13: contracts\[0\]\.source: Sourcify is limiting/,
    );
    expect(await watched()).toEqual([]);

    const summary = await vigil.call<{ contractsAdded: number }>('workspace.import', {
      yaml: ['version: 1', 'contracts:', entry(verified, 'sourcify')].join('\n'),
      fileName: 'ops.yaml',
    });
    expect(summary.contractsAdded).toBe(1);
    const [contract] = await watched();
    expect(contract).toMatchObject({ address: verified, name: 'Ledger', eventNames: ['Recorded'] });
    // Applied again (as at every start): the contract exists, so nothing is fetched.
    const asked = standIn.requests.length;
    const again = await vigil.call<{ contractsAdded: number; contractsUnchanged: number }>(
      'workspace.import',
      {
        yaml: ['version: 1', 'contracts:', entry(verified, 'sourcify')].join('\n'),
        fileName: 'ops.yaml',
      },
    );
    expect([again.contractsAdded, again.contractsUnchanged]).toEqual([0, 1]);
    expect(standIn.requests.length).toBe(asked);
    await vigil.call('contracts.remove', { id: contract!.id });
  });

  it('source: ./project reads the Foundry project that deployed it', async () => {
    const root = join(temp.path, 'repo');
    const ledger = await foundryProject(join(root, 'contracts'), anvil, compiled);
    const file = join(root, 'ops.yaml');
    const yaml = (address: string) =>
      [
        'version: 1',
        'contracts:',
        `  - { chainId: ${anvil.chainId}, address: '${address}', source: ./contracts }`,
      ].join('\n');

    const missing = await vigil.refused('workspace.import', {
      yaml: yaml(verified),
      fileName: file,
    });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe(
      `${file}:3:${yaml(verified).split('\n')[2]!.indexOf('./contracts') + 1}: contracts[0].source: ${join(root, 'contracts')} records no deployment of ${verified} on chain ${anvil.chainId} (it has Ledger ${ledger.address} on chain ${anvil.chainId}).`,
    );
    expect(await watched()).toEqual([]);

    writeFileSync(file, yaml(ledger.address));
    const summary = await vigil.call<{ contractsAdded: number }>('workspace.import', {
      yaml: readFileSync(file, 'utf8'),
      fileName: file,
    });
    expect(summary.contractsAdded).toBe(1);
    expect(await watched()).toMatchObject([
      {
        address: ledger.address,
        name: 'Ledger',
        startBlock: ledger.block,
        abi: compiled.get('Ledger')!.abi,
      },
    ]);
  });

  it('the API key is in no file of the data directory, log line, push or response', async () => {
    const haystacks = [
      ...filesUnder(vigil.dataDir),
      { where: 'log', text: vigil.log.records.join('\n') },
      { where: 'pushes', text: JSON.stringify(vigil.pushes) },
      { where: 'responses', text: JSON.stringify(vigil.responses) },
    ];
    expect(placesHoldingText(API_KEY, haystacks)).toEqual([]);
    // The search finds the key where it is: in what the explorer was sent.
    expect(
      placesHoldingText(API_KEY, [{ where: 'explorer', text: standIn.requests.join('\n') }]),
    ).not.toEqual([]);
  });
});
