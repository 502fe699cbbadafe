// A progress bar with its percentage and, in muted text, what it counts: "42% (1,200 / 2,857 blocks)".
import type { ReactNode } from 'react';
import { percent } from '../format.ts';

interface ProgressBarProps {
  /** The bar's accessible name: "Backfill 42%", "Export progress". */
  label: string;
  /** 0 to 1. */
  fraction: number;
  /** What is counted, shown after the percentage in brackets. */
  detail: ReactNode;
}

export function ProgressBar({ label, fraction, detail }: ProgressBarProps) {
  return (
    <div className="progress-row">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="progress-fill" style={{ width: `${Math.min(100, fraction * 100)}%` }} />
      </div>
      <span className="progress-text">
        {percent(fraction)} <span className="muted">({detail})</span>
      </span>
    </div>
  );
}
