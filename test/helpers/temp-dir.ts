import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system temp folder; remove() deletes it. */
export function makeTempDir(prefix = 'vigil-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const silentLogger = {
  messages: [] as string[],
  info(message: string) {
    this.messages.push(`info: ${message}`);
  },
  warn(message: string) {
    this.messages.push(`warn: ${message}`);
  },
  error(message: string) {
    this.messages.push(`error: ${message}`);
  },
};

export function makeLogger(): typeof silentLogger {
  return { ...silentLogger, messages: [] };
}
