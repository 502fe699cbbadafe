// The automation switch, on every view: whether policies may approve on their own right now,
// and the one button that stops or restarts all of it. Pausing is anyone's to do at once;
// resuming asks for a person (the passkey or the desktop dialog), as enabling a policy does.
import { useState } from 'react';
import { vigil } from '../client/index.ts';
import { useAutomation } from '../stores/automation.ts';
import { FieldError } from './StateViews.tsx';

export function AutomationSwitch() {
  const status = useAutomation((state) => state.status);
  const statusError = useAutomation((state) => state.statusError);
  const [busy, setBusy] = useState<'pause' | 'resume' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const move = async (to: 'pause' | 'resume'): Promise<void> => {
    setBusy(to);
    setError(null);
    const answer =
      to === 'pause'
        ? await vigil.call('automation.pause', { reason: 'Paused from the console' })
        : await vigil.call('automation.resume', {});
    setBusy(null);
    if (answer.ok) useAutomation.getState().applyStatus(answer.value);
    else setError(answer.error.message);
  };

  if (!status) {
    return (
      <section className="automation-switch" aria-label="Automation switch">
        <div className="automation-state" role="status">
          Automation: {statusError ? 'unknown' : '…'}
        </div>
        {statusError && (
          <button
            type="button"
            className="button-small"
            onClick={() => void useAutomation.getState().loadStatus()}
          >
            Try again
          </button>
        )}
      </section>
    );
  }

  const paused = status.paused;
  return (
    <section
      className={`automation-switch ${paused ? 'automation-paused' : 'automation-running'}`}
      aria-label="Automation switch"
    >
      <div className="automation-state" role="status">
        <span className={`dot ${paused ? 'dot-bad' : 'dot-ok'}`} aria-hidden="true" />
        Automation: <strong data-testid="automation-state">{paused ? 'paused' : 'running'}</strong>
      </div>
      <div className="small muted">
        {status.enabledPolicies} of {status.policies}{' '}
        {status.policies === 1 ? 'policy' : 'policies'} enabled
      </div>
      <button
        type="button"
        className={paused ? 'button-small' : 'button-small button-danger'}
        disabled={busy !== null}
        title={
          paused
            ? "Lets enabled policies approve again; needs a person's approval"
            : 'Stops every automatic approval at once; what was sent already stays sent'
        }
        onClick={() => void move(paused ? 'resume' : 'pause')}
      >
        {busy === 'resume'
          ? 'Waiting for approval…'
          : busy === 'pause'
            ? 'Pausing…'
            : paused
              ? 'Resume automation'
              : 'Pause automation'}
      </button>
      <FieldError message={error} />
    </section>
  );
}
