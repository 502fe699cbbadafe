// Proxies detected on adding a contract, on a real anvil with OpenZeppelin's proxy contracts
// (compiled here with the project's solc) and a small diamond: each kind is recognised, the
// implementation's events emitted through the proxy are decoded at the proxy's address, an
// upgrade is seen (event, check, audit entry, built-in alert firing once), the new
// implementation's ABI can be loaded, and a slot pointing at no code is refused with nothing saved.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, toFunctionSelector, type Abi, type Address, type Hex } from 'viem';
import type { AuditEntry, EventRow, WatchedContract } from '../../../src-main/ipc/contract.ts';
import { eip1967Slots } from '../../../src-main/core/intake/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { anvilAccount } from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  compileSolidity,
  deployCompiled,
  sendCall,
  type CompiledContract,
} from '../../helpers/solidity.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let compiled: Map<string, CompiledContract>;
const owner = anvilAccount(0).address;

const contract = (name: string): CompiledContract => compiled.get(name)!;
const deploy = async (name: string, args: readonly unknown[] = []): Promise<Address> =>
  (await deployCompiled(anvil.rpcUrl, contract(name), args)).address;
const add = (address: Address, abi: Abi, name: string) =>
  vigil.call<WatchedContract>('contracts.add', { chainId: anvil.chainId, address, abi, name });
// OpenZeppelin 5's ERC1967Proxy refuses empty initialisation data; a harmless call does.
const initCall = (name: string, functionName: string, args: readonly unknown[] = []): Hex =>
  encodeFunctionData({ abi: contract(name).abi, functionName, args } as never);
const eventsOf = (contractId: string, eventName: string, count: number) =>
  waitFor(async () => {
    const { rows } = await vigil.call<{ rows: EventRow[] }>('events.query', {
      contractId,
      eventName,
    });
    return rows.length >= count ? rows : undefined;
  }, 30_000);

beforeAll(async () => {
  compiled = compileSolidity({
    'Proxies.sol': readFileSync(
      new URL('../../fixtures/proxies/Proxies.sol', import.meta.url),
      'utf8',
    ),
  });
  anvil = await startAnvil();
  vigil = await startVigilInProcess({ tuning: { proxyCheckIntervalMs: 0 } });
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('proxies', () => {
  it('UUPS: decodes the implementation through the proxy, sees the upgrade, fires the rule once', async () => {
    const v1 = await deploy('CounterV1');
    const v2 = await deploy('CounterV2');
    const proxy = await deploy('ERC1967Proxy', [v1, initCall('CounterV1', 'value')]);
    const added = await add(proxy, contract('CounterV1').abi, 'Counter');
    expect(added.proxy).toMatchObject({ kind: 'uups', implementations: [v1], abiCovers: [v1] });
    // The proxy's own upgrade events are part of the merged ABI.
    expect(added.eventNames).toEqual(expect.arrayContaining(['Counted', 'Upgraded']));

    const rules = await vigil.call<Record<string, unknown>[]>('contracts.upgradeRules', {
      id: added.id,
    });
    expect(rules).toEqual([expect.objectContaining({ eventName: 'Upgraded', enabled: true })]);
    const { rule } = await vigil.call<{ rule: { id: string } }>('alerts.rules.save', rules[0]);

    await sendCall(anvil.rpcUrl, proxy, contract('CounterV1').abi, 'count');
    const [counted] = await eventsOf(added.id, 'Counted', 1);
    expect(counted).toMatchObject({ address: proxy, args: { value: '1', by: owner } });

    const upgrade = await sendCall(
      anvil.rpcUrl,
      proxy,
      contract('CounterV1').abi,
      'upgradeToAndCall',
      [v2, '0x'],
    );
    // The first Upgraded is the proxy's constructor pointing at v1; the second is the upgrade.
    const upgradedEvents = await eventsOf(added.id, 'Upgraded', 2);
    expect(upgradedEvents.map((row) => row.args)).toEqual(
      expect.arrayContaining([{ implementation: v1 }, { implementation: v2 }]),
    );

    const checked = await vigil.call<WatchedContract>('contracts.checkProxy', { id: added.id });
    expect(checked.proxy).toMatchObject({
      implementations: [v2],
      abiCovers: [v1],
      upgrades: [{ from: [v1], to: [v2] }],
    });
    // A second check finds nothing new and records nothing.
    await vigil.call('contracts.checkProxy', { id: added.id });
    const audit = await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'contract.upgraded',
    });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]!.details).toMatchObject({ from: [v1], to: [v2], abiLoaded: false });

    // The built-in rule fired once for the one upgrade.
    const firings = await waitFor(async () => {
      const list = await vigil.call<{ firings: { ruleId: string }[] }>('alerts.firings.list', {
        ruleId: rule.id,
      });
      return list.firings.length > 0 ? list.firings : undefined;
    }, 30_000);
    const upgradeFirings = (): Promise<{
      firings: { event: { transactionHash: string } | null }[];
    }> => vigil.call('alerts.firings.list', { ruleId: rule.id });
    expect(
      (await upgradeFirings()).firings.filter(
        (firing) => firing.event?.transactionHash === upgrade.transactionHash,
      ),
    ).toHaveLength(1);
    expect(firings.length).toBeGreaterThan(0);

    // Loading the new implementation's ABI decodes its new event.
    const loaded = await vigil.call<WatchedContract>('contracts.update', {
      id: added.id,
      implementationAbi: contract('CounterV2').abi,
    });
    expect(loaded.proxy?.abiCovers).toEqual([v2]);
    expect(loaded.eventNames).toContain('Doubled');
    await sendCall(anvil.rpcUrl, proxy, contract('CounterV2').abi, 'double');
    const [doubled] = await eventsOf(added.id, 'Doubled', 1);
    expect(doubled!.args).toEqual({ value: '2' });
    // Nothing after the upgrade fires the rule again.
    expect((await upgradeFirings()).firings).toHaveLength(firings.length);
  });

  it('OpenZeppelin transparent proxy: the admin slot makes it transparent', async () => {
    const plain = await deploy('Plain');
    const proxy = await deploy('TransparentUpgradeableProxy', [
      plain,
      owner,
      initCall('Plain', 'poke', [0n]),
    ]);
    const added = await add(proxy, contract('Plain').abi, 'Transparent');
    expect(added.proxy).toMatchObject({ kind: 'transparent', implementations: [plain] });
    expect(added.proxy?.admin).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await sendCall(anvil.rpcUrl, proxy, contract('Plain').abi, 'poke', [7n]);
    // The first Poked is the proxy's initialisation call.
    const poked = await eventsOf(added.id, 'Poked', 2);
    expect(poked.map((row) => row.args)).toEqual(expect.arrayContaining([{ n: '0' }, { n: '7' }]));
  });

  it('beacon proxy: follows the beacon, and a beacon upgrade (no event at the proxy) is seen at the check', async () => {
    const plain = await deploy('Plain');
    const plainAgain = await deploy('Plain');
    const beacon = await deploy('UpgradeableBeacon', [plain, owner]);
    const proxy = await deploy('BeaconProxy', [beacon, '0x']);
    const added = await add(proxy, contract('Plain').abi, 'Beaconed');
    expect(added.proxy).toMatchObject({ kind: 'beacon', beacon, implementations: [plain] });
    await sendCall(anvil.rpcUrl, beacon, contract('UpgradeableBeacon').abi, 'upgradeTo', [
      plainAgain,
    ]);
    const checked = await vigil.call<WatchedContract>('contracts.checkProxy', { id: added.id });
    expect(checked.proxy?.upgrades).toMatchObject([{ from: [plain], to: [plainAgain] }]);
  });

  it('Safe proxy: the singleton in slot 0, its events decoded at the proxy', async () => {
    const singleton = await deploy('SafeSingleton');
    const proxy = await deploy('SafeLikeProxy', [singleton]);
    const added = await add(proxy, contract('SafeSingleton').abi, 'Safe');
    expect(added.proxy).toMatchObject({ kind: 'safe', implementations: [singleton] });
    await sendCall(anvil.rpcUrl, proxy, contract('SafeSingleton').abi, 'execute', [
      `0x${'ab'.repeat(32)}`,
    ]);
    const [executed] = await eventsOf(added.id, 'ExecutionSuccess', 1);
    expect(executed!.args).toMatchObject({ payment: '0' });
  });

  it('diamond: facets from the loupe, every facet decoded, a DiamondCut is an upgrade', async () => {
    const transfer = await deploy('TransferFacet');
    const pause = await deploy('PauseFacet');
    const move = toFunctionSelector('function move(address,uint256)');
    const pauseSelector = toFunctionSelector('function pause()');
    const cut = (facet: Address, selector: string) => [
      { facetAddress: facet, action: 0, functionSelectors: [selector] },
    ];
    const diamond = await deploy('SmallDiamond', [cut(transfer, move)]);
    const facetsAbi = [...contract('TransferFacet').abi, ...contract('PauseFacet').abi];
    const added = await add(diamond, facetsAbi, 'Diamond');
    // The given ABI has the facet's functions: the facet counts as covered.
    expect(added.proxy).toMatchObject({
      kind: 'diamond',
      implementations: [transfer],
      abiCovers: [transfer],
    });
    expect(added.eventNames).toEqual(expect.arrayContaining(['Moved', 'PausedBy', 'DiamondCut']));

    await sendCall(anvil.rpcUrl, diamond, contract('SmallDiamond').abi, 'diamondCut', [
      cut(pause, pauseSelector),
      '0x0000000000000000000000000000000000000000',
      '0x',
    ]);
    await sendCall(anvil.rpcUrl, diamond, contract('PauseFacet').abi, 'pause');
    await sendCall(anvil.rpcUrl, diamond, contract('TransferFacet').abi, 'move', [owner, 5n]);
    await eventsOf(added.id, 'DiamondCut', 1);
    expect((await eventsOf(added.id, 'PausedBy', 1))[0]!.args).toEqual({ who: owner });
    expect((await eventsOf(added.id, 'Moved', 1))[0]!.args).toEqual({ to: owner, amount: '5' });
    const checked = await vigil.call<WatchedContract>('contracts.checkProxy', { id: added.id });
    expect(checked.proxy?.implementations).toEqual([transfer, pause]);
  });

  it('refuses a proxy whose implementation slot points at an address without code, saving nothing', async () => {
    const plain = await deploy('Plain');
    const proxy = await deploy('ERC1967Proxy', [plain, initCall('Plain', 'poke', [0n])]);
    const nowhere = '0x000000000000000000000000000000000000bEEF';
    await rawRpc(anvil.rpcUrl, 'anvil_setStorageAt', [
      proxy,
      eip1967Slots.implementation,
      `0x${nowhere.slice(2).toLowerCase().padStart(64, '0')}`,
    ]);
    const before = await vigil.call<WatchedContract[]>('contracts.list');
    const refused = await vigil.refused('contracts.add', {
      chainId: anvil.chainId,
      address: proxy,
      abi: contract('Plain').abi,
    });
    expect(refused).toMatchObject({ code: 'NO_CODE', field: 'address' });
    expect(refused.message).toContain('implementation slot');
    expect(refused.message).toContain(nowhere);
    expect(await vigil.call<WatchedContract[]>('contracts.list')).toHaveLength(before.length);
  });
});
