// Editing a table row in place (a chain's name and RPC URLs, a contract's name): Edit turns the
// row's cells into inputs, Save sends one update request, and the server's refusal stays under
// the buttons until the operator fixes it or cancels.
import { useState, type ReactNode } from 'react';
import type { Envelope } from '@contract';
import { useConfig } from '../stores/config.ts';

export interface RowEdit {
  editing: boolean;
  busy: boolean;
  error: string | null;
  start(): void;
  cancel(): void;
  /** Sends the update; leaves edit mode and reloads the lists when it is accepted. */
  save(send: () => Promise<Envelope<unknown>>): Promise<void>;
}

/** `onStart` resets the inputs to the row's current values each time editing starts. */
export function useRowEdit(onStart: () => void): RowEdit {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    editing,
    busy,
    error,
    start: () => {
      onStart();
      setEditing(true);
    },
    cancel: () => {
      setEditing(false);
      setError(null);
    },
    async save(send) {
      setBusy(true);
      const answer = await send();
      setBusy(false);
      if (!answer.ok) return setError(answer.error.message);
      setError(null);
      setEditing(false);
      void useConfig.getState().load();
    },
  };
}

/** Save and Cancel while editing; otherwise the Edit button and the row's other actions. */
export function RowEditActions({
  edit,
  what,
  onSave,
  children,
}: {
  edit: RowEdit;
  /** What is edited, for the buttons' accessible names: "Anvil". */
  what: string;
  onSave: () => void;
  children?: ReactNode;
}) {
  if (!edit.editing) {
    return (
      <>
        <button
          type="button"
          className="button-small"
          aria-label={`Edit ${what}`}
          onClick={edit.start}
        >
          Edit
        </button>{' '}
        {children}
      </>
    );
  }
  return (
    <>
      <button
        type="button"
        className="button-small button-primary"
        onClick={onSave}
        disabled={edit.busy}
      >
        {edit.busy ? 'Saving…' : 'Save'}
      </button>{' '}
      <button type="button" className="button-small" onClick={edit.cancel} disabled={edit.busy}>
        Cancel
      </button>
      {edit.error && (
        <div className="field-error row-edit-error" role="alert">
          {edit.error}
        </div>
      )}
    </>
  );
}
