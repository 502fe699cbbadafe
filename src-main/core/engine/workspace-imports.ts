// workspace.importFrom: another tool's configuration files, read only inside folders the operator
// chose (a client is treated as hostile: no path outside them, no "..", no symlink out), turned
// into a plan by the importers room, shown as a preview, and applied as a workspace import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImportPreview, RequestOutput, ValidatedInput } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { planImport, type ImportFile, type ImportPlan } from '../importers/index.ts';
import { isWithin, realPathOf, type ProjectRoots } from '../intake/index.ts';
import { displayUrl } from '../keys/index.ts';
import { ruleSlug } from '../rule-syntax/index.ts';
import type { Store } from '../store/index.ts';
import type { Workspace } from '../workspace/index.ts';
import type { EngineService } from './service.ts';

export interface WorkspaceImportsDependencies {
  store: Store;
  projectRoots: ProjectRoots;
  env: Readonly<Record<string, string | undefined>>;
  /** The engine's workspace import: checks everything, then saves it in one journal entry. */
  applyWorkspace(workspace: Workspace, source: string): Promise<RequestOutput<'workspace.import'>>;
}

// Configuration folders are small; these bound what a client can make Vigil read.
const maxFiles = 500;
const maxFileBytes = 2_000_000;
const maxDepth = 4;
const sourceExtensions = /\.(json|ya?ml)$/i;

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
        const applied = await deps.applyWorkspace(
          plan.workspace,
          `${plan.format}:${input.paths.join(',')}`.slice(0, 1_000),
        );
        return { ...preview, applied };
      },
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
      } else if (stat.isFile() && sourceExtensions.test(entry.name)) addFile(path, field);
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

/** What the plan adds and what Vigil has already, without touching anything. */
export function previewImport(
  plan: ImportPlan,
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
): ImportPreview {
  const { workspace } = plan;
  const preview: ImportPreview = {
    format: plan.format,
    adds: { chains: [], contracts: [], rules: [] },
    existing: { chains: [], contracts: [], rules: [] },
    notCarried: plan.notCarried,
    secrets: plan.secrets.map((secret) => ({ ...secret, set: Boolean(env[secret.env]) })),
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
  return preview;
}
