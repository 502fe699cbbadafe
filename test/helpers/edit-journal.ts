// Plays someone with access to the data directory who edits the operator journal: changes one
// line's JSON and recomputes the line's checksum (the first 16 hex digits of the SHA-256 of the
// JSON, see store/journal.ts), so the line reads as intact and only the audit chain can tell.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Rewrites the journal line for which `edit` returns a value; returns how many it rewrote. */
export function editJournal(
  dataDir: string,
  edit: (entry: Record<string, unknown>) => Record<string, unknown> | undefined,
): number {
  const path = join(dataDir, 'journal.ndjson');
  let edited = 0;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => {
      if (line === '') return line;
      const json = line.slice(line.indexOf(' ') + 1);
      const replacement = edit(JSON.parse(json) as Record<string, unknown>);
      if (replacement === undefined) return line;
      edited++;
      const text = JSON.stringify(replacement);
      return `${createHash('sha256').update(text).digest('hex').slice(0, 16)} ${text}`;
    });
  writeFileSync(path, lines.join('\n'));
  return edited;
}
