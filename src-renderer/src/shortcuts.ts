// Keyboard shortcuts an operator learns once (listed in the `?` overlay): `/` search, `g` then a
// letter to go to a view, `j`/`k` in tables, `a` to open approval of the selected transaction.
// None fires while typing in a field, and none bypasses anything: `a` only moves focus to the
// Approve button, which still asks for the person-bound approval.
import { navigate, type Route } from './route.ts';

export const goKeys: { key: string; route: Route; label: string }[] = [
  { key: 'd', route: 'dashboard', label: 'Dashboard' },
  { key: 'y', route: 'drift', label: 'Sync drift' },
  { key: 'c', route: 'chains', label: 'Chains' },
  { key: 'o', route: 'contracts', label: 'Contracts' },
  { key: 'e', route: 'events', label: 'Events' },
  { key: 's', route: 'signers', label: 'Signers' },
  { key: 't', route: 'transactions', label: 'Transactions' },
  { key: 'l', route: 'alerts', label: 'Alerts' },
  { key: 'm', route: 'automation', label: 'Automation' },
  { key: 'w', route: 'workspace', label: 'Workspace' },
  { key: 'u', route: 'audit', label: 'Audit' },
];

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** The view's search or first filter: an element marked data-shortcut="search", else role=search. */
function focusSearch(): boolean {
  const target =
    document.querySelector<HTMLElement>('main [data-shortcut="search"]') ??
    document.querySelector<HTMLElement>('main [role="search"] :is(input, select)');
  target?.focus();
  return target !== null;
}

/** j/k from outside a table: focus the table's current row (the table moves from there). */
function focusTable(): boolean {
  const row = document.querySelector<HTMLElement>('main [data-row-index][tabindex="0"]');
  row?.focus();
  return row !== null;
}

/** `a`: the transaction whose row has focus, or the one open, gets its Approve button focused. */
function openApproval(): boolean {
  if (!window.location.hash.startsWith('#/transactions')) return false;
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.txId;
  const openId = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('id');
  const id = focusedId ?? openId;
  if (!id) return false;
  if (id !== openId) navigate('transactions', { id });
  let frames = 0;
  const focusApprove = (): void => {
    const button = document.querySelector<HTMLElement>('[data-shortcut="approve"]');
    if (button) button.focus();
    else if (frames++ < 30) requestAnimationFrame(focusApprove);
  };
  requestAnimationFrame(focusApprove);
  return true;
}

/** Installs the shortcuts; returns the uninstaller. `onHelp` opens the overlay. */
export function installShortcuts(onHelp: () => void): () => void {
  let goPending = false;
  let goTimer: ReturnType<typeof setTimeout> | undefined;
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    if (document.querySelector('dialog[open]')) return;
    const key = event.key;
    if (goPending) {
      goPending = false;
      clearTimeout(goTimer);
      const go = goKeys.find((item) => item.key === key);
      if (go) {
        event.preventDefault();
        navigate(go.route);
      }
      return;
    }
    let handled = false;
    if (key === '?') {
      onHelp();
      handled = true;
    } else if (key === 'g') {
      goPending = true;
      goTimer = setTimeout(() => (goPending = false), 1500);
      handled = true;
    } else if (key === '/') handled = focusSearch();
    else if (key === 'j' || key === 'k') handled = focusTable();
    else if (key === 'a') handled = openApproval();
    if (handled) event.preventDefault();
  };
  document.addEventListener('keydown', onKeyDown);
  return () => {
    document.removeEventListener('keydown', onKeyDown);
    clearTimeout(goTimer);
  };
}
