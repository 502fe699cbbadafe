import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

/** A fresh directory under the system temp folder (or `parent`); remove() deletes it. */
export function makeTempDir(
  prefix = 'vigil-test-',
  parent = tmpdir(),
): { path: string; remove(): void } {
  const path = mkdtempSync(join(parent, prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

type Fields = Record<string, unknown> | undefined;

/** `messages` holds `level: message`; `records` the same with the fields, for leak searches. */
export const silentLogger = {
  messages: [] as string[],
  records: [] as string[],
  record(level: string, message: string, fields: Fields) {
    this.messages.push(`${level}: ${message}`);
    this.records.push(`${level}: ${message}${fields ? ` ${inspect(fields, { depth: 8 })}` : ''}`);
  },
  info(message: string, fields?: Fields) {
    this.record('info', message, fields);
  },
  warn(message: string, fields?: Fields) {
    this.record('warn', message, fields);
  },
  error(message: string, fields?: Fields) {
    this.record('error', message, fields);
  },
};

export function makeLogger(): typeof silentLogger {
  return { ...silentLogger, messages: [], records: [] };
}
