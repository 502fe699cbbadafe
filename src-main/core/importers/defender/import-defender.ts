// OpenZeppelin Defender as Code `serverless.yml` files (plugin v2 `resources:`, and v1
// `resources: Resources:` with sentinels) as a Vigil workspace: BLOCK monitors become watched
// contracts and event rules (their conditions translated, see defender-expression.ts),
// notifications the rules' channels, relayer minimum balances balance rules, relayer policies
// automation policies (disabled) for the signer that replaces the relayer, private networks
// chains. Serverless variables are resolved first (see serverless-variables.ts).
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  emptyPlan,
  importError,
  type ImportContext,
  type ImportFile,
  type ImportPlan,
  type ImportProblem,
} from '../import-plan.ts';
import { readSourceDocument, type SourceDocument, type SourcePath } from '../source-document.ts';
import {
  DefenderBlockMonitor,
  DefenderCategory,
  DefenderContract,
  DefenderForkedNetwork,
  DefenderNotification,
  DefenderPolicy,
  DefenderPrivateNetwork,
  DefenderRelayer,
  resourceKinds,
  type DefenderNotification as Notification,
} from './defender-files.ts';
import {
  addressProblem,
  chainIdOf,
  isObject,
  lineAt,
  note,
  readAbi,
  type Channel,
  type Links,
  type Stack,
} from './defender-links.ts';
import { importMonitor } from './defender-monitors.ts';
import { defenderChainIds } from './defender-networks.ts';
import { importRelayer } from './defender-relayers.ts';
import { resolveVariables } from './serverless-variables.ts';
import { checkShape, valueAt } from '../shared/check-shape.ts';
import { addPlanContract } from '../shared/plan-contracts.ts';
import { isAddress } from '../shared/text.ts';

export function importDefender(files: readonly ImportFile[], context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const plan = emptyPlan('defender');
  const used = new Set<string>();
  const stacks: Stack[] = [];
  for (const file of files) {
    if (!/^serverless\.ya?ml$/i.test(basename(file.path))) continue;
    const doc = readSourceDocument(file, 'yaml', problems);
    if (!doc) continue;
    const raw = parseDocument(file.text, { intAsBigInt: true }).toJS() as unknown;
    const envRead = new Map<string, number>();
    const value = resolveVariables({ doc, raw, files, env: context.env, problems, used, envRead });
    // Values read from the environment are listed with the secrets: the preview says whether
    // each is set, and the operator may type one instead (webhook URLs with tokens, keys …).
    for (const [name, line] of envRead)
      plan.secrets.push({
        env: name,
        purpose: `\${env:${name}} in ${basename(doc.file)}`,
        file: doc.file,
        line,
      });
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        file: doc.file,
        line: 1,
        message: 'must be a mapping (service, provider, resources …)',
      });
      continue;
    }
    const stack = readLayout(doc, value as Record<string, unknown>, plan, problems);
    if (stack) stacks.push(stack);
  }
  for (const file of files)
    if (!/^serverless\.ya?ml$/i.test(basename(file.path)) && !used.has(file.path))
      plan.notCarried.push({
        file: file.path,
        line: 1,
        reason: 'not a serverless.yml, and no serverless.yml refers to it with ${file(…)}',
      });
  if (problems.length > 0) throw importError(problems);
  for (const stack of stacks) importStack(stack, plan, problems, context);
  if (problems.length > 0) throw importError(problems);
  return plan;
}

function readLayout(
  doc: SourceDocument,
  value: Record<string, unknown>,
  plan: ImportPlan,
  problems: ImportProblem[],
): Stack | undefined {
  const functions = value.functions;
  if (functions !== null && typeof functions === 'object')
    for (const name of Object.keys(functions))
      plan.notCarried.push({
        file: doc.file,
        line: doc.keyLineOf(['functions'], name),
        reason: `autotask "${name}": Defender ran its code; Vigil does not run code (use a rule's proposal or a schedule)`,
      });
  const resources = value.resources;
  if (resources === undefined || resources === null) {
    problems.push({
      file: doc.file,
      line: 1,
      message: 'resources: is required (the monitors, relayers … to import)',
    });
    return undefined;
  }
  if (typeof resources !== 'object' || Array.isArray(resources)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(['resources']),
      message: 'resources: must be a mapping of resource kinds',
    });
    return undefined;
  }
  const v1 = 'Resources' in resources;
  const base: SourcePath = v1 ? ['resources', 'Resources'] : ['resources'];
  const section = v1 ? (resources as Record<string, unknown>).Resources : resources;
  if (v1 && Object.keys(resources).length > 1)
    for (const key of Object.keys(resources).filter((key) => key !== 'Resources'))
      problems.push({
        file: doc.file,
        line: doc.keyLineOf(['resources'], key),
        message: `resources.${key}: with the v1 layout every resource is under resources.Resources`,
      });
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(base),
      message: `${base.join('.')}: must be a mapping of resource kinds`,
    });
    return undefined;
  }
  const layout = v1 ? 'v1' : 'v2';
  const known: readonly string[] = resourceKinds[layout];
  for (const [kind, entries] of Object.entries(section)) {
    if (!known.includes(kind)) {
      problems.push({
        file: doc.file,
        line: doc.keyLineOf(base, kind),
        message: `${[...base, kind].join('.')}: "${kind}" is not a Defender as Code resource kind (${known.join(', ')})`,
      });
      continue;
    }
    if (entries !== null && (typeof entries !== 'object' || Array.isArray(entries)))
      problems.push({
        file: doc.file,
        line: doc.lineOf([...base, kind]),
        message: `${[...base, kind].join('.')}: must be a mapping of resource names to ${kind}`,
      });
  }
  return { doc, value, base, layout };
}

function importStack(
  stack: Stack,
  plan: ImportPlan,
  problems: ImportProblem[],
  context: ImportContext,
): void {
  const links: Links = {
    stack,
    plan,
    problems,
    context,
    chainIds: new Map(Object.entries(defenderChainIds)),
    droppedNetworks: new Map(),
    notedNetworks: new Set(),
    channels: new Map(),
    categories: new Map(),
    policies: new Map(),
    contractAbis: new Map(),
  };
  const kindAbout = { sentinels: 'sentinel', monitors: 'monitor' } as const;
  for (const [, name, , path] of entriesOf(links, 'private-networks')) {
    const network = checkShape(stack.doc, stack.value, path, DefenderPrivateNetwork, problems);
    if (network) importPrivateNetwork(name, network, path, links);
  }
  for (const [, name, , path] of entriesOf(links, 'forked-networks')) {
    const network = checkShape(stack.doc, stack.value, path, DefenderForkedNetwork, problems);
    if (!network) continue;
    const reason = `the fork's chain id is not in the file (a fork may keep the chain id of ${network['forked-network'] ?? network['supported-network'] ?? 'the network it forks'}, which is Vigil's for the real chain)`;
    links.droppedNetworks.set(network.name, reason);
    note(links, path, `forked network "${name}": ${reason}; not carried over`);
  }
  for (const [, name, value, path] of entriesOf(links, 'notifications')) {
    const notification = checkShape(stack.doc, stack.value, path, DefenderNotification, problems);
    if (notification && isObject(value))
      links.channels.set(value, importNotification(name, notification, path, links));
  }
  for (const [, , value, path] of entriesOf(links, 'categories')) {
    const category = checkShape(stack.doc, stack.value, path, DefenderCategory, problems);
    if (category && isObject(value))
      links.categories.set(value, category['notification-ids'] ?? []);
  }
  for (const [, name, value, path] of entriesOf(links, 'policies'))
    if (checkShape(stack.doc, stack.value, path, DefenderPolicy, problems) && isObject(value))
      links.policies.set(value, name);
  for (const [, name, , path] of entriesOf(links, 'contracts')) {
    const contract = checkShape(stack.doc, stack.value, path, DefenderContract, problems);
    if (contract) importContract(name, contract, path, links);
  }
  for (const monitorKind of ['monitors', 'sentinels'] as const)
    for (const [, name, value, path] of entriesOf(links, monitorKind)) {
      const about = `${kindAbout[monitorKind]} "${name}"`;
      const type = isObject(value) ? (value as { type?: unknown }).type : undefined;
      if (type === 'FORTA') {
        note(
          links,
          path,
          `${about}: Forta monitors read Forta's alerts, which Vigil does not receive; not carried over`,
        );
        continue;
      }
      const monitor = checkShape(stack.doc, stack.value, path, DefenderBlockMonitor, problems);
      if (monitor) importMonitor(about, name, monitor, path, links);
    }
  for (const [, name, , path] of entriesOf(links, 'relayers')) {
    const relayer = checkShape(stack.doc, stack.value, path, DefenderRelayer, problems);
    if (relayer) importRelayer(name, relayer, path, links);
  }
  for (const [kind, name, , path] of [
    ...entriesOf(links, 'actions'),
    ...entriesOf(links, 'relayer-groups'),
    ...entriesOf(links, 'block-explorer-api-keys'),
  ])
    note(
      links,
      path,
      kind === 'actions'
        ? `action "${name}": Defender ran its code; Vigil does not run code (use a rule's proposal or a schedule)`
        : kind === 'relayer-groups'
          ? `relayer group "${name}": Vigil sends from one keychain signer per transaction; groups are not carried over`
          : `block explorer API key "${name}": set Vigil's explorer key in its settings instead`,
    );
  const secrets = valueAt(stack.value, [...stack.base, 'secrets']);
  if (isObject(secrets))
    note(
      links,
      [...stack.base, 'secrets'],
      'action secrets are for Defender actions, which Vigil does not run; not carried over',
    );
}

/** The named resources of one kind, with a reference to a Defender id noted and skipped. */
function entriesOf(links: Links, kind: string): [string, string, unknown, SourcePath][] {
  const { stack } = links;
  const entries = valueAt(stack.value, [...stack.base, kind]);
  if (!isObject(entries) || Array.isArray(entries)) return [];
  return Object.entries(entries).flatMap(
    ([name, value]): [string, string, unknown, SourcePath][] => {
      const path = [...stack.base, kind, name];
      if (typeof value === 'string' && kind !== 'actions') {
        note(
          links,
          path,
          `${kind} "${name}" names an existing Defender resource by its id (${value}); its settings are in Defender, not in these files, so it is not carried over`,
        );
        return [];
      }
      return [[kind, name, value, path]];
    },
  );
}

function importPrivateNetwork(
  name: string,
  network: z.output<typeof DefenderPrivateNetwork>,
  path: SourcePath,
  links: Links,
): void {
  const configured = network.configuration['chain-id'] ?? network.configuration.chainId;
  const chainId =
    typeof configured === 'bigint' || typeof configured === 'number'
      ? Number(configured)
      : undefined;
  if (chainId === undefined || !Number.isSafeInteger(chainId) || chainId <= 0) {
    const reason = 'its configuration gives no chain id (Defender read it from the RPC URL)';
    links.droppedNetworks.set(network.name, reason);
    note(
      links,
      [...path, 'configuration'],
      `private network "${name}": ${reason}; add the chain in Vigil by hand`,
    );
    return;
  }
  links.chainIds.set(network.name, chainId);
  if (network['api-key'] !== undefined)
    note(
      links,
      [...path, 'api-key'],
      `private network "${name}": its block explorer API key is not carried over`,
    );
  links.plan.workspace.chains.push({
    name: network.name.slice(0, 80),
    chainId,
    rpcUrls: [network['rpc-url']],
    ...(network['block-explorer-url'] === undefined
      ? {}
      : { explorerUrl: network['block-explorer-url'] }),
  });
}

function importNotification(
  name: string,
  notification: Notification,
  path: SourcePath,
  links: Links,
): Channel | undefined {
  const about = `notification "${name}"`;
  if (notification.paused) {
    note(links, [...path, 'paused'], `${about} is paused; rules do not send to it`);
    return undefined;
  }
  const url = notification.config.url;
  switch (notification.type) {
    case 'slack':
    case 'discord':
    case 'webhook': {
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
        links.problems.push({
          file: links.stack.doc.file,
          line: lineAt(links.stack.doc, [...path, 'config', 'url']),
          message: `${about}: config.url must be an http(s):// URL`,
        });
        return undefined;
      }
      const format = notification.type === 'webhook' ? 'json' : notification.type;
      if (notification.type === 'webhook')
        note(
          links,
          path,
          `${about}: Vigil posts its own JSON body, signed with HMAC-SHA256 (a new secret, shown once when applied); the receiver must accept that body`,
        );
      return { type: 'webhook', url, format };
    }
    case 'email':
      note(links, path, `${about}: email is not a Vigil channel`);
      return undefined;
    case 'telegram':
      note(
        links,
        path,
        `${about}: Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
      );
      return undefined;
    case 'datadog':
    case 'opsgenie':
    case 'pager-duty':
      note(
        links,
        path,
        `${about}: ${notification.type} is not a Vigil channel; point a Vigil webhook at its events API by hand`,
      );
      return undefined;
  }
}

function importContract(
  name: string,
  contract: DefenderContract,
  path: SourcePath,
  links: Links,
): void {
  const about = `contract "${name}"`;
  if (!isAddress(contract.address)) {
    addressProblem(links, [...path, 'address'], about, contract.address);
    return;
  }
  const chainId = chainIdOf(contract.network, about, path, links);
  if (chainId === undefined) return;
  if (contract.abi === undefined || contract.abi === null) {
    note(
      links,
      path,
      `${about}: no ABI in the file; Vigil decodes events by ABI, so it is not watched (add it with its ABI)`,
    );
    return;
  }
  const abi = readAbi(contract.abi, [...path, 'abi'], about, links);
  if (!abi) return;
  links.contractAbis.set(`${chainId}:${contract.address.toLowerCase()}`, abi);
  addPlanContract(links.plan, { chainId, address: contract.address, name: contract.name, abi });
}
