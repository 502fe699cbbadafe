// One polite live region for things that happen without a visible change where the operator is
// looking ("Copied the transaction hash."). App renders the region; anything may announce.
export const ANNOUNCER_ID = 'announcer';

export function announce(text: string): void {
  const region = document.getElementById(ANNOUNCER_ID);
  if (!region) return;
  // Cleared first, so the same message twice is announced twice.
  region.textContent = '';
  requestAnimationFrame(() => (region.textContent = text));
}
