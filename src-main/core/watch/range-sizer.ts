// Adaptive eth_getLogs block ranges: shrink when a provider refuses a range (too many
// results, response too large, timeout), grow again while requests come back fast and small.

export interface RangeSizerOptions {
  initial?: number;
  min?: number;
  max?: number;
  /** A request slower than this shrinks the next range. */
  slowMs?: number;
  /** A request faster than this, with fewer logs than growBelowLogs, grows the next range. */
  fastMs?: number;
  growBelowLogs?: number;
}

export interface RangeSizer {
  readonly size: number;
  succeeded(logCount: number, milliseconds: number): void;
  /** The provider refused the range; hintedSize is a range the provider suggested, if any. */
  refused(hintedSize?: number): void;
}

export function createRangeSizer(options: RangeSizerOptions = {}): RangeSizer {
  const min = options.min ?? 1;
  const max = options.max ?? 50_000;
  const slowMs = options.slowMs ?? 4_000;
  const fastMs = options.fastMs ?? 1_000;
  const growBelowLogs = options.growBelowLogs ?? 5_000;
  let size = Math.min(max, Math.max(min, options.initial ?? 2_000));
  const clamp = (value: number): number => Math.min(max, Math.max(min, Math.floor(value)));
  return {
    get size() {
      return size;
    },
    succeeded(logCount, milliseconds) {
      if (milliseconds > slowMs) size = clamp(size / 2);
      else if (milliseconds < fastMs && logCount < growBelowLogs) size = clamp(size * 2);
    },
    refused(hintedSize) {
      size =
        hintedSize !== undefined && hintedSize >= min && hintedSize < size
          ? clamp(hintedSize)
          : clamp(size / 4);
    },
  };
}

/** Some providers name the range they would accept, e.g. "try with this block range [0x1, 0x3e8]". */
export function hintedRangeSize(errorMessage: string): number | undefined {
  const match = /\[(0x[0-9a-f]+),\s*(0x[0-9a-f]+)\]/i.exec(errorMessage);
  if (!match) return undefined;
  const size = Number.parseInt(match[2]!, 16) - Number.parseInt(match[1]!, 16) + 1;
  return size > 0 ? size : undefined;
}
