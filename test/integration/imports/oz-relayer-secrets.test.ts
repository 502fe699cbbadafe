// An OpenZeppelin Relayer config.json whose keystore passphrase and webhook signing key are named
// by environment variables Vigil's process does not have: the operator types them with the
// import. Real engine with the desktop dialog gate (askPerson, as Electron's main wires it), real
// anvil, real keychain. The typed values are used for this import only and show up nowhere: not
// in the answers, the pushes, the log, the audit log or the data directory. And the key imported
// is the one the person approved: a keystore swapped while the dialog is open is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { createVigil, type VigilCore } from '../../../src-main/core/app.ts';
import type { GateSubject } from '../../../src-main/core/approvals/index.ts';
import { encryptKeystore } from '../../../src-main/core/keys/index.ts';
import type {
  AlertRule,
  ContractError,
  Envelope,
  RequestOutput,
  Signer,
} from '../../../src-main/ipc/contract.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';
import type { AnvilInstance } from '../../helpers/anvil.ts';
import { startImportChain, type ImportChain } from '../../helpers/import-stack.ts';
import { filesUnder, placesHoldingText } from '../../helpers/key-leaks.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { ozRelayerFixture, ozRelayerFolder } from '../../helpers/oz-relayer-folder.ts';
import { makeLogger, makeTempDir } from '../../helpers/temp-dir.ts';

type Preview = RequestOutput<'workspace.importFrom'>;

const fixturePassphrase = 'relayer-fixture-passphrase';
const webhookKey = 'typed-webhook-signing-key-5f3a9c';
// Names no one sets: the values can only come from what the operator types.
const passphraseEnv = 'VIGIL_TEST_TYPED_KEYSTORE_PASSPHRASE';
const webhookEnv = 'VIGIL_TEST_TYPED_WEBHOOK_KEY';
const ruleId = 'oz-relayer-sepolia-payments-min-balance';
const fixtureSigner = getAddress(
  `0x${(JSON.parse(readFileSync(join(ozRelayerFixture, 'config/keys/local-signer.json'), 'utf8')) as { address: string }).address}`,
);

const dataDir = makeTempDir('vigil-oz-relayer-secrets-');
const log = makeLogger();
let chain: ImportChain;
let anvil: AnvilInstance;
let core: VigilCore;
const pushes: unknown[] = [];
const answers: unknown[] = [];
/** What the dialog showed, each time it was raised. */
const dialogs: GateSubject[] = [];
/** Runs while the dialog is open, before the person clicks approve. */
let whileDialogOpen: () => Promise<void> = async () => {};

async function call<T>(name: string, input: unknown): Promise<Envelope<T>> {
  const answer = (await createContractServer(core).handle(name, input, {
    kind: 'desktop',
  })) as Envelope<T>;
  answers.push(answer);
  return answer;
}

async function ok<T>(name: string, input: unknown = {}): Promise<T> {
  const answer = await call<T>(name, input);
  if (!answer.ok) throw new Error(`${name}: ${answer.error.code}: ${answer.error.message}`);
  return answer.value;
}

async function refused(name: string, input: unknown): Promise<ContractError> {
  const answer = await call(name, input);
  if (answer.ok) throw new Error(`${name} was expected to fail`);
  return answer.error;
}

/** The fixture with sepolia on anvil, the webhook nowhere, and both secrets named by unset variables. */
function importFolder(name: string): string {
  return ozRelayerFolder(chain.root, name, anvil, [
    {
      file: 'config/config.json',
      from: '"KEYSTORE_PASSPHRASE"',
      to: JSON.stringify(passphraseEnv),
    },
    { file: 'config/config.json', from: '"WEBHOOK_SIGNING_KEY"', to: JSON.stringify(webhookEnv) },
  ]);
}

async function configuration(): Promise<{ chains: number; rules: number; signers: string[] }> {
  const chains = await ok<unknown[]>('chains.list');
  const rules = await ok<{ rules: unknown[] }>('alerts.rules.list');
  const signers = await ok<Signer[]>('signers.list');
  return {
    chains: chains.length,
    rules: rules.rules.length,
    signers: signers.map((s) => s.address),
  };
}

beforeAll(async () => {
  await requireKeychain();
  delete process.env[passphraseEnv];
  delete process.env[webhookEnv];
  chain = await startImportChain({ rootPrefix: 'vigil-oz-relayer-secrets-root-' });
  ({ anvil } = chain);
  core = await createVigil({
    dataDir: dataDir.path,
    profile: 'alice',
    log,
    tuning: { projectRoots: [chain.root], allowPrivateRpc: true, allowPrivateWebhooks: true },
    askPerson: async (subject) => {
      dialogs.push(subject);
      await whileDialogOpen();
      return true;
    },
  });
  core.onPush((name, payload) => pushes.push({ name, payload }));
}, 120_000);

afterAll(async () => {
  await core?.close();
  await chain?.stop();
  dataDir.remove();
});

describe('secrets typed with an OpenZeppelin Relayer import', () => {
  it('a keystore swapped while the person approves is refused, and nothing is added', async () => {
    const folder = importFolder('swapped');
    const keystorePath = join(folder, 'config/keys/local-signer.json');
    const otherKey = generatePrivateKey();
    const other = await encryptKeystore(otherKey, fixturePassphrase, { n: 4096, r: 8, p: 1 });
    whileDialogOpen = async () => {
      writeFileSync(keystorePath, JSON.stringify(other));
    };
    const before = await configuration();
    const error = await refused('workspace.importFrom', {
      paths: [folder],
      confirm: true,
      secretValues: { [passphraseEnv]: fixturePassphrase, [webhookEnv]: webhookKey },
    });
    whileDialogOpen = async () => {};
    // The person was shown the key the files held when they were asked, not the one swapped in.
    expect(dialogs.at(-1)!.summary).toEqual([
      expect.stringContaining(`Import the key of ${fixtureSigner} from keystore ${keystorePath}`),
    ]);
    expect(error.code).toBe('APPROVAL_INVALID');
    expect(error.message).toContain(privateKeyToAddress(otherKey));
    expect(error.message).toMatch(/not what the person approved\. Nothing was imported/);
    expect(await configuration()).toEqual(before);
    expect(before.signers).toEqual([]);
  });

  it('previews which secrets are missing, then imports with the typed ones', async () => {
    const folder = importFolder('typed');
    const preview = await ok<Preview>('workspace.importFrom', { paths: [folder] });
    // Both are needed: without them the keystore cannot be opened, the webhook has no secret.
    expect(
      preview.secrets.map(({ env, set, source, needed }) => ({ env, set, source, needed })),
    ).toEqual(
      expect.arrayContaining([
        { env: passphraseEnv, set: false, source: null, needed: true },
        { env: webhookEnv, set: false, source: null, needed: true },
      ]),
    );
    expect(preview.signers).toEqual([
      expect.objectContaining({ address: fixtureSigner, passphraseSet: false, existing: false }),
    ]);

    // Typed values are said to be there, and from where, never shown back.
    const typed = { [passphraseEnv]: fixturePassphrase, [webhookEnv]: webhookKey };
    const withTyped = await ok<Preview>('workspace.importFrom', {
      paths: [folder],
      secretValues: typed,
    });
    expect(withTyped.secrets.filter((secret) => secret.source === 'typed')).toHaveLength(2);
    expect(withTyped.signers[0]!.passphraseSet).toBe(true);

    // A value for a variable these files do not name is a mistake, refused by name.
    const stray = await refused('workspace.importFrom', {
      paths: [folder],
      secretValues: { ...typed, OTHER_SECRET: 'x' },
    });
    expect(stray).toMatchObject({ code: 'INVALID_INPUT', field: 'secretValues.OTHER_SECRET' });

    // A wrong passphrase fails with file, line and reason, and changes nothing.
    const before = await configuration();
    const wrong = await refused('workspace.importFrom', {
      paths: [folder],
      confirm: true,
      secretValues: { ...typed, [passphraseEnv]: 'not-the-passphrase' },
    });
    const config = join(folder, 'config/config.json');
    const signerLine =
      readFileSync(config, 'utf8')
        .split('\n')
        .findIndex((row) => row.includes('"id": "local-signer"')) + 1;
    expect(wrong.code).toBe('IMPORT_INVALID');
    expect((wrong.details as { problems: unknown[] }).problems).toEqual([
      {
        file: config,
        line: signerLine,
        message: expect.stringMatching(
          new RegExp(`\\(passphrase from ${passphraseEnv}\\): wrong passphrase`),
        ),
      },
    ]);
    expect(await configuration()).toEqual(before);

    const applied = await ok<Preview>('workspace.importFrom', {
      paths: [folder],
      confirm: true,
      secretValues: typed,
    });
    expect(applied.applied).toMatchObject({ chainsAdded: 1, rulesAdded: 1 });
    expect(await ok<Signer[]>('signers.list')).toEqual([
      expect.objectContaining({ address: fixtureSigner, origin: 'imported' }),
    ]);
    const { rules } = await ok<{ rules: AlertRule[] }>('alerts.rules.list');
    expect(rules.find((rule) => rule.id === ruleId)?.channels).toEqual([
      {
        type: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        format: 'json',
        secretHint: `…${webhookKey.slice(-4)}`,
      },
    ]);

    // Neither value is kept or shown anywhere Vigil writes: the webhook secret is in the keychain.
    const audit = await ok<{ entries: unknown[] }>('audit.list', { limit: 500 });
    const haystacks = [
      { where: 'answers', text: JSON.stringify(answers) },
      { where: 'pushes', text: JSON.stringify(pushes) },
      { where: 'log', text: log.records.join('\n') },
      { where: 'audit', text: JSON.stringify(audit) },
      ...filesUnder(dataDir.path),
    ];
    expect(placesHoldingText(fixturePassphrase, haystacks)).toEqual([]);
    expect(placesHoldingText(webhookKey, haystacks)).toEqual([]);
  });
});
