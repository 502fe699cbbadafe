// A wide table in a narrow view scrolls sideways inside its card instead of running off the
// right edge. The scroll area takes focus, so keyboard users can scroll it too (WCAG 2.1.1).
import type { ReactNode } from 'react';

export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
