// OpenZeppelin Relayer's config.json as an import plan, on fixtures written from its documented
// format (networks in a folder with `from` inheritance, a local keystore signer, AWS KMS and
// Turnkey signers, EVM policies, a webhook notification, a plugin, a Solana relayer): what becomes
// chains, signers and balance rules, what is listed as not carried over, and malformed files
// refused with file, line and reason. Also the keystore decryption the engine applies it with.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import {
  detectFormat,
  planImport,
  type ImportFile,
  type ImportPlan,
} from '../../../src-main/core/importers/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { decryptKeystore, encryptKeystore } from '../../../src-main/core/keys/index.ts';

const root = 'test/fixtures/imports/oz-relayer';
const configPath = join(root, 'config/config.json');
const keystorePath = join(root, 'config/keys/local-signer.json');
const fixtureAddress = `0x${(JSON.parse(readFileSync(keystorePath, 'utf8')) as { address: string }).address}`;

function fixtureFiles(folder = root): ImportFile[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory()
      ? fixtureFiles(path)
      : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

function plan(files = fixtureFiles()): ImportPlan {
  return planImport(files, { env: {} });
}

function lineOf(path: string, needle: string, after = ''): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  return lines.findIndex((line, index) => index >= start && line.includes(needle)) + 1;
}

/** The fixture files with one file's text changed. */
function edited(path: string, edit: (text: string) => string): ImportFile[] {
  return fixtureFiles().map((file) =>
    file.path === path ? { ...file, text: edit(file.text) } : file,
  );
}

function problemsOf(files: ImportFile[]): { file: string; line: number; message: string }[] {
  try {
    plan(files);
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('IMPORT_INVALID');
    return (error as VigilError).details!.problems as never;
  }
  throw new Error('the import was not refused');
}

describe('OpenZeppelin Relayer config.json', () => {
  it('is detected as such although its network files sit in a networks folder', () => {
    expect(detectFormat(fixtureFiles())).toBe('oz-relayer');
  });

  it('adds the network its EVM relayers use, inheriting what the child does not set', () => {
    const result = plan();
    // sepolia inherits required_confirmations (12) from mainnet, keeps its own chain id and RPC.
    expect(result.workspace.chains).toEqual([
      {
        name: 'sepolia',
        chainId: 11155111,
        rpcUrls: ['https://sepolia.drpc.org'],
        confirmations: 12,
      },
    ]);
  });

  it('lists the local keystore signer with its address and passphrase variable, and no key', () => {
    const result = plan();
    expect(result.signers).toEqual([
      {
        file: configPath,
        line: lineOf(configPath, '"id": "local-signer"'),
        keystorePath,
        passphraseEnv: 'KEYSTORE_PASSPHRASE',
        address: expect.stringMatching(new RegExp(`^${fixtureAddress}$`, 'i')),
        label: 'OZ Relayer local-signer',
      },
    ]);
    expect(result.secrets.map((secret) => secret.env).sort()).toEqual([
      'KEYSTORE_PASSPHRASE',
      'WEBHOOK_SIGNING_KEY',
    ]);
    expect(JSON.stringify(result)).not.toContain('relayer-fixture-passphrase');
  });

  it('makes min_balance a balance rule on the signer, notifying the relayer webhook', () => {
    const [rule, ...others] = plan().workspace.rules;
    expect(others).toEqual([]);
    expect(rule).toMatchObject({
      id: 'oz-relayer-sepolia-payments-min-balance',
      kind: 'balance',
      chainId: 11155111,
      below: '1000000000000000000',
      enabled: true,
      channels: [
        {
          type: 'webhook',
          url: 'https://alerts.ops.example/relayer',
          format: 'json',
          secretEnv: 'WEBHOOK_SIGNING_KEY',
        },
      ],
    });
    expect((rule as { address: string }).address.toLowerCase()).toBe(fixtureAddress);
  });

  it('lists everything else with its file, line and reason', () => {
    const notCarried = plan().notCarried;
    const at = (file: string, line: number): string[] =>
      notCarried
        .filter((item) => item.file === file && item.line === line)
        .map((item) => item.reason);
    const networks = join(root, 'config/networks/ethereum.json');
    const expectations: [string, number, RegExp][] = [
      [configPath, lineOf(configPath, 'gas_price_cap'), /gas_price_cap: .*maxFeePerGas/],
      [configPath, lineOf(configPath, 'whitelist_receivers'), /not plain receivers/],
      [configPath, lineOf(configPath, 'eip1559_pricing'), /EIP-1559/],
      [configPath, lineOf(configPath, 'private_transactions'), /private-mempool/],
      [configPath, lineOf(configPath, '"min_balance": 1000'), /does not refuse to send/],
      [configPath, lineOf(configPath, '"type": "aws_kms"'), /aws_kms signer; its key never leaves/],
      [configPath, lineOf(configPath, '"min_balance": 5000'), /needs the signer's address/],
      [configPath, lineOf(configPath, '"paused": true'), /no pause for one signer/],
      [
        configPath,
        lineOf(configPath, '"network_type": "solana"'),
        /solana relayer; .*EVM chains only/,
      ],
      [configPath, lineOf(configPath, '"id": "turnkey-signer"'), /used by no EVM relayer/],
      [configPath, lineOf(configPath, '"url": "https://alerts'), /HMAC-SHA256 .*not OZ Relayer's/],
      [
        configPath,
        lineOf(configPath, '"id": "sponsored-swap"') - 1,
        /does not run OZ Relayer plugins/,
      ],
      [networks, lineOf(networks, '"network": "mainnet"'), /used by no EVM relayer/],
      [join(root, 'config/networks/solana.json'), 5, /"devnet" \(solana\): used by no EVM relayer/],
    ];
    for (const [file, line, reason] of expectations)
      expect(at(file, line)).toContainEqual(expect.stringMatching(reason));
    expect(notCarried).toHaveLength(expectations.length);
  });

  it('gives the same plan on every import, so importing again adds nothing', () => {
    const first = plan();
    expect(first.workspace.rules.map((rule) => rule.id)).toEqual([
      'oz-relayer-sepolia-payments-min-balance',
    ]);
    expect(plan()).toEqual(first);
  });

  it('lists a relayer field and a section it does not know, at their lines', () => {
    const edit = (text: string): string =>
      text
        .replace('"relayers": [', '"metrics": { "port": 8081 },\n  "relayers": [')
        .replace(
          '"name": "Sepolia payments relayer",',
          '"name": "Sepolia payments relayer",\n      "labels": ["payments"],',
        );
    const text = edit(readFileSync(configPath, 'utf8'));
    const at = (needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
    const result = plan(edited(configPath, edit));
    expect(result.notCarried.filter((item) => /importer knows/.test(item.reason))).toEqual([
      {
        file: configPath,
        line: at('"metrics"'),
        reason: "metrics: not an OpenZeppelin Relayer section Vigil's importer knows",
      },
      {
        file: configPath,
        line: at('"labels"'),
        reason: expect.stringMatching(/labels is not a relayer field Vigil's importer knows/),
      },
    ]);
    expect(result.workspace).toEqual(plan().workspace);
  });

  it('refuses a dangling from, with the file and line of the from', () => {
    const networks = join(root, 'config/networks/ethereum.json');
    const problems = problemsOf(
      edited(networks, (text) => text.replace('"from": "mainnet"', '"from": "mainet"')),
    );
    expect(problems).toEqual([
      {
        file: networks,
        line: lineOf(networks, '"from"'),
        message: expect.stringMatching(
          /network "sepolia", from: no evm network named "mainet" .*known: mainnet, sepolia/,
        ),
      },
    ]);
  });

  it('refuses a from that loops', () => {
    const networks = join(root, 'config/networks/ethereum.json');
    const problems = problemsOf(
      edited(networks, (text) =>
        text.replace('"network": "mainnet",', '"network": "mainnet", "from": "sepolia",'),
      ),
    );
    expect(problems[0]!.message).toMatch(/inherits from itself/);
  });

  it.each([
    [
      'a chain id as text',
      networks(),
      '"chain_id": 11155111',
      '"chain_id": "11155111"',
      '"11155111"',
      /network "sepolia", chain_id: must be a whole number, not text "11155111"/,
    ],
    [
      'an unknown network field',
      networks(),
      '"is_testnet": true',
      '"is_testnet": true, "gas_token": "ETH"',
      'gas_token',
      /gas_token: not a field of an OpenZeppelin Relayer EVM network/,
    ],
    [
      'a signer id nobody defines',
      configPath,
      '"signer_id": "local-signer"',
      '"signer_id": "local-signr"',
      'local-signr',
      /relayer "sepolia-payments", signer_id: no signer with id "local-signr"/,
    ],
    [
      'a network nobody defines',
      configPath,
      '"network": "sepolia",',
      '"network": "holesky",',
      'holesky',
      /no evm network named "holesky"/,
    ],
    [
      'a notification nobody defines',
      configPath,
      '"notification_id": "ops-webhook"',
      '"notification_id": "ops"',
      '"ops"',
      /no notification with id "ops"/,
    ],
    [
      'an unknown policy',
      configPath,
      '"eip1559_pricing": true',
      '"eip1559_pricing": true, "max_fee": 3',
      'max_fee',
      /policies.max_fee: not an EVM relayer policy/,
    ],
    [
      'min_balance as text',
      configPath,
      '"min_balance": 1000000000000000000',
      '"min_balance": "1 ETH"',
      '1 ETH',
      /min_balance: must be a whole number of wei, not text "1 ETH"/,
    ],
    [
      'paused as text',
      configPath,
      '"paused": false',
      '"paused": "no"',
      '"no"',
      /paused: must be true or false/,
    ],
  ])('refuses %s at its line', (_name, file, from, to, needle, message) => {
    const files = edited(file, (text) => text.replace(from, to));
    const text = files.find((item) => item.path === file)!.text;
    const line = text.split('\n').findIndex((row) => row.includes(needle)) + 1;
    expect(problemsOf(files)).toEqual([{ file, line, message: expect.stringMatching(message) }]);
  });

  it('refuses a keystore that is not one, and invalid JSON with its line', () => {
    expect(problemsOf(edited(keystorePath, () => '{ "version": 1 }'))).toEqual([
      {
        file: keystorePath,
        line: 1,
        message: expect.stringMatching(/not a Web3 Secret Storage keystore/),
      },
    ]);
    const problems = problemsOf(
      edited(configPath, (text) => text.replace('"paused": false,', '"paused": false,,')),
    );
    expect(problems).toEqual([
      {
        file: configPath,
        line: lineOf(configPath, '"paused": false'),
        message: expect.stringMatching(/not valid JSON/),
      },
    ]);
  });

  it('reads networks written inside config.json, and lists a passphrase written in the file', () => {
    const networksFile = join(root, 'config/networks/ethereum.json');
    const inline = (JSON.parse(readFileSync(networksFile, 'utf8')) as { networks: unknown[] })
      .networks;
    const files = edited(configPath, (text) =>
      text
        .replace('"networks": "./config/networks"', `"networks": ${JSON.stringify(inline)}`)
        .replace(
          '"type": "env",\n          "value": "KEYSTORE_PASSPHRASE"',
          '"type": "plain",\n          "value": "hunter2"',
        ),
    ).filter((file) => !file.path.includes('/networks/'));
    const result = plan(files);
    expect(result.workspace.chains.map((chain) => [chain.chainId, chain.confirmations])).toEqual([
      [11155111, 12],
    ]);
    expect(result.signers).toEqual([]);
    expect(result.notCarried.map((item) => item.reason)).toContainEqual(
      expect.stringMatching(/signer "local-signer": its passphrase is written in config.json/),
    );
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('lists a keystore missing from the files given instead of guessing', () => {
    const result = plan(fixtureFiles().filter((file) => file.path !== keystorePath));
    expect(result.signers).toEqual([]);
    expect(result.workspace.rules).toEqual([]);
    expect(result.notCarried.map((item) => item.reason)).toContainEqual(
      expect.stringMatching(
        /keystore config\/keys\/local-signer.json is not among the files given/,
      ),
    );
  });
});

describe('decryptKeystore', () => {
  it('opens the fixture with its passphrase and refuses a wrong one', async () => {
    const text = readFileSync(keystorePath, 'utf8');
    const key = await decryptKeystore(text, 'relayer-fixture-passphrase');
    expect(privateKeyToAddress(key).toLowerCase()).toBe(fixtureAddress);
    await expect(decryptKeystore(text, 'wrong')).rejects.toThrow(/wrong passphrase/);
  });

  // The Web3 Secret Storage specification's test vectors (password "testpassword"): PBKDF2
  // opens; its scrypt one uses r = 1 with n = 2^18, past OpenSSL's bound, refused plainly.
  const vector = (kdf: string, kdfparams: object, iv: string, ciphertext: string, mac: string) =>
    JSON.stringify({
      version: 3,
      crypto: { cipher: 'aes-128-ctr', cipherparams: { iv }, ciphertext, kdf, kdfparams, mac },
    });

  it('opens the specification PBKDF2 vector and refuses its scrypt one with a reason', async () => {
    const pbkdf2 = vector(
      'pbkdf2',
      {
        c: 262144,
        dklen: 32,
        prf: 'hmac-sha256',
        salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd',
      },
      '6087dab2f9fdbbfaddc31a909735c1e6',
      '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
      '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
    );
    expect(await decryptKeystore(pbkdf2, 'testpassword')).toBe(
      '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d',
    );
    await expect(decryptKeystore(pbkdf2, 'testpasswort')).rejects.toThrow(/wrong passphrase/);
    const scrypt = vector(
      'scrypt',
      {
        dklen: 32,
        n: 262144,
        p: 8,
        r: 1,
        salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
      },
      '83dbcc02d8ccb40e466191a123791e0e',
      'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
      '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
    );
    await expect(decryptKeystore(scrypt, 'testpassword')).rejects.toThrow(
      /re-encrypt the key with r = 8/,
    );
  }, 60_000);

  it('round-trips what Vigil writes, and refuses costs beyond its bound', async () => {
    const key = generatePrivateKey();
    const keystore = await encryptKeystore(key, 'pw', { n: 2 ** 10, r: 8, p: 1 });
    expect(await decryptKeystore(JSON.stringify(keystore), 'pw')).toBe(key);
    keystore.crypto.kdfparams.n = 2 ** 24;
    await expect(decryptKeystore(JSON.stringify(keystore), 'pw')).rejects.toThrow(/scrypt cost/);
  });
});

function networks(): string {
  return join(root, 'config/networks/ethereum.json');
}
