// A table that stays smooth at 100k+ rows: a header row, a scroll area that renders only the rows
// in view (TanStack Virtual), an empty state, and a footer (paging, counts). Events and Audit use it.
// The rows are one Tab stop: arrow keys (and j/k, Home/End, Page Up/Down) move between them
// (roving focus), Enter or Space selects. The footer sits outside the table's role, so its
// buttons are not taken for cells.
import {
  Fragment,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { EmptyState } from './StateViews.tsx';
import { ROW_MOVES } from './row-navigation.ts';

/** Where one rendered row sits and whether it holds the table's Tab stop. */
export interface RowPlacement {
  /** Offset from the top of the table's spacer, from the virtualizer. */
  top: number;
  index: number;
  tabbable: boolean;
}

interface VirtualTableProps<Item> {
  label: string;
  /** aria-rowcount: all rows there are, not only those loaded. */
  rowCount: number;
  items: readonly Item[];
  itemKey: (item: Item) => string | number;
  rowHeight: number;
  /** The grid class shared by the header and the rows (column widths). */
  gridClassName: string;
  /** Column names; a column's class (for dropping it at narrow widths) after a `|`. */
  columns: readonly string[];
  /** Shown in the scroll area when there are no items. */
  empty: ReactNode;
  renderRow: (item: Item, placement: RowPlacement) => ReactNode;
  footer: ReactNode;
  /** The scroll area, for a caller that keeps the reading position as rows arrive. */
  scrollRef?: RefObject<HTMLDivElement | null>;
}

export function VirtualTable<Item>(props: VirtualTableProps<Item>) {
  const { items, itemKey, rowHeight, gridClassName } = props;
  const ownScrollRef = useRef<HTMLDivElement>(null);
  const scrollRef = props.scrollRef ?? ownScrollRef;
  const [activeKey, setActiveKey] = useState<string | number | null>(null);
  const pendingFocus = useRef<number | null>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    getItemKey: (index) => itemKey(items[index]!),
  });
  const virtualRows = virtualizer.getVirtualItems();
  // Exactly one row is a Tab stop: the active one while it is rendered, else the first in view.
  const tabbableKey = virtualRows.some((row) => row.key === activeKey)
    ? activeKey
    : (virtualRows[0]?.key ?? null);

  // A row scrolled into view by a key press is rendered a frame or two later: focus it then.
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    let frames = 0;
    const tryFocus = (): void => {
      const row = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${index}"]`);
      if (row) {
        pendingFocus.current = null;
        row.focus({ preventScroll: true });
      } else if (frames++ < 10) requestAnimationFrame(tryFocus);
    };
    tryFocus();
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const move = ROW_MOVES[event.key];
    const from = (event.target as HTMLElement).dataset.rowIndex;
    if (!move || from === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight) - 1,
    );
    const next = Math.max(
      0,
      Math.min(items.length - 1, move(Number(from), page, items.length - 1)),
    );
    setActiveKey(itemKey(items[next]!));
    pendingFocus.current = next;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="event-table">
      <div
        role="table"
        aria-label={props.label}
        aria-rowcount={props.rowCount + 1}
        className="event-table-body"
      >
        <div role="rowgroup">
          <div className={`${gridClassName} event-head`} role="row" aria-rowindex={1}>
            {props.columns.map((column) => {
              const [name, className] = column.split('|');
              return (
                <span key={name} role="columnheader" className={className}>
                  {name}
                </span>
              );
            })}
          </div>
        </div>
        <div
          className="event-scroll"
          ref={scrollRef}
          role="rowgroup"
          onKeyDown={onKeyDown}
          onFocus={(event) => {
            const index = (event.target as HTMLElement).dataset.rowIndex;
            if (index !== undefined && items[Number(index)] !== undefined)
              setActiveKey(itemKey(items[Number(index)]!));
          }}
        >
          {items.length === 0 ? (
            <EmptyState>{props.empty}</EmptyState>
          ) : (
            <div className="event-spacer" style={{ height: virtualizer.getTotalSize() }}>
              {virtualRows.map((row) => (
                <Fragment key={row.key}>
                  {props.renderRow(items[row.index]!, {
                    top: row.start,
                    index: row.index,
                    tabbable: row.key === tabbableKey,
                  })}
                </Fragment>
              ))}
            </div>
          )}
        </div>
      </div>
      <div className="event-foot">{props.footer}</div>
    </div>
  );
}
