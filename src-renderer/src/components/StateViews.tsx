// The loading, empty and error states every view shows before (or instead of) its data.
import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load:</strong> {message}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

interface LoadableProps {
  /** What is loading, for "Loading chains…". */
  what: string;
  loaded: boolean;
  error: string | null;
  onRetry: () => void;
  /** Shown instead of the children when loaded and there is nothing to show. */
  empty: ReactNode | null;
  children: ReactNode;
}

/** A list's three states before its content: error (only before a first load), loading, empty. */
export function Loadable({ what, loaded, error, onRetry, empty, children }: LoadableProps) {
  if (error && !loaded) return <ErrorState message={error} onRetry={onRetry} />;
  if (!loaded) return <Loading what={what} />;
  return <>{empty ?? children}</>;
}

/** A form's error line, announced to screen readers; nothing when there is no error. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
