// Says, on every view, that Vigil is in safe mode: a check at start found the data directory
// altered outside Vigil, so it watches and shows but signs nothing. Lifting it needs a person
// (the desktop dialog or a passkey); what was quarantined stays out either way.
import { useState } from 'react';
import { callOrThrow } from '../client/index.ts';
import { useStatus } from '../stores/status.ts';

export function SafeModeBanner() {
  const safeMode = useStatus((state) => state.safeMode);
  const setSafeMode = useStatus((state) => state.setSafeMode);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!safeMode?.active) return null;
  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      setSafeMode(await callOrThrow('integrity.acknowledgeSafeMode', {}));
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="banner banner-error banner-loud" role="alert" data-testid="safe-mode-banner">
      <strong>Safe mode: Vigil signs nothing.</strong> The data directory was altered outside Vigil.
      Chains are still watched and everything is shown; approving, signing and sending are refused
      until a person acknowledges.
      <ul className="safe-mode-reasons">
        {safeMode.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      {safeMode.quarantined.length > 0 && (
        <p>
          Kept aside as found:{' '}
          {safeMode.quarantined.map((path) => (
            <code key={path}>{path} </code>
          ))}
        </p>
      )}
      <p>
        After you acknowledge, what failed its check stays quarantined (never replayed or signed),
        and signing resumes only for approvals whose own record verifies.
      </p>
      <button type="button" disabled={busy} onClick={() => void acknowledge()}>
        {busy ? 'Waiting for approval…' : 'Acknowledge safe mode (needs your approval)'}
      </button>
      {error && <span className="error-text"> {error}</span>}
    </div>
  );
}
