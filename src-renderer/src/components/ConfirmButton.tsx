// A destructive button that asks again inline instead of with a blocking window.confirm. Focus
// follows: to the confirming button when it asks, back to the first button on Cancel or Escape,
// and after the item is gone, to the next item of its list (not to the page body).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { focusAfterRemoval } from './layer.ts';

interface ConfirmButtonProps {
  label: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  children: ReactNode;
}

export function ConfirmButton({ label, confirmLabel, onConfirm, children }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (asked.current) askRef.current?.focus();
    asked.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={askRef}
        type="button"
        className="button-danger-quiet"
        aria-label={label}
        onClick={() => setAsking(true)}
      >
        {children}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        setAsking(false);
      }}
    >
      <button
        ref={confirmRef}
        type="button"
        className="button-danger"
        disabled={busy}
        onClick={(event) => {
          const item = event.currentTarget.closest('tr, li');
          if (item) focusAfterRemoval(item);
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
