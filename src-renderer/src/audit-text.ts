// How audit entries read in the Audit view: where a subject links to, a one-line summary of the
// details, and a check result in words. Pure functions, so they are tested without a browser.
import type { AuditVerification } from '@contract';

export interface SubjectLink {
  href: string;
  /** What the link opens, for its title. */
  label: string;
}

/**
 * The view an entry's subject is about: `tx:7` → the transaction, `rule:3` → the alert rule,
 * `chain:1` → the chains, `contract:1:0xab…` → the contracts. Subjects with no view (`app`,
 * `audit`) have no link.
 */
export function subjectLink(subject: string): SubjectLink | null {
  const colon = subject.indexOf(':');
  if (colon < 0) return null;
  const kind = subject.slice(0, colon);
  const id = encodeURIComponent(subject.slice(colon + 1));
  switch (kind) {
    case 'tx':
      return { href: `#/transactions?id=${id}`, label: 'Open the transaction' };
    case 'rule':
      return { href: `#/alerts?rule=${id}`, label: 'Open the alert rule' };
    case 'firing':
      return { href: `#/alerts?firing=${id}`, label: 'Open the alert' };
    case 'signer':
      return { href: `#/signers?address=${id}`, label: 'Open the signer' };
    case 'chain':
      return { href: `#/chains?chainId=${id}`, label: 'Open the chain' };
    case 'contract':
      return { href: `#/contracts?id=${id}`, label: 'Open the contract' };
    case 'workspace':
      return { href: '#/workspace', label: 'Open the workspace' };
    default:
      return null;
  }
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.length}]`;
  return '{…}';
}

/**
 * The details in one line: what changed for a `*.changed` entry (`name: a → b`), otherwise the
 * first few fields as `key=value`.
 */
export function detailsSummary(details: Record<string, unknown>): string {
  const changes = details['changes'];
  if (changes && typeof changes === 'object' && !Array.isArray(changes)) {
    return Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>)
      .map(([field, change]) => `${field}: ${valueText(change?.from)} → ${valueText(change?.to)}`)
      .join('; ');
  }
  // A Safe signature that came from outside says whose it is and how it came first.
  const importedFrom = details['importedFrom'];
  if (typeof importedFrom === 'string') {
    const source = typeof details['source'] === 'string' ? details['source'] : 'imported';
    const file = typeof details['file'] === 'string' ? ` (${details['file']})` : '';
    return `signature imported from ${importedFrom} — ${source}${file}  safeTxHash=${valueText(details['safeTxHash'])}`;
  }
  return Object.entries(details)
    .slice(0, 4)
    .map(([key, value]) => `${key}=${valueText(value)}`)
    .join('  ');
}

/** "intact: N entries, seq A..B, head H" or "broken: kind at line L (seq S)". */
export function verificationHeadline(verification: AuditVerification, unit = 'line'): string {
  if (verification.intact) {
    return verification.count === 0
      ? 'Intact: no entries.'
      : `Intact: ${verification.count.toLocaleString('en-US')} entries, seq ${verification.firstSeq}..${verification.lastSeq}, head ${verification.headHash}`;
  }
  return `Broken: ${verification.kind} at ${unit} ${verification.atPosition} (seq ${verification.atSeq})`;
}

/** A datetime-local input's value (local time) as Unix milliseconds, or undefined if empty. */
export function localInputToMs(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** The one timestamp format of the console; kept here under its old name for the audit text. */
export { localTime } from './format.ts';
