// A Kwala workflow file read into its sections, keys matched without regard to case (Kwala's own
// files mix `TriggerChainID` and `triggerChainID`), each value keeping the path its line is
// found by. Wrong types are problems; keys the importer does not know are listed, not refused.
import type { ImportPlan, ImportProblem } from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';

export interface KwalaValue {
  value: unknown;
  /** The path as written in the file (original case), for lineOf. */
  path: SourcePath;
}

/** A mapping of the file, its keys lowercased. */
export class KwalaSection {
  constructor(
    readonly doc: SourceDocument,
    readonly path: SourcePath,
    private readonly entries: Map<string, KwalaValue & { key: string }>,
  ) {}

  get(key: string): KwalaValue | undefined {
    return this.entries.get(key.toLowerCase());
  }

  /** The keys (as written) not in the list of known ones. */
  unknownKeys(known: readonly string[]): string[] {
    const knownLower = new Set(known.map((key) => key.toLowerCase()));
    return [...this.entries.entries()]
      .filter(([lower]) => !knownLower.has(lower))
      .map(([, entry]) => entry.key);
  }

  lineOf(key?: string): number {
    const entry = key === undefined ? undefined : this.get(key);
    return this.doc.lineOf(entry?.path ?? this.path);
  }

  keyLineOf(key: string): number {
    return this.doc.keyLineOf(this.path, this.entries.get(key.toLowerCase())?.key ?? key);
  }
}

/** The mapping at a path, or undefined with a problem when it is something else. */
export function sectionAt(
  doc: SourceDocument,
  path: SourcePath,
  value: unknown,
  what: string,
  problems: ImportProblem[],
): KwalaSection | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(path),
      message: `${what} must be a mapping of keys to values, not ${describe(value)}`,
    });
    return undefined;
  }
  const entries = new Map<string, KwalaValue & { key: string }>();
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    const earlier = entries.get(lower);
    if (earlier) {
      problems.push({
        file: doc.file,
        line: doc.keyLineOf(path, key),
        message: `${what}: "${key}" repeats "${earlier.key}" (Kwala reads keys without regard to case)`,
      });
      continue;
    }
    entries.set(lower, { key, value: entry, path: [...path, key] });
  }
  return new KwalaSection(doc, path, entries);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Something of the file that Vigil will not have, at the line of a key of a section. */
export function note(
  section: KwalaSection,
  key: string | undefined,
  reason: string,
  plan: ImportPlan,
): void {
  plan.notCarried.push({ file: section.doc.file, line: section.lineOf(key), reason });
}
