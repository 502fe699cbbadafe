// The ABIs of what a proxy delegates to, loaded by address after it is watched, and stored events
// read with the ABI as it is now. On a real anvil with the small diamond and OpenZeppelin's proxies:
// a diamond's facets from Sourcify (the local stand-in) and from a chosen project folder, each
// named on the proxy; a diamond added from a project comes with the facets that project deploys;
// Etherscan's Proxy/Implementation answer merges the implementation's ABI; events stored before
// (undecoded, some already sealed into segment files) read decoded once the ABI is loaded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, toFunctionSelector, type Address, type Hex } from 'viem';
import type {
  AuditEntry,
  DiscoveryResult,
  EventRow,
  StoreHealth,
  WatchedContract,
} from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks } from '../../helpers/chain-control.ts';
import { anvilAccount } from '../../helpers/contracts.ts';
import { startExplorerStandIn, type ExplorerStandIn } from '../../helpers/explorer-stand-in.ts';
import { writeJson } from '../../helpers/project-folders.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  compileSolidity,
  deployCompiled,
  sendCall,
  type CompiledContract,
} from '../../helpers/solidity.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let standIn: ExplorerStandIn;
let vigil: VigilUnderTest;
let compiled: Map<string, CompiledContract>;
const temp = makeTempDir('vigil-implementation-abis-');
const owner = anvilAccount(0).address;

const contract = (name: string): CompiledContract => compiled.get(name)!;
const deploy = async (name: string, args: readonly unknown[] = []) =>
  deployCompiled(anvil.rpcUrl, contract(name), args);
const cut = (facet: Address, signature: string) => ({
  facetAddress: facet,
  action: 0,
  functionSelectors: [toFunctionSelector(signature)],
});
const rowsOf = async (contractId: string): Promise<EventRow[]> =>
  (await vigil.call<{ rows: EventRow[] }>('events.query', { contractId, limit: 1000 })).rows;

/** A diamond with a TransferFacet and a PauseFacet, and the transactions that made them. */
async function deployDiamond() {
  const transfer = await deploy('TransferFacet');
  const pause = await deploy('PauseFacet');
  const diamond = await deploy('SmallDiamond', [
    [
      cut(transfer.address, 'function move(address,uint256)'),
      cut(pause.address, 'function pause()'),
    ],
  ]);
  return { transfer, pause, diamond };
}

beforeAll(async () => {
  compiled = compileSolidity({
    'Proxies.sol': readFileSync(
      new URL('../../fixtures/proxies/Proxies.sol', import.meta.url),
      'utf8',
    ),
  });
  anvil = await startAnvil();
  standIn = await startExplorerStandIn();
  vigil = await startVigilInProcess({
    tuning: {
      proxyCheckIntervalMs: 0,
      verifiedSourceUrls: { sourcify: standIn.sourcifyUrl, etherscan: standIn.etherscanUrl },
      verifiedSourceTimeoutMs: 3_000,
      projectRoots: [temp.path],
      // Small seal thresholds, so some of the rows read again are in sealed segment files.
      sealMinEvents: 4,
      segmentTargetEvents: 40,
      sealMaxAgeMs: 0,
      maintainIntervalMs: 100,
      storeHealthIntervalMs: 200,
    },
  });
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
}, 180_000);

afterAll(async () => {
  await vigil?.close();
  await standIn?.stop();
  await anvil?.stop();
  temp.remove();
});

describe('implementation and facet ABIs', () => {
  it('a diamond: facets from Sourcify by address, named; its stored events, sealed ones too, read decoded', async () => {
    const { transfer, pause, diamond } = await deployDiamond();
    for (let amount = 1n; amount <= 6n; amount++)
      await sendCall(anvil.rpcUrl, diamond.address, contract('TransferFacet').abi, 'move', [
        owner,
        amount,
      ]);
    await sendCall(anvil.rpcUrl, diamond.address, contract('PauseFacet').abi, 'pause');
    // Only the diamond's own ABI: the facets' events are stored undecoded.
    const added = await vigil.call<WatchedContract>('contracts.add', {
      chainId: anvil.chainId,
      address: diamond.address,
      abi: contract('SmallDiamond').abi,
      name: 'Diamond',
    });
    expect(added.proxy).toMatchObject({
      kind: 'diamond',
      implementations: [transfer.address, pause.address],
      // The diamond's own ABI has neither facet's functions: neither is covered yet.
      abiCovers: [],
    });
    expect(added.eventNames).not.toContain('Moved');
    await mineBlocks(anvil.rpcUrl, 5);
    const undecoded = await waitFor(async () => {
      const rows = await rowsOf(added.id);
      return rows.length === 7 ? rows : undefined;
    }, 30_000);
    expect(undecoded.every((row) => row.eventName === null)).toBe(true);
    // Final and sealed: some of these rows now live in immutable segment files.
    await waitFor(async () => {
      const health = await vigil.call<StoreHealth>('store.health', {});
      return health.segments >= 1 ? health : undefined;
    }, 30_000);

    // Only the TransferFacet is verified: it loads, the PauseFacet is said to be missing.
    standIn.verify(anvil.chainId, transfer.address, {
      name: 'TransferFacet',
      abi: [...contract('TransferFacet').abi],
    });
    const result = await vigil.call<{
      contract: WatchedContract;
      loaded: { address: string; name: string }[];
      missing: { address: string; reason: string }[];
    }>('contracts.loadImplementationAbis', { id: added.id, source: 'sourcify' });
    expect(result.loaded).toEqual([{ address: transfer.address, name: 'TransferFacet' }]);
    expect(result.missing).toEqual([
      {
        address: pause.address,
        reason: `${pause.address} on chain ${anvil.chainId} is not verified on Sourcify. Try Etherscan, or paste the ABI.`,
      },
    ]);
    expect(result.contract.eventNames).toEqual(expect.arrayContaining(['Moved', 'DiamondCut']));
    expect(result.contract.proxy?.names).toEqual({ [transfer.address]: 'TransferFacet' });
    expect(result.contract.proxy?.abiCovers).toEqual([transfer.address]);

    // Every Moved stored before, in the head or in a segment, reads decoded now.
    const rows = await rowsOf(added.id);
    expect(rows.filter((row) => row.eventName === 'Moved').map((row) => row.args)).toEqual(
      [1, 2, 3, 4, 5, 6].map((amount) => ({ to: owner, amount: String(amount) })),
    );
    expect(rows.filter((row) => row.eventName === null)).toHaveLength(1);
    // Asked for by name, and searched by their arguments, they are found too.
    const byName = await vigil.call<{ rows: EventRow[] }>('events.query', {
      contractId: added.id,
      eventName: 'Moved',
    });
    expect(byName.rows.map((row) => row.args?.['amount'])).toEqual(['1', '2', '3', '4', '5', '6']);
    const searched = await vigil.call<{ rows: EventRow[] }>('events.query', {
      contractId: added.id,
      eventName: 'Moved',
      where: 'amount > 4',
    });
    expect(searched.rows.map((row) => row.args?.['amount'])).toEqual(['5', '6']);
    expect(
      (
        await vigil.call<{ rows: EventRow[] }>('events.query', {
          contractId: added.id,
          eventName: 'DiamondCut',
        })
      ).rows,
    ).toEqual([]);

    // Once verified, the other facet loads too, and its event reads decoded.
    standIn.verify(anvil.chainId, pause.address, {
      name: 'PauseFacet',
      abi: [...contract('PauseFacet').abi],
    });
    const again = await vigil.call<{ missing: unknown[]; contract: WatchedContract }>(
      'contracts.loadImplementationAbis',
      { id: added.id, source: 'sourcify' },
    );
    expect(again.missing).toEqual([]);
    expect(again.contract.proxy?.abiCovers).toEqual([transfer.address, pause.address]);
    expect(again.contract.proxy?.names).toEqual({
      [transfer.address]: 'TransferFacet',
      [pause.address]: 'PauseFacet',
    });
    expect((await rowsOf(added.id)).find((row) => row.eventName === 'PausedBy')?.args).toEqual({
      who: owner,
    });
    const audit = await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'contract.changed',
      subject: `contract:${added.id}`,
      order: 'asc',
    });
    expect(audit.entries.map((entry) => entry.details['loaded'])).toEqual([
      [{ address: transfer.address, name: 'TransferFacet' }],
      [
        { address: transfer.address, name: 'TransferFacet' },
        { address: pause.address, name: 'PauseFacet' },
      ],
    ]);
    await vigil.call('contracts.remove', { id: added.id });
  });

  it('a diamond from a project folder comes with the facets that project deploys; other folders are refused', async () => {
    const { transfer, pause, diamond } = await deployDiamond();
    const root = join(temp.path, 'diamond-project');
    const deployed = [
      ['TransferFacet', transfer],
      ['PauseFacet', pause],
      ['SmallDiamond', diamond],
    ] as const;
    for (const [name] of deployed)
      writeJson(join(root, `out/Proxies.sol/${name}.json`), { abi: contract(name).abi });
    writeJson(join(root, `broadcast/Deploy.s.sol/${anvil.chainId}/run-latest.json`), {
      transactions: deployed.map(([name, { address, receipt }]) => ({
        hash: receipt.transactionHash,
        transactionType: 'CREATE',
        contractName: name,
        contractAddress: address,
      })),
    });
    const found = await vigil.call<DiscoveryResult>('contracts.discover', { path: root });
    expect(found.contracts.map((entry) => entry.name)).toEqual([
      'TransferFacet',
      'PauseFacet',
      'SmallDiamond',
    ]);
    const id = `${anvil.chainId}:${diamond.address.toLowerCase()}`;
    await vigil.call('contracts.discoverAdd', { path: root, ids: [id] });
    const [added] = (await vigil.call<WatchedContract[]>('contracts.list')).filter(
      (entry) => entry.id === id,
    );
    expect(added!.eventNames).toEqual(expect.arrayContaining(['DiamondCut', 'Moved', 'PausedBy']));
    expect(added!.proxy?.names).toEqual({
      [transfer.address]: 'TransferFacet',
      [pause.address]: 'PauseFacet',
    });
    // Discovered again: the diamond is watched as it is (its facets' ABIs are not "changes").
    const again = await vigil.call<DiscoveryResult>('contracts.discover', { path: root });
    expect(again.contracts.map((entry) => entry.status)).toEqual(['new', 'new', 'watched']);

    // Loading from a project goes through the same folder check as discovery.
    const refused = await vigil.refused('contracts.loadImplementationAbis', {
      id,
      source: 'project',
      path: '/etc',
    });
    expect(refused).toMatchObject({ code: 'FOLDER_NOT_ALLOWED', field: 'path' });
    const loaded = await vigil.call<{ loaded: unknown[] }>('contracts.loadImplementationAbis', {
      id,
      source: 'project',
      path: root,
    });
    expect(loaded.loaded).toEqual([
      { address: transfer.address, name: 'TransferFacet' },
      { address: pause.address, name: 'PauseFacet' },
    ]);
    await vigil.call('contracts.remove', { id });
  });

  it('Etherscan says proxy: the implementation ABI comes merged; an upgrade loaded later decodes what was stored', async () => {
    const v1 = await deploy('CounterV1');
    const v2 = await deploy('CounterV2');
    const proxy = await deploy('ERC1967Proxy', [
      v1.address,
      encodeFunctionData({ abi: contract('CounterV1').abi, functionName: 'value' }) as Hex,
    ]);
    standIn.verify(anvil.chainId, proxy.address, {
      name: 'ERC1967Proxy',
      abi: [...contract('ERC1967Proxy').abi],
      implementation: v1.address,
    });
    standIn.verify(anvil.chainId, v1.address, {
      name: 'CounterV1',
      abi: [...contract('CounterV1').abi],
    });
    await vigil.call('explorers.setApiKey', { service: 'etherscan', apiKey: 'TESTKEY1234567' });
    const fetched = await vigil.call<{
      name: string;
      abi: unknown[];
      implementation: unknown;
    }>('contracts.fetchAbi', {
      chainId: anvil.chainId,
      address: proxy.address,
      source: 'etherscan',
    });
    expect(fetched.name).toBe('ERC1967Proxy');
    expect(fetched.implementation).toEqual({
      address: v1.address,
      name: 'CounterV1',
      merged: true,
    });
    const added = await vigil.call<WatchedContract>('contracts.add', {
      chainId: anvil.chainId,
      address: proxy.address,
      abi: fetched.abi,
      name: 'Counter',
    });
    expect(added.eventNames).toEqual(expect.arrayContaining(['Counted', 'Upgraded']));

    // Upgraded to v2, whose Doubled is stored undecoded until v2's ABI is loaded.
    await sendCall(anvil.rpcUrl, proxy.address, contract('CounterV1').abi, 'count');
    await sendCall(anvil.rpcUrl, proxy.address, contract('CounterV1').abi, 'upgradeToAndCall', [
      v2.address,
      '0x',
    ]);
    await sendCall(anvil.rpcUrl, proxy.address, contract('CounterV2').abi, 'double');
    const stored = await waitFor(async () => {
      const rows = await rowsOf(added.id);
      return rows.length === 4 ? rows : undefined;
    }, 30_000);
    expect(stored.map((row) => row.eventName)).toEqual(['Upgraded', 'Counted', 'Upgraded', null]);
    await vigil.call('contracts.checkProxy', { id: added.id });
    await vigil.call('contracts.update', {
      id: added.id,
      implementationAbi: contract('CounterV2').abi,
    });
    expect((await rowsOf(added.id)).map((row) => [row.eventName, row.args])).toEqual([
      ['Upgraded', { implementation: v1.address }],
      ['Counted', { value: '1', by: owner }],
      ['Upgraded', { implementation: v2.address }],
      ['Doubled', { value: '2' }],
    ]);
    const doubled = await vigil.call<{ rows: EventRow[] }>('events.query', {
      contractId: added.id,
      eventName: 'Doubled',
    });
    expect(doubled.rows.map((row) => row.args)).toEqual([{ value: '2' }]);
  });
});
