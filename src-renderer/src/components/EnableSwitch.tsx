// The on/off switch of a row (a policy, a schedule): it follows main's answer, not the click, so
// while a person is asked to approve it says so and takes no second click.
import { useState } from 'react';
import type { Envelope } from '@contract';

export function EnableSwitch({
  label,
  checked,
  title,
  onChange,
}: {
  /** The accessible name: "Enable Top up". */
  label: string;
  checked: boolean;
  title?: string;
  /** Sends the change; a refusal's message is the caller's to show. */
  onChange: (enabled: boolean) => Promise<Envelope<unknown>>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <>
      <label className="switch" title={title}>
        <input
          type="checkbox"
          checked={checked}
          disabled={busy}
          aria-label={label}
          onChange={(e) => {
            setBusy(true);
            void onChange(e.target.checked).finally(() => setBusy(false));
          }}
        />
        <span className="switch-track" aria-hidden="true" />
      </label>
      {busy && <div className="small muted">waiting…</div>}
    </>
  );
}
