// One row of a virtualized table (Events, Audit): positioned by the virtualizer, selectable by
// click or by Enter/Space when focused.
import type { ReactNode } from 'react';

interface VirtualRowProps {
  className: string;
  testId: string;
  /** Offset from the top of the table's spacer, from the virtualizer. */
  top: number;
  selected: boolean;
  onSelect: () => void;
  children: ReactNode;
}

export function VirtualRow({
  className,
  testId,
  top,
  selected,
  onSelect,
  children,
}: VirtualRowProps) {
  return (
    <div
      className={`${className} event-row${selected ? ' selected' : ''}`}
      role="row"
      data-testid={testId}
      aria-selected={selected}
      tabIndex={0}
      style={{ transform: `translateY(${top}px)` }}
      onClick={onSelect}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        }
      }}
    >
      {children}
    </div>
  );
}
