// Small numeric helpers for the printout.

/** Nearest-rank percentile of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

export const formatInt = (value: number): string => Math.round(value).toLocaleString('en-US');
export const formatMs = (value: number): string =>
  Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a';
export const formatMb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
