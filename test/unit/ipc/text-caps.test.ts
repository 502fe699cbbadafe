// Every string a request can bring is capped at the boundary, and the error says the limit: names,
// notes, reasons and file names are stored, shown and exported, so none may grow without bound.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { requests } from '../../../src-main/ipc/contract.ts';

interface Node {
  _zod?: { def: Record<string, unknown> & { type: string } };
  maxLength?: number | null;
}

/** The paths of strings without a maximum length inside a schema. */
function uncappedStrings(schema: unknown, path: string, seen = new Set<unknown>()): string[] {
  const node = schema as Node;
  if (!node?._zod || seen.has(schema)) return [];
  seen.add(schema);
  const def = node._zod.def;
  const inner = (child: unknown, at = path): string[] => uncappedStrings(child, at, seen);
  switch (def.type) {
    case 'string':
      return node.maxLength == null ? [path] : [];
    case 'object':
      return [
        ...Object.entries(def['shape'] as Record<string, unknown>).flatMap(([key, child]) =>
          inner(child, `${path}.${key}`),
        ),
        ...inner(def['catchall'], `${path}.*`),
      ];
    case 'array':
      return inner(def['element'], `${path}[]`);
    case 'record':
      return [...inner(def['keyType'], `${path}{key}`), ...inner(def['valueType'], `${path}{}`)];
    case 'union':
      return (def['options'] as unknown[]).flatMap((option, index) =>
        inner(option, `${path}|${index}`),
      );
    case 'intersection':
      return [...inner(def['left']), ...inner(def['right'])];
    case 'pipe':
      return inner(def['in']);
    case 'lazy':
      return inner((def['getter'] as () => unknown)());
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def['innerType']);
    default:
      return [];
  }
}

describe('request strings', () => {
  it('all have a maximum length', () => {
    const uncapped = Object.entries(requests).flatMap(([name, { input }]) =>
      uncappedStrings(input, name),
    );
    expect(uncapped).toEqual([]);
  });

  it.each([
    ['contracts.update', 'name', 80, { id: 'x', name: 'n'.repeat(81) }],
    ['workspace.import', 'fileName', 255, { yaml: '', fileName: `${'f'.repeat(300)}.yaml` }],
    ['txs.reject', 'reason', 500, { id: 1, reason: 'r'.repeat(501) }],
    [
      'txs.propose',
      'note',
      500,
      { chainId: 1, from: `0x${'1'.repeat(40)}`, to: `0x${'2'.repeat(40)}`, note: 'n'.repeat(600) },
    ],
  ] as const)('%s refuses a long %s with the limit and the length', (name, field, max, input) => {
    const parsed = (requests[name].input as z.ZodType).safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((candidate) => candidate.path[0] === field);
    expect(issue?.message).toMatch(
      new RegExp(`^must be at most ${max} characters \\(this one has \\d+\\)$`),
    );
  });
});
