// A table that stays smooth at 100k+ rows: a header row, a scroll area that renders only the rows
// in view (TanStack Virtual), an empty state, and a footer (paging, counts). Events and Audit use it.
import { Fragment, useRef, type ReactNode, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { EmptyState } from './StateViews.tsx';

interface VirtualTableProps<Item> {
  label: string;
  /** aria-rowcount: all rows there are, not only those loaded. */
  rowCount: number;
  items: readonly Item[];
  itemKey: (item: Item) => string | number;
  rowHeight: number;
  /** The grid class shared by the header and the rows (column widths). */
  gridClassName: string;
  columns: readonly string[];
  /** Shown in the scroll area when there are no items. */
  empty: ReactNode;
  /** One row, positioned `top` pixels down the scroll area. */
  renderRow: (item: Item, top: number) => ReactNode;
  footer: ReactNode;
  /** The scroll area, for a caller that keeps the reading position as rows arrive. */
  scrollRef?: RefObject<HTMLDivElement | null>;
}

export function VirtualTable<Item>(props: VirtualTableProps<Item>) {
  const { items, itemKey, rowHeight, gridClassName } = props;
  const ownScrollRef = useRef<HTMLDivElement>(null);
  const scrollRef = props.scrollRef ?? ownScrollRef;
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    getItemKey: (index) => itemKey(items[index]!),
  });
  return (
    <div
      className="event-table"
      role="table"
      aria-label={props.label}
      aria-rowcount={props.rowCount}
    >
      <div className={`${gridClassName} event-head`} role="row">
        {props.columns.map((column) => (
          <span key={column} role="columnheader">
            {column}
          </span>
        ))}
      </div>
      <div className="event-scroll" ref={scrollRef} role="rowgroup">
        {items.length === 0 ? (
          <EmptyState>{props.empty}</EmptyState>
        ) : (
          <div className="event-spacer" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => (
              <Fragment key={row.key}>{props.renderRow(items[row.index]!, row.start)}</Fragment>
            ))}
          </div>
        )}
      </div>
      <div className="event-foot">{props.footer}</div>
    </div>
  );
}
