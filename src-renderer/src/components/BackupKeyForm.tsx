// An encrypted backup of one signer's key: the operator picks a passphrase, a person approves,
// and main writes a Web3 Secret Storage keystore (geth, Foundry and MetaMask read it) to its
// exports folder; in a browser it downloads from there. The key itself never reaches this page.
import { useState, type FormEvent } from 'react';
import type { SignerBackup } from '@contract';
import { exportDownloadUrl, isDesktop, vigil } from '../client/index.ts';
import { Field } from './Field.tsx';
import { errorsFromContractError, type FieldErrors } from './form-errors.ts';
import { FormError } from './StateViews.tsx';

const MIN_PASSPHRASE = 12;

export function BackupKeyForm({ address, idPrefix }: { address: string; idPrefix: string }) {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<SignerBackup | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const found: FieldErrors = {};
    if (passphrase.length < MIN_PASSPHRASE)
      found.passphrase = `Use at least ${MIN_PASSPHRASE} characters; a few unrelated words work well.`;
    else if (repeat !== passphrase) found.repeat = 'The two passphrases differ.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const result = await vigil.call('signers.backup', { address, passphrase });
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, ['passphrase']));
      return;
    }
    // The passphrase leaves the page once used: only the operator keeps it.
    setPassphrase('');
    setRepeat('');
    setWritten(result.value);
  };
  if (written)
    return (
      <p className="form-ok" role="status" style={{ overflowWrap: 'anywhere' }}>
        Encrypted backup written to <span className="mono">{written.path}</span>
        {isDesktop ? (
          '. Copy it somewhere safe, away from this machine.'
        ) : (
          <>
            {' '}
            —{' '}
            <a href={exportDownloadUrl(written.fileName)} download={written.fileName}>
              download {written.fileName}
            </a>{' '}
            and keep it somewhere safe, away from this machine.
          </>
        )}{' '}
        Without the passphrase it cannot be opened.
      </p>
    );
  return (
    <form
      className="form"
      aria-label={`Back up the key of ${address}`}
      onSubmit={(event) => void submit(event)}
    >
      <Field
        id={`${idPrefix}-passphrase`}
        label="Backup passphrase"
        error={errors.passphrase}
        hint="Encrypts the backup (scrypt); Vigil does not keep it."
      >
        <input
          id={`${idPrefix}-passphrase`}
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
        />
      </Field>
      <Field id={`${idPrefix}-repeat`} label="Passphrase again" error={errors.repeat}>
        <input
          id={`${idPrefix}-repeat`}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(event) => setRepeat(event.target.value)}
        />
      </Field>
      <FormError message={errors.form} />
      <button type="submit" disabled={busy}>
        {busy ? 'Encrypting…' : 'Write encrypted backup'}
      </button>
    </form>
  );
}
