// What the Defender importer's parts share: the stack being read, what it links across resources
// (networks, channels, policies), and small helpers that note or refuse at a file's line.
import type { z } from 'zod';
import type { AlertChannelInput, AlertRuleInput } from '../../../ipc/contract.ts';
import { parseAbiInput } from '../../abi/index.ts';
import { VigilError } from '../../errors/index.ts';
import type { ImportContext, ImportPlan, ImportProblem } from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';
import { stableRuleId } from '../shared/stable-rule-id.ts';
import { defenderChainIds } from './defender-networks.ts';

export type RuleInput = z.output<typeof AlertRuleInput>;
export type Channel = z.output<typeof AlertChannelInput>;

/** One serverless.yml, its variables resolved, and where its resources are. */
export interface Stack {
  doc: SourceDocument;
  value: Record<string, unknown>;
  /** ['resources'] (v2) or ['resources', 'Resources'] (v1). */
  base: SourcePath;
  layout: 'v1' | 'v2';
}

/** What the import collects across resources, to link monitors to channels and networks. */
export interface Links {
  stack: Stack;
  plan: ImportPlan;
  problems: ImportProblem[];
  context: ImportContext;
  /** Network name → chain id, for public networks and carried private networks. */
  chainIds: Map<string, number>;
  /** Private and forked networks not carried over: their name → why. */
  droppedNetworks: Map<string, string>;
  /** Public networks already noted as needing a chain in Vigil. */
  notedNetworks: Set<string>;
  /** Resolved notification objects → their channel (undefined: not carried over). */
  channels: Map<object, Channel | undefined>;
  /** Resolved category objects → their notifications. */
  categories: Map<object, unknown[]>;
  /** Resolved policy objects → their resource name. */
  policies: Map<object, string>;
  /** Contract resources by `chainId:address`: their ABIs for monitors that give none. */
  contractAbis: Map<string, unknown>;
}

/** The chain id of a network a resource names; undefined (noted) when it is not carried over. */
export function chainIdOf(
  network: string,
  about: string,
  path: SourcePath,
  links: Links,
): number | undefined {
  const dropped = links.droppedNetworks.get(network);
  if (dropped !== undefined) {
    note(
      links,
      [...path, 'network'],
      `${about}: network "${network}" is not carried over (${dropped}), so neither is this`,
    );
    return undefined;
  }
  const chainId = links.chainIds.get(network);
  if (chainId === undefined) {
    links.problems.push({
      file: links.stack.doc.file,
      line: lineAt(links.stack.doc, [...path, 'network']),
      message: `${about}: "${network}" is not a Defender network Vigil knows, nor a private network of this file`,
    });
    return undefined;
  }
  const isPublic = defenderChainIds[network] === chainId;
  if (isPublic && !links.notedNetworks.has(network)) {
    links.notedNetworks.add(network);
    note(
      links,
      [...path, 'network'],
      `network "${network}" (chain ${chainId}): Defender ran its own nodes, so the file gives no RPC URL; Vigil must have chain ${chainId} configured before the import is applied`,
    );
  }
  return chainId;
}

export function readAbi(
  raw: unknown,
  path: SourcePath,
  about: string,
  links: Links,
): unknown[] | undefined {
  try {
    return parseAbiInput(raw, 'abi') as unknown[];
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    links.problems.push({
      file: links.stack.doc.file,
      line: lineAt(links.stack.doc, path),
      message: `${about}: ${error.message}`,
    });
    return undefined;
  }
}

export function note(links: Links, path: SourcePath, reason: string): void {
  links.plan.notCarried.push({
    file: links.stack.doc.file,
    line: lineAt(links.stack.doc, path),
    reason,
  });
}

export function addressProblem(
  links: Links,
  path: SourcePath,
  about: string,
  address: string,
): void {
  links.problems.push({
    file: links.stack.doc.file,
    line: lineAt(links.stack.doc, path),
    message: `${about}: "${address}" is not a 20-byte 0x address`,
  });
}

export function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

export function ruleId(resourceName: string, key: string): string {
  return stableRuleId(resourceName, `defender\u0000${resourceName}\u0000${key}`);
}

/** The line an operator would open: a mapping key's own line, or a list item's. */
export function lineAt(doc: SourceDocument, path: SourcePath): number {
  const last = path.at(-1);
  return typeof last === 'string' ? doc.keyLineOf(path.slice(0, -1), last) : doc.lineOf(path);
}
