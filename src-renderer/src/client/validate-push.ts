// Dev builds check every push against the contract's schema, so a drifting server shows up in
// the console at once. Production skips it: pushes can carry thousands of rows a second.
import { pushes, type PushName } from '@contract';

export function validatePushInDev(name: PushName, payload: unknown): void {
  if (!import.meta.env.DEV) return;
  const schema = pushes[name];
  if (!schema) {
    console.warn(`vigil: push "${name}" is not in the contract`);
    return;
  }
  const result = schema.safeParse(payload);
  if (!result.success)
    console.warn(`vigil: push "${name}" does not match the contract`, result.error.issues);
}
