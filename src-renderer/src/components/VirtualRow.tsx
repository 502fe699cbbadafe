// One row of a virtualized table (Events, Audit): positioned by the virtualizer, selectable by
// click or by Enter/Space when focused; VirtualTable decides which row is the Tab stop.
import type { ReactNode } from 'react';
import type { RowPlacement } from './VirtualTable.tsx';
import { copyText } from './CopyButton.tsx';
import { announce } from './announce.ts';

interface VirtualRowProps {
  className: string;
  testId: string;
  placement: RowPlacement;
  selected: boolean;
  onSelect: () => void;
  /** The row's accessible name when its cells alone read badly. */
  label?: string;
  /** What `c` copies while the row has focus (a hash, a subject), and what to call it. */
  copy?: { text: string; what: string };
  children: ReactNode;
}

export function VirtualRow({
  className,
  testId,
  placement,
  selected,
  onSelect,
  label,
  copy,
  children,
}: VirtualRowProps) {
  return (
    <div
      className={`${className} event-row${selected ? ' selected' : ''}`}
      role="row"
      data-testid={testId}
      data-row-index={placement.index}
      aria-rowindex={placement.index + 2}
      aria-selected={selected}
      aria-label={label}
      title={copy ? `Enter opens it; c copies the ${copy.what}` : undefined}
      tabIndex={placement.tabbable ? 0 : -1}
      style={{ transform: `translateY(${placement.top}px)` }}
      onClick={onSelect}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        } else if (event.key === 'c' && copy && !event.ctrlKey && !event.metaKey) {
          event.preventDefault();
          void copyText(copy.text).then(() => announce(`Copied the ${copy.what}.`));
        }
      }}
    >
      {children}
    </div>
  );
}
