// One labelled value in a detail pane, with a copy button when there is text worth copying.
import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton.tsx';

interface DetailItemProps {
  label: string;
  /** The exact text the copy button copies; no button when omitted. */
  copy?: string;
  /** Classes of the value (e.g. "mono break" for hashes). */
  className?: string;
  children: ReactNode;
}

export function DetailItem({ label, copy, className, children }: DetailItemProps) {
  return (
    <div className="detail-item">
      <dt>
        <span>{label}</span>
        {copy !== undefined && <CopyButton text={copy} />}
      </dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}
