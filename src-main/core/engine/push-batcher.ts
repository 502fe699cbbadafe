// Pushes go out a few times a second, each carrying many rows, so a chain backfilling tens of
// thousands of events per second does not flood the renderer. Only the newest rows are kept
// between flushes: the live view is a bounded window and older rows are paged from the store.
import type { PushListener } from '../ports/index.ts';
import type { EventRow } from '../../ipc/contract.ts';

export interface PushBatcherOptions {
  intervalMs?: number;
  maxRowsPerFlush?: number;
}

export interface PushBatcher {
  addRows(rows: readonly EventRow[]): void;
  flush(): void;
  stop(): void;
}

export function createPushBatcher(
  push: PushListener,
  options: PushBatcherOptions = {},
): PushBatcher {
  const maxRows = options.maxRowsPerFlush ?? 1_000;
  let pending: EventRow[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    push('events.batch', { rows });
  };
  const timer = setInterval(flush, options.intervalMs ?? 250);
  return {
    addRows(rows) {
      for (const row of rows) pending.push(row);
      if (pending.length > maxRows) pending = pending.slice(pending.length - maxRows);
    },
    flush,
    stop() {
      clearInterval(timer);
    },
  };
}
