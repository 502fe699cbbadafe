// A labelled form field with its hint and error underneath, wired for screen readers: the
// control (the one child) gets aria-describedby pointing at the hint and the error, and
// aria-invalid while there is an error, so every form gets both without repeating them.
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';

interface FieldProps {
  id: string;
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: ReactNode;
}

type Describable = ReactElement<{ 'aria-describedby'?: string; 'aria-invalid'?: boolean }>;

export function Field({ id, label, error, hint, children }: FieldProps) {
  const hintId = hint && !error ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children as Describable, {
        'aria-describedby':
          [(children as Describable).props['aria-describedby'], describedBy]
            .filter(Boolean)
            .join(' ') || undefined,
        'aria-invalid': Boolean(error) || undefined,
      })
    : children;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hintId && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {errorId && (
        <div className="field-error" id={errorId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
