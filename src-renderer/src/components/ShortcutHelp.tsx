// The `?` overlay: every keyboard shortcut on one page. A native <dialog>: modal, Escape closes
// it and the browser gives focus back to what had it.
import { useEffect, useRef } from 'react';
import { goKeys } from '../shortcuts.ts';

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="help-dialog"
      aria-labelledby="shortcut-help-title"
      onClose={onClose}
    >
      <header className="card-header">
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <button type="button" className="button-small close" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <dl className="shortcut-list">
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>This list</dd>
        <dt>
          <kbd>/</kbd>
        </dt>
        <dd>Search or filter the current view</dd>
        <dt>
          <kbd>j</kbd> <kbd>k</kbd> · <kbd>↓</kbd> <kbd>↑</kbd>
        </dt>
        <dd>Next / previous row in a table (Home, End, Page Up, Page Down too)</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>Open the row</dd>
        <dt>
          <kbd>c</kbd>
        </dt>
        <dd>Copy the focused row&apos;s transaction hash (Events) or subject (Audit)</dd>
        <dt>
          <kbd>Escape</kbd>
        </dt>
        <dd>Close the open pane, form or dialog; focus returns to what opened it</dd>
        <dt>
          <kbd>a</kbd>
        </dt>
        <dd>
          Transactions: go to Approve for the selected transaction (approving still asks for your
          passkey)
        </dd>
        {goKeys.map((item) => (
          <div key={item.key} className="shortcut-pair">
            <dt>
              <kbd>g</kbd> <kbd>{item.key}</kbd>
            </dt>
            <dd>Go to {item.label}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
