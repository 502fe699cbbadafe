// Display helpers. Amounts arrive as decimal strings and stay strings: grouping digits is done
// on the text, so a uint256 never passes through Number.
import { isAddress } from './abi-text.ts';

/** "1234567" → "1,234,567"; leaves anything that is not a plain integer alone. */
export function groupDigits(value: string): string {
  const match = /^(-?)(\d+)$/.exec(value);
  if (!match) return value;
  const [, sign, digits] = match;
  return sign + digits!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : groupDigits(String(value));
}

/** 0xabcdef…1234: every shortened address and hash in the console. */
export function shortHex(value: string, keep = 6): string {
  return value.length <= keep * 2 + 4
    ? value
    : `${value.slice(0, keep + 2)}…${value.slice(-keep + 2)}`;
}

/** A decoded argument as one line of text: strings/numbers as is, structures as JSON. */
export function argText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  return JSON.stringify(value);
}

/** The same, with digit grouping for integers, for reading rather than copying. */
export function argDisplay(value: unknown): string {
  return typeof value === 'string' ? groupDigits(value) : argText(value);
}

/**
 * ChainStatus.eventsPerMinute buckets carry a `minute`; accept epoch minutes, seconds or
 * milliseconds and return milliseconds.
 */
export function minuteToMs(minute: number): number {
  if (minute < 1e8) return minute * 60_000;
  if (minute < 1e11) return minute * 1000;
  return minute;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Unix milliseconds as "2026-12-06 09:00:00" in local time: the one way every view shows a
 * moment (with its UTC form on hover, see the Time component). Sortable and unambiguous.
 */
export function localTime(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The same moment in UTC: "2026-12-06 06:00:00 UTC". */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "just now", "45 s ago", "12 min ago", "3 h ago", then the date: for live tables and feeds. */
export function relativeTime(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return localTime(ms).slice(0, 10);
}

/** Hours and minutes only: chart axes, where the date is in the chart's range. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function percent(progress: number): string {
  const value = Math.max(0, Math.min(1, progress)) * 100;
  return `${value >= 99.95 && value < 100 ? '99.9' : value.toFixed(value < 10 ? 1 : 0)}%`;
}

/** With seconds, for series sampled every few seconds. */
export function clockTimeWithSeconds(ms: number): string {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** 2.1 s, 45 s, 3 min 20 s, 1 h 5 min */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** 0.125 → "12.5%"; for rates that are usually small. */
export function rate(fraction: number): string {
  const value = fraction * 100;
  return `${value === 0 ? '0' : value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}

/** The name Vigil knows an address by (a watched contract, a signer), if any. */
export type AddressNamer = (address: string) => string | undefined;

/**
 * A decoded argument for reading in a line of others: addresses by their known name or
 * shortened, integers grouped.
 */
export function argBrief(value: unknown, keep?: number, nameOf?: AddressNamer): string {
  if (typeof value === 'string' && isAddress(value))
    return nameOf?.(value) ?? shortHex(value, keep);
  return argDisplay(value);
}

/** Decoded arguments on one line: `to=Treasury, value=5,000,000`, other addresses shortened. */
export function argsSummary(args: Record<string, unknown> | null, nameOf?: AddressNamer): string {
  return Object.entries(args ?? {})
    .map(([name, value]) => `${name}=${argBrief(value, undefined, nameOf)}`)
    .join(', ');
}

const byteUnits = ['kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** 512 → "512 B", 1_234_567 → "1.23 MB": decimal units, three significant digits. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const next of byteUnits) {
    // 999.7 kB would print as "1.00e+3 kB": it is 1.00 MB.
    if (value < 999.5) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toPrecision(3)} ${unit}`;
}
