// workspace.importFrom: another tool's configuration files, read only inside folders the operator
// chose (a client is treated as hostile: no path outside them, no "..", no symlink out), turned
// into a plan by the importers room, shown as a preview, and applied as a workspace import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImportPreview, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';
import { subject, type GateDescribers } from '../approvals/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  folderFileNames,
  importError,
  planImport,
  type ImportFile,
  type ImportPlan,
  type ImportProblem,
} from '../importers/index.ts';
import { isWithin, realPathOf, type ProjectRoots } from '../intake/index.ts';
import { decryptKeystore, displayUrl } from '../keys/index.ts';
import { privateKeyToAddress } from 'viem/accounts';
import { ruleSlug } from '../rule-syntax/index.ts';
import type { Store } from '../store/index.ts';
import type { Workspace } from '../workspace/index.ts';
import type { EngineService } from './service.ts';

export interface WorkspaceImportsDependencies {
  store: Store;
  projectRoots: ProjectRoots;
  env: Readonly<Record<string, string | undefined>>;
  /** The engine's workspace import: checks everything, then saves it in one journal entry. */
  applyWorkspace(
    workspace: Workspace,
    source: string,
    /** Signers added right after it is saved, which its rules may name. */
    pendingSigners: readonly string[],
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
      ): Promise<RequestOutput<'workspace.importFrom'>> {
        const files = readImportFiles(input.paths, deps.projectRoots);
        const plan = planImport(files, {
          format: input.format,
          env: deps.env,
          proposeFrom: input.proposeFrom,
          proposePolicy: input.proposePolicy,
        });
        const preview = previewImport(plan, deps.store, deps.env);
        if (!input.confirm) return preview;
        // Every keystore is opened, and the workspace checked with its signers counted in, before
        // anything is saved: a wrong passphrase or a refused rule changes nothing. The keys go to
        // the keychain right after the workspace is saved.
        const keys = await openKeystores(plan, files, deps.store, deps.env);
        const applied = await deps.applyWorkspace(
          plan.workspace,
          `${plan.format}:${input.paths.join(',')}`.slice(0, 1_000),
          keys.map((key) => key.address),
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
        env: deps.env,
        proposeFrom: input.proposeFrom,
        proposePolicy: input.proposePolicy,
      });
      const adding = (plan.signers ?? []).filter((signer) => !store.findSigner(signer.address));
      if (adding.length === 0) return null;
      return subject(
        'workspace.importFrom',
        { paths: input.paths, signers: adding.map((signer) => signer.address) },
        adding.map(
          (signer) =>
            `Import the key of ${signer.address} from keystore ${signer.keystorePath} as signer “${signer.label}”`,
        ),
      );
    },
  };
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

/** The keys of the plan's keystore signers not yet in Vigil, decrypted; all of them or an error. */
async function openKeystores(
  plan: ImportPlan,
  files: readonly ImportFile[],
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ privateKey: `0x${string}`; label: string; address: string }[]> {
  const problems: ImportProblem[] = [];
  const keys: { privateKey: `0x${string}`; label: string; address: string }[] = [];
  for (const signer of plan.signers ?? []) {
    if (store.findSigner(signer.address)) continue;
    const problem = (message: string): void => {
      problems.push({ file: signer.file, line: signer.line, message });
    };
    const passphrase = env[signer.passphraseEnv];
    if (passphrase === undefined || passphrase === '') {
      problem(
        `the passphrase of keystore ${signer.keystorePath} is read from the environment variable ${signer.passphraseEnv}, which is not set where Vigil runs; set it and import again`,
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
      else keys.push({ privateKey, label: signer.label, address: signer.address });
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

/** What the plan adds and what Vigil has already, without touching anything. */
export function previewImport(
  plan: ImportPlan,
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
): ImportPreview {
  const { workspace } = plan;
  const preview: ImportPreview = {
    format: plan.format,
    adds: { chains: [], contracts: [], rules: [], schedules: [], policies: [] },
    existing: { chains: [], contracts: [], rules: [], schedules: [], policies: [] },
    notCarried: plan.notCarried,
    secrets: plan.secrets.map((secret) => ({ ...secret, set: Boolean(env[secret.env]) })),
    signers: (plan.signers ?? []).map((signer) => ({
      ...signer,
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
        rpcUrls: chain.rpcUrls.map(displayUrl),
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
    preview.adds.rules.push({
      id,
      name: rule.name,
      kind: rule.kind,
      enabled: rule.enabled,
      ...('contractId' in rule
        ? { contractId: rule.contractId, eventName: rule.eventName, condition: rule.condition }
        : {}),
      channels: rule.channels.map((channel) =>
        channel.type === 'webhook'
          ? `${channel.format} webhook ${displayUrl(channel.url)}`
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
