// Keys and history a hostile client with the token cannot take away: removing a signer whose key
// holds funds (read from the chain) or whose balance cannot be read is refused, even before a
// person is asked, unless confirmed, and even confirmed needs a person; a key is backed up as a
// keystore only with a person, and the keystore opens with its passphrase alone; shortening a
// contract's retention needs a person, lengthening it does not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HIDDEN_CHARACTERS,
  type SignerBackup,
  type WatchedContract,
} from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployContract, loadArtifact } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { readKeystore, type KeystoreFile } from '../../helpers/keystore-reader.ts';
import { makePerson } from '../../helpers/person.ts';
import { startRpcProxy, type RpcProxy } from '../../helpers/rpc-proxy.ts';
import {
  connectRpc,
  startServe,
  type RpcClient,
  type ServeProcess,
  waitFor,
  refusal,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const dataDir = makeTempDir('vigil-hostile-keys-');
let anvil: AnvilInstance;
/** A second chain, reached only through a proxy the test can cut. */
let second: AnvilInstance;
let secondProxy: RpcProxy;
let server: ServeProcess;
let funded: { privateKey: `0x${string}`; address: Address };
let hostile: RpcClient;
let ops: RpcClient;

const signerAddresses = async (): Promise<string[]> =>
  (await hostile.call<{ address: string }[]>('signers.list')).map((signer) => signer.address);

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  second = await startAnvil({ chainId: 31338 });
  secondProxy = await startRpcProxy(second.rpcUrl);
  funded = await fundedKey(anvil.rpcUrl);
  server = await startServe({ dataDir: dataDir.path });
  hostile = await connectRpc(server.wsUrl, {}, { person: null });
  ops = await connectRpc(server.wsUrl, {}, { person: makePerson('alice') });
  await ops.call('chains.add', { name: 'anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
  await ops.call('chains.add', {
    name: 'second',
    chainId: second.chainId,
    rpcUrls: [secondProxy.url],
  });
  await ops.call('signers.import', { privateKey: funded.privateKey, label: 'treasury' });
}, 120_000);

afterAll(async () => {
  hostile?.close();
  ops?.close();
  await server?.kill('SIGKILL');
  await secondProxy?.close();
  await second?.stop();
  await anvil?.stop();
  dataDir.remove();
});

describe('removing a signer', () => {
  it('is refused while its key holds funds on a chain, before any person is asked', async () => {
    const expected = {
      code: 'SIGNER_HOLDS_FUNDS',
      message: expect.stringMatching(/still holds .* on anvil \(chain 31337\)/),
      details: { balances: [{ chainId: anvil.chainId, balance: expect.stringMatching(/^\d+$/) }] },
    };
    // The operator's own client, passkey at hand, is refused before the passkey is used …
    expect(await refusal(ops.call('signers.remove', { address: funded.address }))).toMatchObject(
      expected,
    );
    // … and no challenge is handed out for it either.
    expect(
      await refusal(
        hostile.call('approvals.challenge', {
          request: 'signers.remove',
          input: { address: funded.address },
        }),
      ),
    ).toMatchObject(expected);
    expect(await signerAddresses()).toContain(funded.address);
  });

  it('is refused with a reason naming the chain when a balance cannot be read', async () => {
    const { address: spare } = await ops.call<{ address: string }>('signers.generate', {
      label: 'spare',
    });
    secondProxy.setDown(true);
    try {
      expect(await refusal(ops.call('signers.remove', { address: spare }))).toMatchObject({
        code: 'BALANCE_UNKNOWN',
        message: expect.stringMatching(/balance on second \(chain 31338\) could not be read/),
        details: { unreadable: [{ chainId: second.chainId }] },
      });
      // Confirmed, it still needs a person; with one, it goes.
      expect(
        await refusal(hostile.call('signers.remove', { address: spare, confirmFunds: true })),
      ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
      expect(await signerAddresses()).toContain(spare);
      await ops.call('signers.remove', { address: spare, confirmFunds: true });
      expect(await signerAddresses()).not.toContain(spare);
    } finally {
      secondProxy.setDown(false);
    }
  });

  it('with no funds anywhere needs only the person', async () => {
    const { address: empty } = await ops.call<{ address: string }>('signers.generate', {
      label: 'empty',
    });
    // The second chain's RPC was cut in the test before: it comes back once its back-off is over.
    await waitFor(() =>
      hostile
        .call('approvals.challenge', { request: 'signers.remove', input: { address: empty } })
        .then(
          () => true,
          () => false,
        ),
    );
    expect(await refusal(hostile.call('signers.remove', { address: empty }))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    await ops.call('signers.remove', { address: empty });
    expect(await signerAddresses()).not.toContain(empty);
  });
});

describe('backing a key up', () => {
  it('needs a person, and writes a keystore that opens with its passphrase only', async () => {
    const { address: generated } = await ops.call<{ address: string }>('signers.generate', {
      label: 'backed up',
    });
    const passphrase = 'seven words nobody else could guess';
    expect(
      await refusal(hostile.call('signers.backup', { address: generated, passphrase })),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(
      await refusal(hostile.call('signers.backup', { address: generated, passphrase: 'short' })),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'passphrase' });

    const backup = await ops.call<SignerBackup>('signers.backup', {
      address: generated,
      passphrase,
    });
    expect(backup.address).toBe(generated);
    const exportsDir = join(dataDir.path, 'exports');
    expect(readdirSync(exportsDir)).toContain(backup.fileName);
    const onDisk = readFileSync(join(exportsDir, backup.fileName), 'utf8');
    expect(onDisk).toBe(backup.keystore);
    const keystore = JSON.parse(onDisk) as KeystoreFile;
    expect(keystore).toMatchObject({
      version: 3,
      crypto: { kdf: 'scrypt', cipher: 'aes-128-ctr' },
    });
    expect(onDisk).not.toContain(passphrase);

    const { privateKeyToAddress } = await import('viem/accounts');
    const key = await readKeystore(keystore, passphrase);
    expect(privateKeyToAddress(key)).toBe(generated);
    await expect(readKeystore(keystore, `${passphrase}.`)).rejects.toThrow(/MAC/);

    // Headless mode serves it as a download behind the token, like an audit export.
    const download = await fetch(`http://127.0.0.1:${server.port}/exports/${backup.fileName}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(onDisk);
    const anonymous = await fetch(`http://127.0.0.1:${server.port}/exports/${backup.fileName}`);
    expect(anonymous.status).toBe(401);
  }, 60_000);
});

describe('retention', () => {
  let contract: WatchedContract;

  beforeAll(async () => {
    contract = await ops.call<WatchedContract>('contracts.add', {
      chainId: anvil.chainId,
      address: await deployContract(anvil.rpcUrl, 'Emitter'),
      abi: loadArtifact('Emitter').abi,
      startBlock: 0,
      retention: { days: 30 },
    });
  });

  const update = (client: RpcClient, change: Record<string, unknown>): Promise<WatchedContract> =>
    client.call<WatchedContract>('contracts.update', { id: contract.id, ...change });

  it('shortened needs a person; lengthened, unchanged, kept forever or renamed does not', async () => {
    expect(await refusal(update(hostile, { retention: { days: 7 } }))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(await refusal(update(hostile, { retention: { days: 30, events: 10 } }))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect((await update(hostile, { retention: { days: 30 } })).retention).toEqual({ days: 30 });
    expect((await update(hostile, { retention: { days: 90 } })).retention).toEqual({ days: 90 });
    expect((await update(hostile, { name: 'renamed' })).name).toBe('renamed');
    expect((await update(hostile, { retention: null })).retention).toBeUndefined();
    // From keeping everything, any limit is shorter.
    expect(await refusal(update(hostile, { retention: { events: 1_000_000 } }))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect((await update(ops, { retention: { days: 7 } })).retention).toEqual({ days: 7 });
    const list = await hostile.call<WatchedContract[]>('contracts.list');
    expect(list.find((row) => row.id === contract.id)?.retention).toEqual({ days: 7 });
  });
});

describe('free text', () => {
  it('is capped with the limit named, and hidden characters stay escaped in exports', async () => {
    expect(
      await refusal(hostile.call('signers.generate', { label: 'x'.repeat(81) })),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'label',
      message: expect.stringMatching(/at most 80 characters \(this one has 81\)/),
    });
    expect(
      await refusal(
        hostile.call('workspace.import', {
          yaml: 'chains: []',
          fileName: `${'a'.repeat(10_000)}.yaml`,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'fileName' });

    const hostileName = 'payroll\u202Eexe.pdf \u001b[2J';
    await hostile.call('chains.update', { chainId: second.chainId, name: hostileName });
    const exported = await hostile.call<{ path: string }>('audit.export', { format: 'jsonl' });
    const text = readFileSync(exported.path, 'utf8');
    expect(text).toContain('payroll\\u202Eexe.pdf \\u001b[2J');
    expect(text.replaceAll('\n', '')).not.toMatch(HIDDEN_CHARACTERS);
  });

  it('the server still answers after all of it', async () => {
    expect(server.process.exitCode).toBeNull();
    expect(await hostile.call<unknown[]>('chains.list')).toHaveLength(2);
  });
});
