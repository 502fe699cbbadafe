// The loading, empty and error states every view shows before (or instead of) its data.
import type { ReactNode } from 'react';
import { hrefFor } from '../route.ts';

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

/** A view about chains before any chain is configured: says so, and leads to the Chains view. */
export function NoChainsYet({ children }: { children: ReactNode }) {
  return (
    <EmptyState
      action={
        <a className="button" href={hrefFor('chains')}>
          Add a chain
        </a>
      }
    >
      {children}
    </EmptyState>
  );
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

/** What a form just did, announced to screen readers; nothing before it did anything. */
export function FormOk({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-ok" role="status">
      {message}
    </p>
  );
}

/** An error under one control or row, announced to screen readers; nothing when there is none. */
export function FieldError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="field-error" role="alert">
      {message}
    </div>
  );
}
