// Signer keys against a real Secret Service (gnome-keyring on a private D-Bus session, set up by
// `npm test`): import, generate, list, sign, remove — and the key never appears anywhere else:
// not in the data directory's files, the log, a push or a response. A machine with no usable
// keychain gets a clear error, never a plain-text fallback.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, Hex } from 'viem';
import type { Signer, Transaction } from '../../../src-main/ipc/contract.ts';
import { createOsKeychain } from '../../../src-main/core/keys/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks } from '../../helpers/chain-control.ts';
import { fund, fundedKey } from '../../helpers/funded-key.ts';
import { filesUnder, placesHolding } from '../../helpers/key-leaks.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { connectRpc, startServe, waitFor } from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let imported: { privateKey: Hex; address: Address };
/** The key main generated, read back from the keychain while it was there. */
let generatedKey: Hex;

/** The keychain namespace a data directory chose, read from its journal. */
function namespaceOf(dataDir: string): string {
  const journal = readFileSync(join(dataDir, 'journal.ndjson'), 'utf8');
  const match = /"key":"keychain_namespace","value":"([0-9a-f]+)"/.exec(journal);
  if (!match) throw new Error('no keychain namespace in the journal');
  return match[1]!;
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  vigil = await startVigilInProcess({ profile: 'keyholder' });
  await vigil.call('chains.add', {
    name: 'anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations: 1,
  });
  imported = await fundedKey(anvil.rpcUrl, 5n * 10n ** 18n);
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('signers in the OS keychain', () => {
  let generated: Signer;

  it('imports a key into the keychain and lists the signer by address, label and balance', async () => {
    const signer = await vigil.call<Signer>('signers.import', {
      privateKey: imported.privateKey,
      label: 'Treasury hot wallet',
    });
    expect(signer).toMatchObject({
      address: imported.address,
      label: 'Treasury hot wallet',
      origin: 'imported',
    });
    const stored = await createOsKeychain().get(
      `${namespaceOf(vigil.dataDir)}:${imported.address.toLowerCase()}`,
    );
    expect(stored).toBe(imported.privateKey);
    const listed = await waitFor(async () => {
      const [first] = await vigil.call<Signer[]>('signers.list', {});
      return first?.balances[0]?.balance ? first : undefined;
    });
    expect(listed.balances).toEqual([
      expect.objectContaining({ chainId: anvil.chainId, balance: (5n * 10n ** 18n).toString() }),
    ]);
    expect(
      await vigil.refused('signers.import', { privateKey: imported.privateKey, label: 'again' }),
    ).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('generates a key inside main, straight into the keychain', async () => {
    generated = await vigil.call<Signer>('signers.generate', { label: 'Keeper' });
    expect(generated).toMatchObject({ origin: 'generated', label: 'Keeper' });
    expect(generated.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const key = await createOsKeychain().get(
      `${namespaceOf(vigil.dataDir)}:${generated.address.toLowerCase()}`,
    );
    expect(key).toMatch(/^0x[0-9a-f]{64}$/);
    generatedKey = key as Hex;
  });

  it('signs with a key read from the keychain (a transfer from the generated signer is mined)', async () => {
    await fund(anvil.rpcUrl, generated.address, 10n ** 18n);
    const proposed = await vigil.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: generated.address,
      to: imported.address,
      value: '1000',
    });
    await vigil.call('txs.approve', { id: proposed.id, seenSimulation: proposed.simulation!.id });
    const confirmed = await waitFor(async () => {
      const tx = await vigil.call<Transaction>('txs.get', { id: proposed.id });
      if (tx.status === 'sent' || tx.status === 'mined') await mineBlocks(anvil.rpcUrl, 1);
      return tx.status === 'confirmed' ? tx : undefined;
    });
    expect(confirmed.receipt).toMatchObject({ success: true });
  });

  it('refuses what is not a key, without repeating it, and stores nothing', async () => {
    const before = await vigil.call<Signer[]>('signers.list', {});
    const nearlyAKey = imported.privateKey.slice(0, 60);
    const badKeys = [
      'correct horse battery staple',
      nearlyAKey,
      `0x${'0'.repeat(64)}`,
      `0x${'f'.repeat(64)}`,
      `${imported.privateKey}00`,
    ];
    for (const privateKey of badKeys) {
      const error = await vigil.refused('signers.import', { privateKey, label: 'bad' });
      expect(error).toMatchObject({ code: 'INVALID_KEY', field: 'privateKey' });
      expect(error.message).not.toContain(privateKey.replace(/^0x/, '').slice(0, 20));
    }
    expect(await vigil.call<Signer[]>('signers.list', {})).toEqual(before);
  });

  it('removes a signer and deletes its key from the keychain', async () => {
    // The transfer above left funds behind the generated key: removal says so and needs a yes.
    expect(await vigil.refused('signers.remove', { address: generated.address })).toMatchObject({
      code: 'SIGNER_HOLDS_FUNDS',
    });
    await vigil.call('signers.remove', { address: generated.address, confirmFunds: true });
    const listed = await vigil.call<Signer[]>('signers.list', {});
    expect(listed.map((signer) => signer.address)).toEqual([imported.address]);
    expect(
      await createOsKeychain().get(
        `${namespaceOf(vigil.dataDir)}:${generated.address.toLowerCase()}`,
      ),
    ).toBeNull();
    expect(
      await vigil.refused('txs.propose', {
        chainId: anvil.chainId,
        from: generated.address,
        to: imported.address,
        value: '1',
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'from' });
    expect(await vigil.refused('signers.remove', { address: generated.address })).toMatchObject({
      code: 'NOT_FOUND',
    });
    const actions = (
      await vigil.call<{ entries: { action: string; subject: string }[] }>('audit.list', {
        subject: 'signer:',
        order: 'asc',
      })
    ).entries.map((entry) => `${entry.action} ${entry.subject}`);
    expect(actions).toEqual([
      `signer.imported signer:${imported.address}`,
      `signer.generated signer:${generated.address}`,
      `signer.removed signer:${generated.address}`,
    ]);
  });

  it('never lets a key appear in the data directory, the log, a push or a response', async () => {
    // Flush what is in memory to disk, as at any snapshot.
    await vigil.close({ keepDataDir: true });
    const dataDir = vigil.dataDir;
    const haystacks = [
      ...filesUnder(dataDir),
      // In-process logs, with their fields: the engine thread's lines arrive here too.
      { where: 'log', text: vigil.log.records.join('\n') },
      { where: 'pushes', text: JSON.stringify(vigil.pushes) },
      // The request that carried the key in is the one place it may be; answers must not echo it.
      { where: 'responses', text: JSON.stringify(vigil.responses) },
    ];
    expect(haystacks.length).toBeGreaterThan(4);
    // The generated key signed a transaction above, so it went through every path a key takes.
    expect(generatedKey).toMatch(/^0x[0-9a-f]{64}$/);
    for (const key of [imported.privateKey, generatedKey])
      expect(placesHolding(key, haystacks)).toEqual([]);
    vigil = await startVigilInProcess({ dataDir });
    // startVigilInProcess leaves a directory it was given in place; this one is the test's.
    const reopened = vigil;
    vigil = {
      ...reopened,
      close: async () => {
        await reopened.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
});

describe('headless, as a child process', () => {
  it('never lets an imported or a generated key into its output, files, pushes or answers', async () => {
    const dir = makeTempDir('vigil-keys-child-');
    const serve = await startServe({ dataDir: dir.path });
    try {
      const rpc = await connectRpc(serve.wsUrl);
      await rpc.call('chains.add', {
        name: 'anvil',
        chainId: anvil.chainId,
        rpcUrls: [anvil.rpcUrl],
        confirmations: 1,
      });
      const key = await fundedKey(anvil.rpcUrl, 10n ** 18n);
      await rpc.call('signers.import', { privateKey: key.privateKey, label: 'child import' });
      const made = await rpc.call<Signer>('signers.generate', { label: 'child keeper' });
      const namespace = namespaceOf(dir.path);
      const generatedInChild = (await createOsKeychain().get(
        `${namespace}:${made.address.toLowerCase()}`,
      )) as Hex;
      expect(generatedInChild).toMatch(/^0x[0-9a-f]{64}$/);
      // Both keys sign once, so both go through reading, signing and sending.
      await fund(anvil.rpcUrl, made.address, 10n ** 17n);
      for (const from of [key.address, made.address]) {
        const proposed = await rpc.call<Transaction>('txs.propose', {
          chainId: anvil.chainId,
          from,
          to: imported.address,
          value: '1',
        });
        await rpc.call('txs.approve', { id: proposed.id, seenSimulation: proposed.simulation!.id });
        await waitFor(async () => {
          const tx = await rpc.call<Transaction>('txs.get', { id: proposed.id });
          if (tx.status === 'sent') await mineBlocks(anvil.rpcUrl, 1);
          return tx.status === 'mined' || tx.status === 'confirmed';
        });
      }
      rpc.close();
      await serve.kill();
      const haystacks = [
        ...filesUnder(dir.path),
        { where: 'output', text: serve.output() },
        // Every answer and push the client received, raw.
        { where: 'answers and pushes', text: rpc.received.join('\n') },
      ];
      expect(rpc.received.length).toBeGreaterThan(5);
      for (const privateKey of [key.privateKey, generatedInChild])
        expect(placesHolding(privateKey, haystacks)).toEqual([]);
      await createOsKeychain().remove(`${namespace}:${made.address.toLowerCase()}`);
      await createOsKeychain().remove(`${namespace}:${key.address.toLowerCase()}`);
    } finally {
      await serve.kill();
      dir.remove();
    }
  });
});

describe('without a usable keychain', () => {
  it('refuses to start, says what is missing, and writes nothing, rather than falling back to plain text', async () => {
    const dir = makeTempDir('vigil-no-keychain-');
    try {
      // No D-Bus session and no display: there is no Secret Service to talk to. The data
      // directory's MAC key lives in the keychain, so Vigil cannot check or protect it: it stops.
      await expect(
        startServe({
          dataDir: dir.path,
          env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined },
        }),
      ).rejects.toThrow(
        /Vigil does not start without the OS keychain: it keeps the key that proves this data directory unaltered there \(and signer keys, never in plain text\)/,
      );
      expect(filesUnder(dir.path).map((file) => file.where)).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
