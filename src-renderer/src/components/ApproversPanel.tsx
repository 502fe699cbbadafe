// The people who may approve in headless mode, and enrolling this browser's passkey as one. The
// first approver of a fresh data directory enrolls from this machine; every later one needs an
// existing approver's passkey to confirm it (the browser asks for it right after).
import { visibleText } from '@contract';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Approver } from '@contract';
import { isDesktop, vigil } from '../client/index.ts';
import { createPasskey } from '../client/passkeys.ts';
import { Field } from './Field.tsx';
import { FormError, FormOk } from './StateViews.tsx';
import { Time } from './Time.tsx';

export function ApproversPanel() {
  const [approvers, setApprovers] = useState<Approver[]>([]);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await vigil.call('approvers.list', {});
    if (result.ok) setApprovers(result.value.approvers);
  }, []);
  useEffect(() => {
    let current = true;
    void vigil.call('approvers.list', {}).then((result) => {
      if (current && result.ok) setApprovers(result.value.approvers);
    });
    return () => {
      current = false;
    };
  }, []);

  if (isDesktop)
    return (
      <p className="small muted">
        In the desktop app, Vigil asks you to approve in a dialog of its own.
      </p>
    );

  const enroll = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (!name.trim()) return setError('Give your name: it is shown with every approval you give.');
    setBusy(true);
    try {
      const options = await vigil.call('approvers.registrationOptions', { name });
      if (!options.ok) return setError(options.error.message);
      const registration = await createPasskey(options.value.options);
      const enrolled = await vigil.call('approvers.enroll', {
        name,
        registration: registration as never,
      });
      if (!enrolled.ok) return setError(enrolled.error.message);
      setDone(`Enrolled ${visibleText(enrolled.value.name)}.`);
      setName('');
      await load();
    } catch (failure) {
      setError(`No passkey was created: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      {approvers.length === 0 ? (
        <p className="small muted">
          Nobody can approve yet. Enroll a passkey: approving a transaction, importing or removing a
          key and turning an alert off each need one.
        </p>
      ) : (
        <ul className="plain-list" aria-label="Enrolled approvers">
          {approvers.map((approver) => (
            <li key={approver.credentialId}>
              {visibleText(approver.name)}{' '}
              <span className="muted small">
                since <Time ms={approver.addedAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="form" aria-label="Enroll a passkey" onSubmit={(event) => void enroll(event)}>
        <Field id="approver-name" label="Your name">
          <input
            id="approver-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <FormError message={error} />
        <FormOk message={done} />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Waiting for the passkey…' : 'Enroll a passkey'}
        </button>
      </form>
    </div>
  );
}
