// The pane beside a table that shows the selected row in full, with its title and a close button.
import type { ReactNode } from 'react';

interface DetailPaneProps {
  /** The pane's accessible name: "Event detail", "Audit entry detail". */
  label: string;
  title: ReactNode;
  /** Shown after the title: a status badge, a sequence number. */
  aside?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}

export function DetailPane({ label, title, aside, onClose, children }: DetailPaneProps) {
  return (
    <aside className="event-detail card" aria-label={label}>
      <header className="card-header">
        <h2>{title}</h2>
        {aside}
        <button
          type="button"
          className="button-small close"
          onClick={onClose}
          aria-label="Close detail"
        >
          ✕
        </button>
      </header>
      {children}
    </aside>
  );
}
