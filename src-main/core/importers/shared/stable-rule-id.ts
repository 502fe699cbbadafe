// Ids for the rules and schedules an import adds, stable across imports: importing the same files
// again finds them and adds nothing. They must not change between Vigil versions either, or a
// re-import after an upgrade would add everything twice; each format keeps the hashed text it
// has always used.
import { createHash } from 'node:crypto';
import { ruleSlug } from '../../rule-syntax/index.ts';

/** `<slug of name>-<8 hex digits of sha256(hashed)>`: readable, and unique per `hashed`. */
export function stableRuleId(name: string, hashed: string): string {
  const hash = createHash('sha256').update(hashed).digest('hex').slice(0, 8);
  return `${ruleSlug(name).slice(0, 40).replace(/-+$/, '')}-${hash}`;
}
