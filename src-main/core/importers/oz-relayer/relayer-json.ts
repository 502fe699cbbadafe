// OZ Relayer's JSON files read with their lines, integers kept exact: balances are wei (u128 in
// the relayer), beyond what a JavaScript number holds.
import { parseDocument } from 'yaml';
import type { ImportFile, ImportProblem } from '../import-plan.ts';
import { readSourceDocument, type SourceDocument } from '../source-document.ts';

export function readRelayerJson(
  file: ImportFile,
  problems: ImportProblem[],
): SourceDocument | undefined {
  const doc = readSourceDocument(file, 'json', problems);
  if (!doc) return undefined;
  return { ...doc, value: parseDocument(file.text, { intAsBigInt: true }).toJS() };
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "a list", "text \"x\"", "number 3": what a value is, for a message. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `number ${value}`;
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}
