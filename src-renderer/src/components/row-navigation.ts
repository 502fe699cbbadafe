// Arrow-key movement between the rows of a short table whose rows hold buttons (Contracts, alert
// Rules). The rows are one Tab stop (roving focus): arrows, j/k, Home and End move between rows,
// Enter (or Tab) goes into the row's own controls. Not the grid pattern: cell-by-cell movement
// would hide each row's Edit and Remove behind more arrow presses, and would fight the text
// inputs a row holds while it is being edited, whose arrow keys move the caret.
import { useEffect, useRef, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';
import { firstFocusable } from './layer.ts';

/** Where a key moves from row `index`: shared with the virtualized tables (Events, Audit). */
export const ROW_MOVES: Record<string, (index: number, page: number, last: number) => number> = {
  ArrowDown: (index) => index + 1,
  j: (index) => index + 1,
  ArrowUp: (index) => index - 1,
  k: (index) => index - 1,
  Home: () => 0,
  End: (_index, _page, last) => last,
  PageDown: (index, page) => index + page,
  PageUp: (index, page) => index - page,
};

const PAGE = 10;

export interface RowNavigation {
  ref: RefObject<HTMLTableSectionElement | null>;
  onKeyDown: (event: KeyboardEvent<HTMLTableSectionElement>) => void;
  onFocus: (event: FocusEvent<HTMLTableSectionElement>) => void;
}

/** Spread on the table's <tbody>: `<tbody {...useRowNavigation()}>`. */
export function useRowNavigation(): RowNavigation {
  const ref = useRef<HTMLTableSectionElement>(null);
  const active = useRef(0);

  const rows = (): HTMLTableRowElement[] => [...(ref.current?.rows ?? [])];
  const makeTabbable = (index: number): void => {
    const all = rows();
    active.current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, position) => {
      row.tabIndex = position === active.current ? 0 : -1;
      // What the `j`/`k` shortcut looks for to bring focus into the view's table.
      row.dataset.rowIndex = String(position);
    });
  };

  // Rows come and go (added, removed, re-sorted): after every render exactly one is the Tab stop.
  useEffect(() => makeTabbable(active.current));

  return {
    ref,
    onFocus(event) {
      // Focus anywhere in a row (a click on its button too) makes that row the table's Tab stop.
      const row = (event.target as Element).closest('tr');
      const index = row ? rows().indexOf(row) : -1;
      if (index >= 0 && index !== active.current) makeTabbable(index);
    },
    onKeyDown(event) {
      const row = event.target as HTMLElement;
      // Keys inside the row's controls (typing a name, a select's arrows) are theirs.
      if (!(row instanceof HTMLTableRowElement) || event.altKey || event.ctrlKey || event.metaKey)
        return;
      if (event.key === 'Enter') {
        event.preventDefault();
        firstFocusable(row)?.focus();
        return;
      }
      const move = ROW_MOVES[event.key];
      if (!move) return;
      event.preventDefault();
      const all = rows();
      makeTabbable(move(all.indexOf(row), PAGE, all.length - 1));
      all[active.current]?.focus();
    },
  };
}
