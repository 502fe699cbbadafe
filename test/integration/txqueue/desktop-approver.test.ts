// The desktop app's native dialog is one approver, never more: on a signer that needs 2 approvers,
// the dialog's approval fills one slot, a second click (or a second profile's dialog on the same
// data directory) is refused, and the signer's nonce on the chain never moves. Real engine with
// the dialog gate (askPerson, as Electron's main wires it), real anvil, real keychain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { createVigil, type VigilCore } from '../../../src-main/core/app.ts';
import type { Envelope, Transaction } from '../../../src-main/ipc/contract.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { rawRpc } from '../../helpers/chain-control.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const dataDir = makeTempDir('vigil-desktop-approver-');
let anvil: AnvilInstance;
let signer: { privateKey: `0x${string}`; address: Address };

interface Desktop {
  core: VigilCore;
  /** What each dialog was raised for. */
  dialogs: string[];
  call<T>(name: string, input: unknown): Promise<Envelope<T>>;
}

/** The desktop app on `dataDir` under `profile`; the person at the screen clicks Sign each time. */
async function startDesktop(profile: string): Promise<Desktop> {
  const dialogs: string[] = [];
  const core = await createVigil({
    dataDir: dataDir.path,
    profile,
    log: makeLogger(),
    tuning: { allowPrivateRpc: true },
    askPerson: async (subject) => {
      dialogs.push(subject.action);
      return true;
    },
  });
  const server = createContractServer(core);
  return {
    core,
    dialogs,
    call: (name, input) =>
      server.handle(name, input, { kind: 'desktop' }) as Promise<Envelope<never>>,
  };
}

const chainNonce = async (): Promise<number> =>
  Number(
    await rawRpc<string>(anvil.rpcUrl, 'eth_getTransactionCount', [signer.address, 'pending']),
  );

let desktop: Desktop | undefined;

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  signer = await fundedKey(anvil.rpcUrl);
}, 120_000);

afterAll(async () => {
  await desktop?.core.close();
  await anvil?.stop();
  dataDir.remove();
});

describe('the desktop dialog on a 2-of-N signer', () => {
  it('fills one approval slot, however often it is clicked and under whichever profile', async () => {
    desktop = await startDesktop('alice');
    const ok = async <T>(name: string, input: unknown): Promise<T> => {
      const answer = await desktop!.call<T>(name, input);
      if (!answer.ok) throw new Error(`${name}: ${answer.error.code}: ${answer.error.message}`);
      return answer.value;
    };
    await ok('chains.add', { name: 'anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
    await ok('signers.import', { privateKey: signer.privateKey, label: 'treasury' });
    await ok('signers.setApprovalsRequired', { address: signer.address, required: 2 });
    const nonce = await chainNonce();
    const tx = await ok<Transaction>('txs.propose', {
      chainId: anvil.chainId,
      from: signer.address,
      to: DEAD,
      value: '1000',
    });

    // The dialog approves: one of two, nothing signed.
    const first = await ok<Transaction>('txs.approve', { id: tx.id });
    expect(first).toMatchObject({
      status: 'proposed',
      approvals: [{ name: 'alice' }],
      approvalsRequired: 2,
    });
    expect(desktop.dialogs.filter((action) => action === 'txs.approve')).toHaveLength(1);

    // The same person clicks Sign again: still one approver.
    const again = await desktop.call('txs.approve', { id: tx.id });
    expect(again).toMatchObject({
      ok: false,
      error: {
        code: 'APPROVER_DUPLICATE',
        message: expect.stringMatching(/desktop dialog's approval, which counts as one approver/),
      },
    });
    expect(await chainNonce()).toBe(nonce);

    // Another profile on the same data directory shows the same machine's dialog: still one.
    await desktop.core.close();
    desktop = await startDesktop('bob');
    const asBob = await desktop.call('txs.approve', { id: tx.id });
    expect(asBob).toMatchObject({ ok: false, error: { code: 'APPROVER_DUPLICATE' } });
    const stored = await desktop.call<Transaction>('txs.get', { id: tx.id });
    expect(stored).toMatchObject({
      ok: true,
      value: { status: 'proposed', approvals: [{ name: 'alice' }] },
    });
    expect(await chainNonce()).toBe(nonce);
  });
});
