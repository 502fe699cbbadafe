// workspace.importFrom: another tool's configuration files, read only inside folders the operator
// chose (a client is treated as hostile: no path outside them, no "..", no symlink out), turned
// into a plan by the importers room, shown as a preview, and applied as a workspace import.
// Secrets the files name by environment variable come from Vigil's environment or are typed by
// the operator for this import alone; the keys a keystore holds are imported only as approved.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImportPreview, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';
import {
  subject,
  type ApprovedBy,
  type GateDescribers,
  type GateSubject,
} from '../approvals/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  folderFileNames,
  importError,
  planImport,
  type ImportFile,
  type ImportKeystoreSigner,
  type ImportPlan,
  type ImportProblem,
} from '../importers/index.ts';
import { isWithin, realPathOf, type ProjectRoots } from '../intake/index.ts';
import { decryptKeystore, displayUrl } from '../keys/index.ts';
import { privateKeyToAddress } from 'viem/accounts';
import { ruleSlug } from '../rule-syntax/index.ts';
import type { Store } from '../store/index.ts';
import type { Workspace } from '../workspace/index.ts';
import type { CallContext, EngineService } from './service.ts';

export interface WorkspaceImportsDependencies {
  store: Store;
  projectRoots: ProjectRoots;
  env: Readonly<Record<string, string | undefined>>;
  /** The engine's workspace import: checks everything, then saves it in one journal entry. */
  applyWorkspace(
    workspace: Workspace,
    source: string,
    pending: {
      /** Signers added right after it is saved, which its rules may name. */
      signers: readonly string[];
      /** What the operator typed, by environment variable name (webhook secrets). */
      secretValues: Readonly<Record<string, string>>;
    },
  ): Promise<RequestOutput<'workspace.import'>>;
  /** signers.import's own path: the key into the OS keychain, the signer listed and audited. */
  importSigner(privateKey: `0x${string}`, label: string): Promise<unknown>;
}

// Configuration folders are small; these bound what a client can make Vigil read.
const maxFiles = 500;
const maxFileBytes = 2_000_000;
const maxDepth = 4;

export function createWorkspaceImports(deps: WorkspaceImportsDependencies): EngineService {
  return {
    handlers: {
      async 'workspace.importFrom'(
        input: ValidatedInput<'workspace.importFrom'>,
        call?: CallContext,
      ): Promise<RequestOutput<'workspace.importFrom'>> {
        const files = readImportFiles(input.paths, deps.projectRoots);
        const secretValues = input.secretValues ?? {};
        const env = { ...deps.env, ...secretValues };
        const plan = planImport(files, {
          format: input.format,
          env,
          proposeFrom: input.proposeFrom,
          proposePolicy: input.proposePolicy,
        });
        requireAskedFor(plan, secretValues);
        const preview = previewImport(plan, deps.store, deps.env, secretValues);
        if (!input.confirm) return preview;
        // Every keystore is opened, and the workspace checked with its signers counted in, before
        // anything is saved: a wrong passphrase or a refused rule changes nothing. The keys go to
        // the keychain right after the workspace is saved.
        const keys = await openKeystores(plan, files, deps.store, env);
        requireApprovedKeys(input.paths, keys, call?.approvedBy);
        const applied = await deps.applyWorkspace(
          plan.workspace,
          `${plan.format}:${input.paths.join(',')}`.slice(0, 1_000),
          { signers: keys.map((key) => key.address), secretValues },
        );
        for (const key of keys) await deps.importSigner(key.privateKey, key.label);
        return { ...preview, applied };
      },
    },
  };
}

/**
 * Applying an import that adds signer keys needs a person, as signers.import does: the subject
 * is the keys' addresses, planned from the files as the handler will plan them.
 */
export function workspaceImportGateDescribers(
  deps: Pick<WorkspaceImportsDependencies, 'projectRoots' | 'env'>,
): GateDescribers {
  return {
    'workspace.importFrom'(input, store) {
      if (!input.confirm) return null;
      const plan = planImport(readImportFiles(input.paths, deps.projectRoots), {
        format: input.format,
        env: { ...deps.env, ...input.secretValues },
        proposeFrom: input.proposeFrom,
        proposePolicy: input.proposePolicy,
      });
      const adding = (plan.signers ?? []).filter((signer) => !store.findSigner(signer.address));
      return adding.length === 0 ? null : keysSubject(input.paths, adding);
    },
  };
}

/** What a person approves when an import adds keys: their addresses (the digest covers them). */
function keysSubject(
  paths: readonly string[],
  adding: readonly Pick<ImportKeystoreSigner, 'address' | 'keystorePath' | 'label'>[],
): GateSubject {
  return subject(
    'workspace.importFrom',
    { paths, signers: adding.map((signer) => signer.address) },
    adding.map(
      (signer) =>
        `Import the key of ${signer.address} from keystore ${signer.keystorePath} as signer “${signer.label}”`,
    ),
  );
}

/**
 * The files are read again when the request runs, after the person approved: a keystore swapped
 * in the meantime (while the dialog was open) must not bring in a key they were not shown. The
 * keys about to be imported, as decrypted, must be exactly the ones the approval's subject listed.
 */
function requireApprovedKeys(
  paths: readonly string[],
  keys: readonly OpenedKey[],
  approvedBy: ApprovedBy | undefined,
): void {
  if (keys.length === 0) return;
  if (approvedBy?.digest === keysSubject(paths, keys).digest) return;
  const holding = keys.map((key) => `${key.address} (${key.keystorePath})`).join(', ');
  throw new VigilError(
    approvedBy ? 'APPROVAL_INVALID' : 'APPROVAL_REQUIRED',
    approvedBy
      ? `The keystore files changed after the approval was asked for: they now hold the key(s) of ${holding}, which is not what the person approved. Nothing was imported; preview the folder again and approve what it shows.`
      : `The keystore files now hold the key(s) of ${holding}, which no person approved (they changed after the request was checked). Nothing was imported; preview the folder again.`,
    { field: 'approval', details: { keystores: keys.map((key) => key.keystorePath) } },
  );
}

/**
 * Typed values only for the secrets these files ask for: a value under another name is a mistake
 * (a typo, or the wrong folder) and must not be read as some other setting of the import.
 */
function requireAskedFor(plan: ImportPlan, secretValues: Readonly<Record<string, string>>): void {
  const asked = new Set(plan.secrets.map((secret) => secret.env));
  for (const name of Object.keys(secretValues))
    if (!asked.has(name))
      throw new VigilError(
        'INVALID_INPUT',
        `secretValues.${name}: these files name no secret by the environment variable ${name}; the preview lists the ones they do.`,
        { field: `secretValues.${name}` },
      );
}

/** The files at the paths (files, or folders read recursively), each checked to lie inside a chosen folder. */
export function readImportFiles(paths: readonly string[], roots: ProjectRoots): ImportFile[] {
  const files: ImportFile[] = [];
  const inside = (real: string): boolean => roots.list().some((root) => isWithin(root, real));
  const addFile = (shownPath: string, field: string): void => {
    const real = realPathOf(shownPath);
    if (real === undefined || !inside(real))
      throw new VigilError(
        'FOLDER_NOT_ALLOWED',
        `${shownPath} goes through a symbolic link that leads outside the folders the operator chose; it is not read.`,
        { field, details: { path: shownPath, reason: 'symlink-escape' } },
      );
    if (statSync(real).size > maxFileBytes)
      throw new VigilError(
        'IMPORT_INVALID',
        `${shownPath} is larger than ${maxFileBytes} bytes; it is not a configuration file.`,
        { field },
      );
    if (files.length >= maxFiles)
      throw new VigilError(
        'IMPORT_INVALID',
        `More than ${maxFiles} files under the paths given; point at the configuration folder itself.`,
        { field },
      );
    files.push({ path: shownPath, text: readFileSync(real, 'utf8') });
  };
  const walk = (folder: string, field: string, depth: number): void => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(folder, entry.name);
      const real = realPathOf(path);
      if (real === undefined) continue;
      if (!inside(real))
        throw new VigilError(
          'FOLDER_NOT_ALLOWED',
          `${path} is a symbolic link that leads outside the folders the operator chose; it is not read.`,
          { field, details: { path, reason: 'symlink-escape' } },
        );
      const stat = statSync(real);
      if (stat.isDirectory()) {
        if (depth < maxDepth) walk(path, field, depth + 1);
      } else if (stat.isFile() && folderFileNames.test(entry.name)) addFile(path, field);
    }
  };
  paths.forEach((path, index) => {
    const field = `paths[${index}]`;
    try {
      // Refuses relative paths, "..", and anything outside the chosen folders before looking.
      walk(roots.resolve(path, field), field, 0);
      return;
    } catch (error) {
      // NOT_FOUND comes only after the path was found inside a chosen folder: it may be a file.
      if (!(error instanceof VigilError) || error.code !== 'NOT_FOUND') throw error;
    }
    roots.resolve(dirname(path), field);
    const real = realPathOf(path);
    if (real === undefined || !statSync(real).isFile())
      throw new VigilError('NOT_FOUND', `${path} is neither a file nor a folder.`, { field });
    addFile(path, field);
  });
  return files;
}

interface OpenedKey {
  privateKey: `0x${string}`;
  label: string;
  /** As decrypted (equal to what the keystore states, checked). */
  address: string;
  keystorePath: string;
}

/** The keys of the plan's keystore signers not yet in Vigil, decrypted; all of them or an error. */
async function openKeystores(
  plan: ImportPlan,
  files: readonly ImportFile[],
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpenedKey[]> {
  const problems: ImportProblem[] = [];
  const keys: OpenedKey[] = [];
  for (const signer of plan.signers ?? []) {
    if (store.findSigner(signer.address)) continue;
    const problem = (message: string): void => {
      problems.push({ file: signer.file, line: signer.line, message });
    };
    const passphrase = env[signer.passphraseEnv];
    if (passphrase === undefined || passphrase === '') {
      problem(
        `the passphrase of keystore ${signer.keystorePath} is read from the environment variable ${signer.passphraseEnv}, which is not set where Vigil runs; type it in the import or set it, and import again`,
      );
      continue;
    }
    const text = files.find((file) => file.path === signer.keystorePath)?.text ?? '';
    try {
      const privateKey = await decryptKeystore(text, passphrase);
      if (privateKeyToAddress(privateKey) !== signer.address)
        problem(
          `keystore ${signer.keystorePath} holds the key of ${privateKeyToAddress(privateKey)}, not of the ${signer.address} it states`,
        );
      else
        keys.push({
          privateKey,
          label: signer.label,
          address: signer.address,
          keystorePath: signer.keystorePath,
        });
    } catch (error) {
      if (!(error instanceof VigilError)) throw error;
      problem(
        `keystore ${signer.keystorePath} (passphrase from ${signer.passphraseEnv}): ${error.message}`,
      );
    }
  }
  if (problems.length > 0) throw importError(problems);
  return keys;
}

/** What a rule other than an event rule watches, in the words of the preview. */
function watchedBy(rule: Workspace['rules'][number]): string | undefined {
  switch (rule.kind) {
    case 'failed-call':
      return `failed transactions to ${rule.addresses.join(', ')} on chain ${rule.chainId}`;
    case 'balance':
      return `balance of ${rule.address} on chain ${rule.chainId} below ${rule.below} wei`;
    default:
      return undefined;
  }
}

/** What the plan adds and what Vigil has already, without touching anything. */
export function previewImport(
  plan: ImportPlan,
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
  secretValues: Readonly<Record<string, string>> = {},
): ImportPreview {
  const { workspace } = plan;
  // Whether a secret is there, and from where; never its value.
  const sourceOf = (name: string): 'environment' | 'typed' | null =>
    secretValues[name] ? 'typed' : env[name] ? 'environment' : null;
  // A typed token in a URL (Kwala's ${NAME}) is not shown back, whatever redactUrl recognises.
  const typed = Object.values(secretValues);
  const shown = (url: string): string =>
    typed.reduce((text, value) => text.replaceAll(value, '…'), displayUrl(url));
  const needed = new Set([
    ...(plan.signers ?? [])
      .filter((signer) => !store.findSigner(signer.address))
      .map((signer) => signer.passphraseEnv),
    ...workspace.rules
      .filter((rule) => !store.alerts.findRule(rule.id ?? ruleSlug(rule.name)))
      .flatMap((rule) => rule.channels)
      .flatMap((channel) =>
        channel.type === 'webhook' && channel.secret === undefined && channel.secretEnv
          ? [channel.secretEnv]
          : [],
      ),
  ]);
  const preview: ImportPreview = {
    format: plan.format,
    adds: { chains: [], contracts: [], rules: [], schedules: [], policies: [] },
    existing: { chains: [], contracts: [], rules: [], schedules: [], policies: [] },
    notCarried: plan.notCarried,
    secrets: plan.secrets.map((secret) => ({
      ...secret,
      set: sourceOf(secret.env) !== null,
      source: sourceOf(secret.env),
      needed: needed.has(secret.env),
    })),
    signers: (plan.signers ?? []).map((signer) => ({
      ...signer,
      passphraseSet: sourceOf(signer.passphraseEnv) !== null,
      existing: store.findSigner(signer.address) !== undefined,
    })),
  };
  for (const chain of workspace.chains) {
    const existing = store.findChain(chain.chainId);
    if (existing) preview.existing.chains.push({ chainId: chain.chainId, name: existing.name });
    else
      preview.adds.chains.push({
        chainId: chain.chainId,
        name: chain.name,
        rpcUrls: chain.rpcUrls.map(shown),
        ...(chain.confirmations === undefined ? {} : { confirmations: chain.confirmations }),
      });
  }
  for (const contract of workspace.contracts) {
    const id = `${contract.chainId}:${contract.address.toLowerCase()}`;
    if (store.findContract(id)) {
      preview.existing.contracts.push({ chainId: contract.chainId, address: contract.address });
      continue;
    }
    const events = (contract.abi ?? [])
      .filter((item) => (item as { type?: string }).type === 'event')
      .map((item) => (item as { name: string }).name);
    preview.adds.contracts.push({
      chainId: contract.chainId,
      address: contract.address,
      ...(contract.name === undefined ? {} : { name: contract.name }),
      ...(contract.startBlock === undefined ? {} : { startBlock: contract.startBlock }),
      events: [...new Set(events)],
    });
  }
  for (const rule of workspace.rules) {
    const id = rule.id ?? ruleSlug(rule.name);
    if (store.alerts.findRule(id)) {
      preview.existing.rules.push({ id, name: rule.name });
      continue;
    }
    const watches = watchedBy(rule);
    preview.adds.rules.push({
      id,
      name: rule.name,
      kind: rule.kind,
      enabled: rule.enabled,
      ...('contractId' in rule
        ? { contractId: rule.contractId, eventName: rule.eventName, condition: rule.condition }
        : {}),
      ...(watches === undefined ? {} : { watches }),
      channels: rule.channels.map((channel) =>
        channel.type === 'webhook'
          ? `${channel.format} webhook ${shown(channel.url)}`
          : channel.type,
      ),
    });
  }
  for (const schedule of workspace.schedules) {
    const id = schedule.id ?? ruleSlug(schedule.name);
    if (store.schedules.findSchedule(id)) {
      preview.existing.schedules.push({ id, name: schedule.name });
      continue;
    }
    const { propose } = schedule;
    preview.adds.schedules.push({
      id,
      name: schedule.name,
      ...(schedule.cron === undefined ? {} : { cron: schedule.cron }),
      ...(schedule.everySeconds === undefined ? {} : { everySeconds: schedule.everySeconds }),
      timezone: schedule.timezone,
      chainId: propose.chainId,
      ...(propose.to === undefined ? {} : { to: propose.to }),
      ...(propose.function === undefined ? {} : { function: propose.function.name }),
      ...(schedule.execute === undefined ? {} : { policy: schedule.execute.policy }),
      // The schedules section adds every imported schedule disabled.
      enabled: false,
    });
  }
  for (const policy of workspace.policies) {
    const id = policy.id ?? ruleSlug(policy.name);
    // One already saved is left to the policies section: the same terms change nothing, and a
    // change that widens it saves it disabled.
    if (store.automation.findPolicy(id)) {
      preview.existing.policies.push({ id, name: policy.name });
      continue;
    }
    preview.adds.policies.push({
      id,
      name: policy.name,
      chainId: policy.chainId,
      signer: policy.signer,
      targets: policy.targets.map(
        (target) => `${target.address}: ${target.functions.map((fn) => fn.function).join(', ')}`,
      ),
      maxValuePerTx: policy.maxValuePerTx,
      maxFeePerGas: policy.maxFeePerGas,
      dailyBudget: policy.dailyBudget,
      maxPerHour: policy.maxPerHour,
    });
  }
  return preview;
}
