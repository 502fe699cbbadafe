// The committed demo and test contract artifacts: they match their sources, deploy to a real
// anvil, and emit exactly the logs the indexer tests and the demo rely on.
import { readFileSync } from 'node:fs';
import {
  decodeEventLog,
  keccak256,
  pad,
  parseEventLogs,
  toBytes,
  type Address,
  type Log,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileContracts } from '../../scripts/compile-contracts.ts';
import { fundDemoAccounts, startDemoActivity } from '../../scripts/lib/activity.ts';
import { startAnvil, type AnvilInstance } from '../helpers/anvil.ts';
import {
  anvilAccount,
  approveTokens,
  chainClients,
  contractAbis,
  deployContract,
  deployDemoContracts,
  depositToVault,
  emitHidden,
  emitKinds,
  emitMany,
  loadArtifact,
  mintTokens,
  sampleKinds,
  transferTokens,
  withdrawFromVault,
  type ContractName,
} from '../helpers/contracts.ts';

const artifactNames: ContractName[] = [
  'DemoToken',
  'DemoVault',
  'Emitter',
  'EmitterPartial',
  'SixDecimalsToken',
  'NoDecimalsToken',
  'Bytes32SymbolToken',
];
const blockGasLimit = 30_000_000n;
const token = (whole: bigint): bigint => whole * 10n ** 18n;

describe('contract artifacts on disk', () => {
  it('match what the sources compile to now (rerun scripts/compile-contracts.ts if not)', () => {
    const compiled = compileContracts(
      new URL('../../resources/contracts/', import.meta.url).pathname,
    );
    expect(compiled.map((artifact) => artifact.contractName).sort()).toEqual(
      [...artifactNames].sort(),
    );
    for (const artifact of compiled) {
      const onDisk = JSON.parse(
        readFileSync(
          new URL(`../../resources/contracts/${artifact.contractName}.json`, import.meta.url),
          'utf8',
        ),
      );
      expect(onDisk).toEqual(artifact);
      expect(contractAbis[artifact.contractName as ContractName]).toEqual(artifact.abi);
    }
  });

  it('EmitterPartial is Emitter without the Hidden event', () => {
    const full = loadArtifact('Emitter');
    const partial = loadArtifact('EmitterPartial');
    expect(partial.bytecode).toBe(full.bytecode);
    const eventNames = (abi: readonly { type: string; name?: string }[]): string[] =>
      abi.filter((item) => item.type === 'event').map((item) => item.name ?? '');
    expect(eventNames(full.abi)).toContain('Hidden');
    expect(eventNames(partial.abi)).toEqual(
      eventNames(full.abi).filter((name) => name !== 'Hidden'),
    );
  });
});

describe('contracts on anvil', () => {
  let anvil: AnvilInstance;
  let emitter: Address;

  beforeAll(async () => {
    anvil = await startAnvil();
    emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('emitMany(2500) puts 2500 Ping logs with consecutive seq in one block', async () => {
    const receipt = await emitMany(anvil.rpcUrl, emitter, 2500);
    const { reader } = chainClients(anvil.rpcUrl);
    const logs = await reader.getLogs({
      address: emitter,
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(logs).toHaveLength(2500);
    expect(new Set(logs.map((log) => log.transactionHash))).toEqual(
      new Set([receipt.transactionHash]),
    );
    const pings = parseEventLogs({ abi: contractAbis.Emitter, eventName: 'Ping', logs });
    expect(pings.map((ping) => ping.args.seq)).toEqual(
      Array.from({ length: 2500 }, (_, index) => BigInt(index)),
    );
    expect(pings.every((ping) => ping.args.sender === anvilAccount(0).address)).toBe(true);
    expect(pings.map((ping) => ping.logIndex)).toEqual(
      Array.from({ length: 2500 }, (_, index) => index),
    );
  });

  it('emitMany(3000) fits well inside a 30M gas block, and seq continues across calls', async () => {
    const receipt = await emitMany(anvil.rpcUrl, emitter, 3000);
    // About 2.2k gas per Ping; staying under a third of the block leaves the benchmark room to grow.
    expect(receipt.gasUsed).toBeLessThan(blockGasLimit / 3n);
    const pings = parseEventLogs({
      abi: contractAbis.Emitter,
      eventName: 'Ping',
      logs: receipt.logs,
    });
    expect(pings).toHaveLength(3000);
    expect(pings[0]!.args.seq).toBe(2500n);
    expect(pings.at(-1)!.args.seq).toBe(5499n);
  });

  it('emitKinds emits one log of every ABI kind, decodable by the full ABI', async () => {
    const receipt = await emitKinds(anvil.rpcUrl, emitter);
    const sender = anvilAccount(0).address;
    const logs = receipt.logs;
    expect(logs).toHaveLength(13);
    const decode = (log: Log) =>
      decodeEventLog({ abi: contractAbis.Emitter, data: log.data, topics: log.topics });
    const [
      signed,
      flag,
      blob,
      hash,
      note,
      addresses,
      amounts,
      paid,
      mixed,
      tagged,
      keyed,
      unnamed,
      hidden,
    ] = logs;

    expect(decode(signed!)).toEqual({
      eventName: 'Signed',
      args: { value: sampleKinds.signedValue },
    });
    expect(sampleKinds.signedValue).toBeLessThan(0n);
    expect(decode(flag!)).toEqual({ eventName: 'Flag', args: { value: true } });
    expect(decode(blob!)).toEqual({ eventName: 'Blob', args: { data: sampleKinds.blob } });
    expect(decode(hash!)).toEqual({ eventName: 'Hash', args: { value: sampleKinds.hash } });
    expect(decode(note!)).toEqual({ eventName: 'Note', args: { text: sampleKinds.note } });
    expect(decode(addresses!)).toEqual({
      eventName: 'Addresses',
      args: { list: sampleKinds.addresses },
    });
    expect(decode(amounts!)).toEqual({ eventName: 'Amounts', args: { list: sampleKinds.amounts } });
    expect(decode(paid!)).toEqual({ eventName: 'Paid', args: { payment: sampleKinds.payment } });
    expect(decode(mixed!)).toEqual({
      eventName: 'Mixed',
      args: {
        signedValue: sampleKinds.signedValue,
        flag: true,
        note: sampleKinds.note,
        payment: sampleKinds.payment,
        amounts: sampleKinds.amounts,
      },
    });

    // An indexed string's topic is the keccak256 of its UTF-8 bytes; the text is gone.
    expect(tagged!.topics[1]).toBe(keccak256(toBytes(sampleKinds.note)));
    expect(decode(tagged!)).toEqual({
      eventName: 'Tagged',
      args: {
        tag: keccak256(toBytes(sampleKinds.note)),
        value: BigInt(sampleKinds.amounts.length),
      },
    });
    expect(keyed!.topics[1]).toBe(sampleKinds.hash);
    expect(decode(keyed!)).toEqual({
      eventName: 'Keyed',
      args: { key: sampleKinds.hash, who: sender, flag: true },
    });

    // Anonymous: no signature topic; topic0 is the indexed address, so nothing matches by name.
    expect(unnamed!.topics).toEqual([pad(sender.toLowerCase() as Address)]);
    expect(() => decode(unnamed!)).toThrow();

    expect(decode(hidden!)).toEqual({ eventName: 'Hidden', args: { value: 3n, sender } });
  });

  it('the Hidden log is not decodable with EmitterPartial’s ABI, and is still returned by getLogs', async () => {
    const receipt = await emitHidden(anvil.rpcUrl, emitter, 7n);
    const { reader } = chainClients(anvil.rpcUrl);
    const logs = await reader.getLogs({
      address: emitter,
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(logs).toHaveLength(1);
    const partialAbi = loadArtifact('EmitterPartial').abi;
    expect(() =>
      decodeEventLog({ abi: partialAbi, data: logs[0]!.data, topics: logs[0]!.topics }),
    ).toThrow(/not found on ABI/);
    expect(
      decodeEventLog({ abi: contractAbis.Emitter, data: logs[0]!.data, topics: logs[0]!.topics })
        .args,
    ).toEqual({
      value: 7n,
      sender: anvilAccount(0).address,
    });
  });

  it('DemoToken and DemoVault: mint, transfer, approve, deposit, withdraw, LargeMovement', async () => {
    const threshold = token(1_000n);
    const { token: tokenAddress, vault } = await deployDemoContracts(anvil.rpcUrl, threshold);
    const alice = anvilAccount(1).address;
    const bob = anvilAccount(2).address;

    const minted = await mintTokens(anvil.rpcUrl, tokenAddress, alice, token(5_000n));
    expect(parseEventLogs({ abi: contractAbis.DemoToken, logs: minted.logs })[0]).toMatchObject({
      eventName: 'Transfer',
      args: { from: '0x0000000000000000000000000000000000000000', to: alice, value: token(5_000n) },
    });

    const sent = await transferTokens(anvil.rpcUrl, tokenAddress, bob, token(100n), {
      accountIndex: 1,
    });
    expect(parseEventLogs({ abi: contractAbis.DemoToken, logs: sent.logs })[0]).toMatchObject({
      eventName: 'Transfer',
      args: { from: alice, to: bob, value: token(100n) },
    });

    const approved = await approveTokens(anvil.rpcUrl, tokenAddress, vault, token(4_000n), {
      accountIndex: 1,
    });
    expect(parseEventLogs({ abi: contractAbis.DemoToken, logs: approved.logs })[0]).toMatchObject({
      eventName: 'Approval',
      args: { owner: alice, spender: vault, value: token(4_000n) },
    });

    // Below the threshold: Deposit only.
    const small = await depositToVault(anvil.rpcUrl, vault, token(500n), { accountIndex: 1 });
    const smallEvents = parseEventLogs({ abi: contractAbis.DemoVault, logs: small.logs });
    expect(smallEvents.map((event) => event.eventName)).toEqual(['Deposit']);
    expect(smallEvents[0]!.args).toEqual({
      account: alice,
      amount: token(500n),
      shares: token(500n),
    });

    // Above the threshold: Deposit, then LargeMovement.
    const large = await depositToVault(anvil.rpcUrl, vault, token(3_000n), { accountIndex: 1 });
    const largeEvents = parseEventLogs({ abi: contractAbis.DemoVault, logs: large.logs });
    expect(largeEvents.map((event) => event.eventName)).toEqual(['Deposit', 'LargeMovement']);
    expect(largeEvents[1]!.args).toEqual({ account: alice, amount: token(3_000n) });

    const withdrawn = await withdrawFromVault(anvil.rpcUrl, vault, token(200n), {
      accountIndex: 1,
    });
    const withdrawEvents = parseEventLogs({ abi: contractAbis.DemoVault, logs: withdrawn.logs });
    expect(withdrawEvents.map((event) => event.eventName)).toEqual(['Withdraw']);
    expect(withdrawEvents[0]!.args).toEqual({
      account: alice,
      amount: token(200n),
      shares: token(200n),
    });

    // Only the owner mints.
    const { wallet } = chainClients(anvil.rpcUrl, 1);
    await expect(
      wallet.writeContract({
        address: tokenAddress,
        abi: contractAbis.DemoToken,
        functionName: 'mint',
        args: [alice, 1n],
        chain: null,
      }),
    ).rejects.toThrow(/NotOwner/);
  });

  it('the demo activity generator: transfers and deposits land on chain, without errors', async () => {
    const threshold = token(1_000n);
    const { token: tokenAddress, vault } = await deployDemoContracts(anvil.rpcUrl, threshold);
    const actors = [3, 4, 5];
    await fundDemoAccounts({
      rpcUrl: anvil.rpcUrl,
      token: tokenAddress,
      actorAccountIndexes: actors,
      amountEach: token(5_000n),
    });
    const errors: Error[] = [];
    let seed = 12345;
    const activity = startDemoActivity({
      rpcUrl: anvil.rpcUrl,
      token: tokenAddress,
      vault,
      largeMovementThreshold: threshold,
      actorAccountIndexes: actors,
      meanPauseMs: 20,
      largeActionShare: 0.2,
      // A fixed linear congruential sequence, so a failure can be replayed.
      random: () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31,
      onError: (error) => errors.push(error),
    });
    await new Promise((resolveWait) => setTimeout(resolveWait, 4_000));
    await activity.stop();
    expect(
      errors.map((error) => (error as { shortMessage?: string }).shortMessage ?? error.message),
    ).toEqual([]);
    expect(activity.counts.transfer).toBeGreaterThan(0);
    expect(activity.counts.deposit + activity.counts.largeDeposit).toBeGreaterThan(0);

    const { reader } = chainClients(anvil.rpcUrl);
    const vaultLogs = await reader.getLogs({ address: vault, fromBlock: 0n, toBlock: 'latest' });
    const vaultEvents = parseEventLogs({ abi: contractAbis.DemoVault, logs: vaultLogs });
    const deposits = vaultEvents.filter((event) => event.eventName === 'Deposit').length;
    expect(deposits).toBe(activity.counts.deposit + activity.counts.largeDeposit);
    const largeMovements = vaultEvents.filter(
      (event) => event.eventName === 'LargeMovement',
    ).length;
    expect(largeMovements).toBeGreaterThanOrEqual(activity.counts.largeDeposit);
  });
});
