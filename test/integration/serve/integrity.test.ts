// Integrity before signing, against headless Vigil on real files, a real keychain (a private
// D-Bus session with gnome-keyring) and a real chain (anvil): each way someone with the data
// directory could alter it is caught at start and puts Vigil in safe mode, which signs nothing
// until a person acknowledges; a stale approval is simulated again at resume; exports are signed.
import { spawnSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type {
  AuditEntry,
  AuditExportResult,
  AuditSigningKey,
  SafeMode,
  Transaction,
} from '../../../src-main/ipc/contract.ts';
import {
  createRecordMac,
  dataDirIdentity,
  INTEGRITY_KEYCHAIN_SERVICE,
} from '../../../src-main/core/integrity/index.ts';
import { createOsKeychain } from '../../../src-main/core/keys/index.ts';
import { openStore } from '../../../src-main/core/store/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { editSnapshot } from '../../helpers/edit-snapshot.ts';
import { fund, fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
  refusal,
} from '../../helpers/serve.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const repoRoot = join(import.meta.dirname, '../../..');
const DEAD = '0x000000000000000000000000000000000000dEaD';
let anvil: AnvilInstance;
let token: Address;
const dirs: { remove(): void }[] = [];
const keychain = createOsKeychain(INTEGRITY_KEYCHAIN_SERVICE);

function freshDir(): string {
  const dir = makeTempDir('vigil-integrity-');
  dirs.push(dir);
  return dir.path;
}

async function start(
  dataDir: string,
  env: Record<string, string | undefined> = {},
): Promise<{ serve: ServeProcess; rpc: RpcClient; stop(): Promise<void> }> {
  const serve = await startServe({ dataDir, env });
  const rpc = await connectRpc(serve.wsUrl);
  return {
    serve,
    rpc,
    async stop() {
      rpc.close();
      await serve.kill();
    },
  };
}

async function safeModeOf(rpc: RpcClient): Promise<SafeMode> {
  return (await rpc.call<{ safeMode: SafeMode }>('status.get', {})).safeMode;
}

/** A data directory that watched anvil once and was stopped cleanly. */
async function usedDir(): Promise<string> {
  const dataDir = freshDir();
  const first = await start(dataDir);
  await watchOnAnvil((name, input) => first.rpc.call(name, input), anvil, {
    address: token,
    artifact: 'DemoToken',
  });
  await first.stop();
  return dataDir;
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
});

afterAll(async () => {
  await anvil?.stop();
  for (const dir of dirs) dir.remove();
});

describe('a data directory from before MACs', () => {
  it('gets its MACs once at its first start, recorded, without safe mode; an edit after that is caught', async () => {
    const dataDir = freshDir();
    // Written by the store alone, as a Vigil without MACs did: plain checksums everywhere.
    const legacy = await openStore(dataDir, makeLogger());
    legacy.recordAudit([
      { actor: 'alice', action: 'rule.created', subject: 'rule:1', details: {} },
    ]);
    legacy.close();
    expect(readFileSync(join(dataDir, 'journal.ndjson'), 'utf8').indexOf(' ')).toBe(16);

    const first = await start(dataDir);
    expect((await safeModeOf(first.rpc)).active).toBe(false);
    const { entries } = await first.rpc.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'app.started',
    });
    expect(entries[0]!.details).toMatchObject({ macsAdded: true });
    await first.stop();
    expect(existsSync(join(dataDir, 'integrity.json'))).toBe(true);

    const tampered = await editSnapshot(
      dataDir,
      `UPDATE audit_log SET actor = 'bob' WHERE seq = 1`,
    );
    const second = await start(dataDir);
    expect((await safeModeOf(second.rpc)).active).toBe(true);
    expect(readFileSync((await safeModeOf(second.rpc)).quarantined[0]!).equals(tampered)).toBe(
      true,
    );
    await second.stop();
  });
});

describe('a data directory altered on disk', () => {
  it('a snapshot edited on disk is not loaded: safe mode, with a clear message; acknowledging it needs a person', async () => {
    const dataDir = await usedDir();
    const tampered = await editSnapshot(
      dataDir,
      `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`,
    );
    const session = await start(dataDir);
    const safeMode = await safeModeOf(session.rpc);
    expect(safeMode.active).toBe(true);
    expect(safeMode.reasons.join(' ')).toMatch(
      /Snapshot .*store\.sqlite: it carries a plain checksum where its MAC should be: it was written outside Vigil; it was not loaded and is kept as /,
    );
    // The file as found is kept, byte for byte; its edit was never loaded.
    const kept = safeMode.quarantined.find((path) => path.includes('store.sqlite.quarantined-'))!;
    expect(readFileSync(kept).equals(tampered)).toBe(true);
    const { entries } = await session.rpc.call<{ entries: AuditEntry[] }>('audit.list', {});
    expect(entries.map((entry) => entry.actor)).not.toContain('mallory');
    expect(session.serve.output()).toMatch(/SAFE MODE: Vigil signs nothing/);

    // The token alone cannot lift it: only a person, through the approval gate.
    const script = await connectRpc(session.serve.wsUrl, {}, { person: null });
    expect(await refusal(script.call('integrity.acknowledgeSafeMode', {}))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    script.close();
    expect((await safeModeOf(session.rpc)).active).toBe(true);
    const lifted = await session.rpc.call<SafeMode>('integrity.acknowledgeSafeMode', {});
    expect(lifted).toMatchObject({ active: false, acknowledged: { by: 'operator' } });
    await session.stop();
    // Acknowledged stays acknowledged; the quarantined snapshot stays out.
    const again = await start(dataDir);
    expect((await safeModeOf(again.rpc)).active).toBe(false);
    expect(existsSync(kept)).toBe(true);
    await again.stop();
  });

  it('a missing keychain entry for a directory with MACs: safe mode, and the records are sealed again under a new key', async () => {
    const dataDir = await usedDir();
    expect(await keychain.remove(`mac-key:${dataDirIdentity(dataDir)}`)).toBe(true);
    const session = await start(dataDir);
    expect((await safeModeOf(session.rpc)).reasons[0]).toMatch(
      /The OS keychain holds no MAC key for this data directory, though its records carry MACs/,
    );
    await session.rpc.call('integrity.acknowledgeSafeMode', {});
    await session.stop();
    const again = await start(dataDir);
    expect((await safeModeOf(again.rpc)).active).toBe(false);
    await again.stop();
  });

  it('a truncated audit log (the directory rolled back to an older copy) is caught at start', async () => {
    const dataDir = await usedDir();
    const older = freshDir();
    cpSync(dataDir, older, { recursive: true });
    // Vigil runs on: the head in the keychain moves past the copy.
    const later = await start(dataDir);
    await later.stop();
    rmSync(dataDir, { recursive: true });
    cpSync(older, dataDir, { recursive: true });

    const session = await start(dataDir);
    const safeMode = await safeModeOf(session.rpc);
    expect(safeMode.active).toBe(true);
    expect(safeMode.reasons.join(' ')).toMatch(
      /The audit log ends at seq \d+, but the OS keychain records that it reached seq \d+: entries were cut from its end outside Vigil/,
    );
    await session.stop();
  });

  it('a consistent rewrite (valid chain, valid MACs, with a stolen key) is caught by the head in the keychain', async () => {
    const dataDir = await usedDir();
    const older = freshDir();
    cpSync(dataDir, older, { recursive: true });
    const later = await start(dataDir);
    await later.stop();
    rmSync(dataDir, { recursive: true });
    cpSync(older, dataDir, { recursive: true });
    // Someone who once read the MAC key writes a different history on the older copy, longer
    // than the real one, every line sealed and every entry chained.
    const key = await keychain.get(`mac-key:${dataDirIdentity(dataDir)}`);
    const forger = await openStore(dataDir, makeLogger(), {
      integrity: { mac: createRecordMac(Buffer.from(key!, 'base64')), adopting: false },
    });
    for (let index = 0; index < 6; index++)
      forger.recordAudit([
        { actor: 'mallory', action: 'rule.created', subject: `rule:${index}`, details: {} },
      ]);
    forger.close();

    const session = await start(dataDir);
    const safeMode = await safeModeOf(session.rpc);
    expect(safeMode.active).toBe(true);
    expect(safeMode.reasons.join(' ')).toMatch(
      /Audit entry \d+ has hash [0-9a-f]{16}…, but the OS keychain recorded [0-9a-f]{16}… when it was written: the log was rewritten outside Vigil/,
    );
    // Its own chain is intact: only the anchor outside the directory tells.
    expect(await session.rpc.call('audit.verify', {})).toMatchObject({ intact: true });
    await session.stop();
  });
});

describe('a stale approval at resume', () => {
  it('is simulated again, and needs a fresh approval because something changed; nothing is signed', async () => {
    const dataDir = freshDir();
    const signer = await fundedKey(anvil.rpcUrl);
    await mintTokens(anvil.rpcUrl, token, signer.address, 100n);
    // Every approval counts as stale at resume.
    const env = { VIGIL_TUNING: JSON.stringify({ staleApprovalMs: 0 }) };
    const setup = await start(dataDir, env);
    await watchOnAnvil((name, input) => setup.rpc.call(name, input), anvil, {
      address: token,
      artifact: 'DemoToken',
    });
    await setup.rpc.call('signers.import', { privateKey: signer.privateKey, label: 'stale' });
    await setup.stop();

    const crashing = await start(dataDir, { ...env, VIGIL_CRASH_AT: 'tx.approved' });
    const proposed = await crashing.rpc.call<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: signer.address,
      to: token,
      function: { name: 'transfer', args: [DEAD, '5'] },
    });
    await expect(
      crashing.rpc.call('txs.approve', {
        id: proposed.id,
        seenSimulation: proposed.simulation!.id,
      }),
    ).rejects.toThrow(/socket closed/);
    await waitFor(
      () => crashing.serve.process.exitCode !== null || crashing.serve.process.signalCode !== null,
    );
    const nonce = async (): Promise<number> =>
      Number(
        await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer.address, 'pending']),
      );
    const nonceBefore = await nonce();
    // While Vigil was down the signer's funds went elsewhere: the approved plan no longer holds.
    await fund(anvil.rpcUrl, signer.address, 0n);

    const resumed = await start(dataDir, env);
    const withdrawn = await waitFor(async () => {
      const tx = await resumed.rpc.call<Transaction>('txs.get', { id: proposed.id });
      return tx.status === 'proposed' && tx.approvals?.length === 0 ? tx : undefined;
    });
    expect(withdrawn.timeline.at(-1)!.note).toMatch(
      /approval withdrawn at resume: since it was approved, the signer's balance \(0 wei\) no longer covers/,
    );
    expect(withdrawn.hash).toBeNull();
    expect(await nonce()).toBe(nonceBefore);
    await resumed.stop();
  });
});

describe('signed exports', () => {
  it('verify with the public key the app shows; a one-byte change fails, with node and with the script', async () => {
    const dataDir = await usedDir();
    const session = await start(dataDir);
    const key = await session.rpc.call<AuditSigningKey>('audit.signingKey', {});
    expect(key).toMatchObject({
      algorithm: 'Ed25519',
      publicKeyPem: expect.stringMatching(/BEGIN PUBLIC KEY/),
    });
    const exported = await session.rpc.call<AuditExportResult>('audit.export', { format: 'jsonl' });
    await session.stop();
    expect(exported.signaturePath).toBe(`${exported.path}.sig`);
    const bytes = readFileSync(exported.path);
    const signature = Buffer.from(readFileSync(exported.signaturePath!, 'utf8').trim(), 'base64');
    expect(verify(null, bytes, key.publicKeyPem, signature)).toBe(true);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    expect(verify(null, flipped, key.publicKeyPem, signature)).toBe(false);

    const keyFile = join(dataDir, 'vigil-export.pub');
    writeFileSync(keyFile, key.publicKeyPem);
    const script = (file: string) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/audit-verify.ts', '--', file, '--public-key', keyFile],
        { cwd: repoRoot, encoding: 'utf8' },
      );
    const good = script(exported.path);
    expect(good.stdout).toMatch(/signature: valid, made by the key/);
    expect(good.status).toBe(0);
    writeFileSync(exported.path, flipped);
    const bad = script(exported.path);
    expect(bad.stdout).toMatch(/signature: INVALID/);
    expect(bad.status).toBe(1);
  });
});
