// The pane beside a table that shows the selected row in full, with its title and a close button.
// Wide enough, it sits beside the table (which drops its least important columns to make room);
// narrower, it becomes a drawer over the table with a backdrop, closed by ✕, Escape or a click
// outside, with the rest of the page inert while it is open. Either way focus moves to its
// heading when it opens and back to the opener on close.
import { useRef, type ReactNode } from 'react';
import { useInertWhileDrawer, useLayer } from './layer.ts';

interface DetailPaneProps {
  /** The pane's accessible name: "Event detail", "Audit entry detail". */
  label: string;
  title: ReactNode;
  /** Shown after the title: a status badge, a sequence number. */
  aside?: ReactNode;
  onClose: () => void;
  /** What the pane shows now: focus moves to the heading again when it changes. */
  itemKey?: unknown;
  /** Where focus goes on open: the heading (reading) or the first control (a form). */
  focus?: 'heading' | 'first-control';
  /** The close button's accessible name. */
  closeLabel?: string;
  className?: string;
  children: ReactNode;
}

export function DetailPane({
  label,
  title,
  aside,
  onClose,
  itemKey,
  focus = 'heading',
  closeLabel = 'Close detail',
  className = '',
  children,
}: DetailPaneProps) {
  const ref = useRef<HTMLElement>(null);
  const backdropRef = useRef<HTMLDivElement>(null);
  useLayer(ref, { onClose, focus }, itemKey);
  useInertWhileDrawer(ref, backdropRef);
  return (
    <>
      <div ref={backdropRef} className="drawer-backdrop" aria-hidden="true" onClick={onClose} />
      <aside ref={ref} className={`detail-pane card ${className}`} aria-label={label}>
        <header className="card-header">
          <h2 tabIndex={-1}>{title}</h2>
          {aside}
          <button
            type="button"
            className="button-small close"
            onClick={onClose}
            aria-label={closeLabel}
            title={`${closeLabel} (Escape)`}
          >
            ✕
          </button>
        </header>
        {children}
      </aside>
    </>
  );
}
