// `npm run import -- --data-dir DIR [--format oz-monitor] [--yes] PATH…`: imports another tool's
// configuration (an OpenZeppelin Monitor folder …) into the Vigil data directory DIR, opened
// directly as `npm run serve -- --workspace FILE` opens it (so not while Vigil runs on it).
// Without --yes it prints the preview (what would be added, what exists, what cannot be carried
// over with file:line and why, which environment variables it reads) and changes nothing; with
// --yes it applies that plan in one import. The paths are the operator's own command line: the
// folders they name (or that hold the files named) are the ones the import may read.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLogger, createVigil } from '../src-main/core/app.ts';
import type { ImportPreview } from '../src-main/ipc/contract.ts';
import { VigilError } from '../src-main/core/errors/index.ts';
import { importFormats } from '../src-main/core/importers/index.ts';

const usage = [
  'Usage: npm run import -- --data-dir DIR [--format oz-monitor|defender|oz-relayer|kwala]',
  '         [--profile NAME] [--allow-private-rpc] [--propose-from SIGNER [--propose-policy ID]]',
  '         [--yes] PATH…',
  'Prints what the import would do; --yes applies it. PATH: a configuration folder or files.',
  '--propose-from: the keychain signer that sends the calls the files make from their own wallet',
  '(Kwala `call`, a Defender relayer); --propose-policy: the automation policy they run under',
  '(without it they wait for approval by hand).',
].join('\n');

/** The preview as an operator reads it in a terminal. */
export function describePreview(preview: ImportPreview): string {
  const lines = [`Format: ${preview.format}`];
  const section = (title: string, entries: string[]): void => {
    if (entries.length === 0) return;
    lines.push('', `${title} (${entries.length}):`, ...entries.map((entry) => `  ${entry}`));
  };
  section(
    'Chains to add',
    preview.adds.chains.map(
      (chain) =>
        `${chain.name} (chain ${chain.chainId}), ${chain.rpcUrls.join(', ')}${chain.confirmations === undefined ? '' : `, ${chain.confirmations} confirmations`}`,
    ),
  );
  section(
    'Contracts to watch',
    preview.adds.contracts.map((contract) =>
      `${contract.name ?? ''} ${contract.address} on chain ${contract.chainId}, from ${contract.startBlock === undefined ? 'its creation block (found when applied)' : `block ${contract.startBlock}`}; events ${contract.events.join(', ')}`.trim(),
    ),
  );
  section(
    'Rules to add',
    preview.adds.rules.map(
      (rule) =>
        `${rule.name}${rule.enabled ? '' : ' (disabled)'}: ${rule.eventName ?? rule.kind}${rule.condition ? ` where ${rule.condition}` : ''} → ${rule.channels.join(', ')}`,
    ),
  );
  section('Already in Vigil (left as they are)', [
    ...preview.existing.chains.map((chain) => `chain ${chain.chainId} (${chain.name})`),
    ...preview.existing.contracts.map(
      (contract) => `contract ${contract.address} on chain ${contract.chainId}`,
    ),
    ...preview.existing.rules.map((rule) => `rule ${rule.name} (${rule.id})`),
  ]);
  section(
    'Environment variables read when applied',
    preview.secrets.map(
      (secret) =>
        `${secret.env} (${secret.purpose}, ${secret.file}:${secret.line}): ${secret.set ? 'set' : 'NOT SET'}`,
    ),
  );
  section(
    'Not carried over',
    preview.notCarried.map((entry) => `${entry.file}:${entry.line}: ${entry.reason}`),
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      format: { type: 'string' },
      profile: { type: 'string' },
      'allow-private-rpc': { type: 'boolean' },
      'propose-from': { type: 'string' },
      'propose-policy': { type: 'string' },
      yes: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dataDir = values['data-dir'];
  if (values.help || !dataDir || positionals.length === 0) {
    console.error(usage);
    return 2;
  }
  if (
    values.format !== undefined &&
    !(importFormats as readonly string[]).includes(values.format)
  ) {
    console.error(`--format must be one of ${importFormats.join(', ')}.\n${usage}`);
    return 2;
  }
  const paths = positionals.map((path) => resolve(path));
  for (const path of paths)
    if (!existsSync(path)) {
      console.error(`${path} does not exist.`);
      return 2;
    }
  const roots = [
    ...new Set(paths.map((path) => (statSync(path).isDirectory() ? path : dirname(path)))),
  ];
  const core = await createVigil({
    dataDir,
    ...(values.profile ? { profile: values.profile } : {}),
    log: { ...consoleLogger, info: () => {} },
    tuning: {
      projectRoots: roots,
      ...(values['allow-private-rpc'] ? { allowPrivateRpc: true } : {}),
    },
  });
  try {
    const input = {
      paths,
      ...(values.format ? { format: values.format } : {}),
      ...(values['propose-from'] ? { proposeFrom: values['propose-from'] } : {}),
      ...(values['propose-policy'] ? { proposePolicy: values['propose-policy'] } : {}),
    };
    const preview = (await core.call('workspace.importFrom', input)) as ImportPreview;
    console.log(describePreview(preview));
    if (!values.yes) {
      console.log('\nNothing was changed. Run again with --yes to apply this import.');
      return 0;
    }
    const { applied } = (await core.call('workspace.importFrom', {
      ...input,
      confirm: true,
    })) as ImportPreview;
    console.log(
      `\nApplied: ${applied!.chainsAdded} chain(s), ${applied!.contractsAdded} contract(s), ${applied!.rulesAdded} rule(s) added; ${applied!.chainsUnchanged + applied!.contractsUnchanged + applied!.rulesUnchanged} already present.`,
    );
    return 0;
  } finally {
    await core.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `error: ${error instanceof VigilError || error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
