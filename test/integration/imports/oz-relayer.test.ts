// Importing an OpenZeppelin Relayer config.json into a real Vigil watching a real anvil, with the
// real OS keychain, through the contract as the UI uses it. The fixture (written from the
// relayer's documented format: networks folder with `from`, a local keystore signer, remote
// signers, policies, a webhook) is copied into an operator-chosen folder with its sepolia network
// pointed at anvil. The preview lists the keystore signer and the passphrase variable and changes
// nothing; a wrong passphrase or a malformed file is refused with file, line and reason and
// changes nothing; applying puts the key in the keychain and gives a balance rule that fires when
// the signer's balance drops below min_balance; importing again changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress } from 'viem';
import type { RequestOutput, Signer } from '../../../src-main/ipc/contract.ts';
import { firingsOf, waitForFirings } from '../../helpers/alerts.ts';
import type { AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks } from '../../helpers/chain-control.ts';
import { fund } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { waitFor } from '../../helpers/serve.ts';
import { configurationOf, startImportStack, type ImportStack } from '../../helpers/import-stack.ts';
import {
  ozRelayerFixture,
  ozRelayerFolder,
  type FixtureEdit,
} from '../../helpers/oz-relayer-folder.ts';
import type { VigilUnderTest } from '../../helpers/vigil-in-process.ts';

type Preview = RequestOutput<'workspace.importFrom'>;

const e18 = 10n ** 18n;
const ruleId = 'oz-relayer-sepolia-payments-min-balance';
const signer = getAddress(
  `0x${(JSON.parse(readFileSync(join(ozRelayerFixture, 'config/keys/local-signer.json'), 'utf8')) as { address: string }).address}`,
);

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let stack: ImportStack;

/** The fixture with sepolia on anvil and the webhook nowhere; `edit` changes config.json or a network file. */
function importFolder(name: string, edit?: FixtureEdit): string {
  return ozRelayerFolder(stack.root, name, anvil, edit ? [edit] : []);
}

beforeAll(async () => {
  await requireKeychain();
  stack = await startImportStack({
    rootPrefix: 'vigil-oz-relayer-root-',
    env: {
      KEYSTORE_PASSPHRASE: 'relayer-fixture-passphrase',
      OZ_RELAYER_WRONG_PASSPHRASE: 'not-the-passphrase',
      WEBHOOK_SIGNING_KEY: 'relayer-webhook-signing-key-0123456789',
    },
    tuning: { allowPrivateRpc: true, balanceRefreshMs: 250 },
  });
  ({ anvil, vigil } = stack);
  await fund(anvil.rpcUrl, signer, 2n * e18);
});

afterAll(async () => {
  await stack?.stop();
});

async function configuration(): Promise<{ chains: number; rules: number; signers: string[] }> {
  const signers = await vigil.call<Signer[]>('signers.list', {});
  return {
    ...(await configurationOf(vigil, ['chains', 'rules'])),
    signers: signers.map((item) => item.address),
  };
}

describe('an OpenZeppelin Relayer config.json', () => {
  it('previews the chain, the balance rule and the keystore signer, changing nothing', async () => {
    const folder = importFolder('preview');
    const before = await configuration();
    const preview = await vigil.call<Preview>('workspace.importFrom', { paths: [folder] });
    expect(preview.format).toBe('oz-relayer');
    expect(preview.adds.chains).toEqual([
      { chainId: anvil.chainId, name: 'sepolia', rpcUrls: [anvil.rpcUrl], confirmations: 12 },
    ]);
    expect(preview.adds.rules).toEqual([
      expect.objectContaining({ id: ruleId, kind: 'balance', enabled: true }),
    ]);
    expect(preview.signers).toEqual([
      {
        file: join(folder, 'config/config.json'),
        line: expect.any(Number),
        keystorePath: join(folder, 'config/keys/local-signer.json'),
        passphraseEnv: 'KEYSTORE_PASSPHRASE',
        passphraseSet: true,
        address: signer,
        label: 'OZ Relayer local-signer',
        existing: false,
      },
    ]);
    expect(preview.secrets).toContainEqual(
      expect.objectContaining({ env: 'KEYSTORE_PASSPHRASE', set: true }),
    );
    expect(preview.notCarried.map((item) => item.reason)).toContainEqual(
      expect.stringMatching(/aws_kms signer; its key never leaves/),
    );
    expect(await configuration()).toEqual(before);
  });

  it.each([
    {
      name: 'a wrong passphrase',
      edit: {
        file: 'config/config.json',
        from: '"KEYSTORE_PASSPHRASE"',
        to: '"OZ_RELAYER_WRONG_PASSPHRASE"',
      },
      file: 'config/config.json',
      needle: '"id": "local-signer"',
      message:
        /keystore .*local-signer\.json \(passphrase from OZ_RELAYER_WRONG_PASSPHRASE\): wrong passphrase/,
    },
    {
      name: 'a dangling from',
      edit: {
        file: 'config/networks/ethereum.json',
        from: '"from": "mainnet"',
        to: '"from": "main-net"',
      },
      file: 'config/networks/ethereum.json',
      needle: '"from"',
      message: /network "sepolia", from: no evm network named "main-net"/,
    },
    {
      name: 'a chain id of the wrong type',
      edit: {
        file: 'config/networks/ethereum.json',
        from: '"chain_id": 1,',
        to: '"chain_id": "one",',
      },
      file: 'config/networks/ethereum.json',
      needle: '"one"',
      message: /network "mainnet", chain_id: must be a whole number, not text "one"/,
    },
  ])('refuses $name with file, line and reason, changing nothing', async (entry) => {
    const folder = importFolder(entry.name.replaceAll(' ', '-'), entry.edit);
    const before = await configuration();
    const error = await vigil.refused('workspace.importFrom', { paths: [folder], confirm: true });
    expect(error.code).toBe('IMPORT_INVALID');
    const path = join(folder, entry.file);
    const line =
      readFileSync(path, 'utf8')
        .split('\n')
        .findIndex((row) => row.includes(entry.needle)) + 1;
    expect((error.details as { problems: unknown[] }).problems).toEqual([
      { file: path, line, message: expect.stringMatching(entry.message) },
    ]);
    expect(await configuration()).toEqual(before);
  });

  it('applies: the key into the keychain, a balance rule that fires below min_balance; again changes nothing', async () => {
    const folder = importFolder('apply');
    // Adding a key needs a person, as signers.import does: the session token alone cannot.
    const before = await configuration();
    const unapproved = await vigil
      .callAsNobody('workspace.importFrom', { paths: [folder], confirm: true })
      .then(
        () => undefined,
        (error: { error?: { code: string; message: string } }) => error.error,
      );
    expect(unapproved?.code).toBe('APPROVAL_REQUIRED');
    expect(await configuration()).toEqual(before);

    const applied = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      confirm: true,
    });
    expect(applied.applied).toMatchObject({ chainsAdded: 1, rulesAdded: 1 });
    const signers = await vigil.call<Signer[]>('signers.list', {});
    expect(signers).toEqual([
      expect.objectContaining({
        address: signer,
        label: 'OZ Relayer local-signer',
        origin: 'imported',
      }),
    ]);
    // Through signers.import's path: audited as an imported signer.
    const audit = await vigil.call<{ total: number; entries: { subject: string }[] }>(
      'audit.list',
      { action: 'signer.imported' },
    );
    expect(audit.entries.map((entry) => entry.subject)).toEqual([`signer:${signer}`]);

    // 2 ETH is above the 1 ETH floor: a reading comes and the rule stays quiet.
    const after = Date.now();
    await mineBlocks(anvil.rpcUrl, 1);
    await waitFor(async () => {
      const list = await vigil.call<Signer[]>('signers.list', {});
      const reading = list[0]?.balances.find((item) => item.chainId === anvil.chainId);
      return reading?.at != null && reading.at > after && reading.balance === (2n * e18).toString();
    }, 30_000);
    expect(await firingsOf(vigil.call, ruleId)).toEqual([]);

    await fund(anvil.rpcUrl, signer, e18 / 2n);
    await mineBlocks(anvil.rpcUrl, 1);
    const [fired] = await waitForFirings(vigil.call, ruleId, 1, ['fired']);
    expect(fired!.summary).toContain(
      `${signer} has 500000000000000000 wei on chain ${anvil.chainId}`,
    );

    const imported = await configuration();
    const again = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      confirm: true,
    });
    expect(again.signers).toEqual([expect.objectContaining({ address: signer, existing: true })]);
    expect(again.applied).toMatchObject({
      chainsAdded: 0,
      chainsUnchanged: 1,
      rulesAdded: 0,
      rulesUnchanged: 1,
    });
    expect(await configuration()).toEqual(imported);
  });
});
