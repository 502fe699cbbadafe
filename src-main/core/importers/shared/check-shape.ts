// A source file's value checked against the strict schema of its format, each issue reported at
// the line an operator would open: an unknown key at the key's own line, anything else at its
// value's.
import type { z } from 'zod';
import type { ImportProblem } from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';

/**
 * The value at `path` of `root` (the document's value, or that value after a format resolved
 * its variables), parsed by `schema`; undefined with the problems recorded when it does not fit.
 */
export function checkShape<T>(
  doc: SourceDocument,
  root: unknown,
  path: SourcePath,
  schema: z.ZodType<T>,
  problems: ImportProblem[],
): T | undefined {
  const result = schema.safeParse(valueAt(root, path));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at = [...path, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys)
        problems.push({
          file: doc.file,
          line: doc.keyLineOf(at, key),
          message: `${describePath(at)}unknown key "${key}"`,
        });
    else
      problems.push({
        file: doc.file,
        line: doc.lineOf(at),
        message: `${describePath(at)}${valueAt(root, at) === undefined ? 'is required' : issue.message}`,
      });
  }
  return undefined;
}

export function valueAt(value: unknown, path: SourcePath): unknown {
  let node = value;
  for (const segment of path)
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
}

/** `monitors.large.addresses[0]: `, or nothing for the file's top. */
function describePath(path: SourcePath): string {
  if (path.length === 0) return '';
  return `${path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '')}: `;
}
