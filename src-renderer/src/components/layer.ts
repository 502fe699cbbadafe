// Panes, forms and dialogs that open over or beside a view ("layers"): focus moves into a layer
// when it opens, Escape closes the most recently opened one, and focus goes back to whatever
// opened it. One document listener serves every layer, so Escape never closes two at once.
import { useEffect, useRef, type RefObject } from 'react';

type CloseHandler = () => void;

const openLayers: { close: CloseHandler }[] = [];

function onEscape(event: KeyboardEvent): void {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  // A modal dialog (the shortcut list) closes itself on Escape; the layers under it stay.
  if (document.querySelector('dialog[open]')) return;
  const top = openLayers.at(-1);
  if (!top) return;
  event.preventDefault();
  top.close();
}

let listening = false;
function listen(): void {
  if (listening) return;
  document.addEventListener('keydown', onEscape);
  listening = true;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The first control inside `root` that Tab would reach. */
export function firstFocusable(root: Element): HTMLElement | null {
  return root.querySelector<HTMLElement>(FOCUSABLE);
}

interface LayerOptions {
  /** Called on Escape. Without it the layer only manages focus. */
  onClose?: CloseHandler;
  /**
   * Where focus goes on open: the layer's heading (a pane: read from its top) or its first
   * control (a form). The heading needs tabIndex -1.
   */
  focus?: 'heading' | 'first-control';
}

/**
 * Makes the element behind `ref` a layer while the component is mounted. `key` re-runs the
 * focus move when the same pane shows another item (the next event, another transaction).
 */
export function useLayer(
  ref: RefObject<HTMLElement | null>,
  { onClose, focus = 'heading' }: LayerOptions,
  key?: unknown,
): void {
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });

  // Registered once per mount: Escape closes the newest layer first.
  useEffect(() => {
    listen();
    const layer = { close: () => closeRef.current?.() };
    if (!closeRef.current) return;
    openLayers.push(layer);
    return () => {
      const index = openLayers.indexOf(layer);
      if (index >= 0) openLayers.splice(index, 1);
    };
  }, []);

  // The opener: what had focus when the layer opened, or when it moved on to another item from
  // outside (a row clicked while the pane was open). Focus goes back to it on close.
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const element = ref.current;
    return () => {
      const active = document.activeElement;
      const focusWasInside =
        active === null || active === document.body || (element?.contains(active) ?? false);
      const target = opener.current;
      if (!focusWasInside || !target) return;
      // After React has removed the layer: the opener may re-render in the same commit.
      requestAnimationFrame(() => {
        if (target.isConnected) target.focus();
      });
    };
  }, [ref]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body && !element.contains(active))
      opener.current = active;
    // A form's first control, not the close button in the layer's header.
    const target =
      focus === 'heading'
        ? element.querySelector<HTMLElement>('h2')
        : firstFocusable(element.querySelector('form') ?? element);
    if (!target) return;
    if (focus === 'heading' && !target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus();
  }, [ref, focus, key]);
}

/**
 * After an item is removed or acknowledged, focus goes to the next item (or the previous one
 * when it was the last), not to the page body. Call before the removal: `item` is the row or
 * list item; the move happens once it has left the document (the list reloads asynchronously).
 */
export function focusAfterRemoval(item: Element, fallback?: HTMLElement | null): void {
  const container = item.parentElement;
  const index = container ? [...container.children].indexOf(item) : -1;
  const deadline = Date.now() + 10_000;
  const check = (): void => {
    if (item.isConnected) {
      if (Date.now() < deadline) requestAnimationFrame(check);
      return;
    }
    if (document.activeElement && document.activeElement !== document.body) return;
    const siblings = container?.isConnected ? [...container.children] : [];
    const next = siblings[Math.min(index, siblings.length - 1)];
    const target = (next && firstFocusable(next)) ?? fallback ?? null;
    target?.focus();
  };
  requestAnimationFrame(check);
}

/**
 * While the pane behind `ref` is shown as a drawer over the view (its backdrop, behind
 * `backdropRef`, displayed: the CSS decides the width where that happens), everything else on
 * the page is inert: Tab stays in the drawer and screen readers read only it, as in a modal
 * dialog. The backdrop (its click closes), open dialogs and the live region stay as they are.
 */
export function useInertWhileDrawer(
  ref: RefObject<HTMLElement | null>,
  backdropRef: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    let restore: (() => void) | null = null;
    const update = (): void => {
      const backdrop = backdropRef.current;
      const drawer = backdrop !== null && getComputedStyle(backdrop).display !== 'none';
      if (drawer && !restore && ref.current) restore = makeOthersInert(ref.current, backdrop);
      else if (!drawer && restore) {
        restore();
        restore = null;
      }
    };
    update();
    window.addEventListener('resize', update);
    return () => {
      window.removeEventListener('resize', update);
      restore?.();
    };
  }, [ref, backdropRef]);
}

/** Makes every element beside `element` and beside each of its ancestors inert; returns the undo. */
function makeOthersInert(element: HTMLElement, keep: HTMLElement | null): () => void {
  const changed: HTMLElement[] = [];
  for (let node = element; node.parentElement && node !== document.body;) {
    const parent: HTMLElement = node.parentElement;
    for (const sibling of parent.children) {
      if (sibling === node || sibling === keep || !(sibling instanceof HTMLElement)) continue;
      if (sibling.inert || sibling.matches('dialog, [aria-live], script, style')) continue;
      sibling.inert = true;
      changed.push(sibling);
    }
    node = parent;
  }
  return () => {
    for (const sibling of changed) sibling.inert = false;
  };
}
