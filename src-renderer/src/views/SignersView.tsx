// Signers: who can sign, with their native balance on every chain and their nonce lane, and the
// forms that import a key or generate one. Keys go straight to main and into the OS keychain;
// this view never receives one back. A generated key is offered an encrypted backup at once, and
// removing a key that still holds funds takes a second, explicit yes.
import { visibleText } from '@contract';
import { useEffect, useState, type FormEvent } from 'react';
import type { Chain, NonceLane, Signer } from '@contract';
import { vigil } from '../client/index.ts';
import { chainName, findChain, useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { EmptyState, FormError, Loadable, FormOk } from '../components/StateViews.tsx';
import { ApproversPanel } from '../components/ApproversPanel.tsx';
import { SafesPanel } from '../components/SafesPanel.tsx';
import { BackupKeyForm } from '../components/BackupKeyForm.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { Field } from '../components/Field.tsx';
import { errorsFromContractError, type FieldErrors } from '../components/form-errors.ts';
import { nativeLabel } from '../units.ts';
import { shortHex } from '../format.ts';
import { hrefFor } from '../route.ts';

export function SignersView() {
  const { signers, lanes, loaded, error, load, loadLanes } = useSigners();
  const chains = useConfig((state) => state.chains);
  useEffect(() => {
    void loadLanes();
    const timer = setInterval(() => void loadLanes(), 10_000);
    return () => clearInterval(timer);
  }, [loadLanes, signers.length]);

  return (
    <section className="view">
      <header className="view-header">
        <h1>Signers</h1>
      </header>
      <div className="split">
        <div className="split-main">
          <Loadable
            what="signers"
            loaded={loaded}
            error={error}
            onRetry={() => void load()}
            empty={
              signers.length === 0 ? (
                <EmptyState>
                  No signers yet. Import a key or generate one: it goes into this machine&apos;s OS
                  keychain, and Vigil signs with it only for transactions you approve.
                </EmptyState>
              ) : null
            }
          >
            <div className="card-list">
              {signers.map((signer) => (
                <SignerCard
                  key={signer.address}
                  signer={signer}
                  chains={chains}
                  lanes={lanes.filter(
                    (lane) => lane.address.toLowerCase() === signer.address.toLowerCase(),
                  )}
                />
              ))}
            </div>
          </Loadable>
          <SafesPanel />
        </div>
        <aside className="split-side">
          <div className="card">
            <h2>Approvers</h2>
            <ApproversPanel />
          </div>
          <div className="card">
            <h2>Import a key</h2>
            <ImportKeyForm />
          </div>
          <div className="card">
            <h2>Generate a new key</h2>
            <GenerateKeyForm />
          </div>
        </aside>
      </div>
    </section>
  );
}

function SignerCard({
  signer,
  chains,
  lanes,
}: {
  signer: Signer;
  chains: Chain[];
  lanes: NonceLane[];
}) {
  const [error, setError] = useState<string | null>(null);
  /** Main refused because funds may be lost: the operator may still say yes, knowingly. */
  const [fundsAtRisk, setFundsAtRisk] = useState(false);
  const [backingUp, setBackingUp] = useState(false);
  const remove = async (confirmFunds?: true): Promise<void> => {
    const result = await vigil.call('signers.remove', {
      address: signer.address,
      ...(confirmFunds ? { confirmFunds } : {}),
    });
    if (result.ok) return;
    setError(result.error.message);
    setFundsAtRisk(
      result.error.code === 'SIGNER_HOLDS_FUNDS' || result.error.code === 'BALANCE_UNKNOWN',
    );
  };
  return (
    <article className="card signer-card" aria-label={`Signer ${visibleText(signer.label)}`}>
      <header className="card-header">
        <h2>{visibleText(signer.label)}</h2>
        <span className="badge badge-quiet">{signer.origin}</span>
        <span className="card-header-actions">
          <button
            type="button"
            className="button-small"
            aria-expanded={backingUp}
            onClick={() => setBackingUp(!backingUp)}
          >
            Back up
          </button>
          <ConfirmButton
            label={`Remove signer ${visibleText(signer.label)}`}
            confirmLabel="Remove and delete its key"
            onConfirm={() => remove()}
          >
            Remove
          </ConfirmButton>
        </span>
      </header>
      <p className="mono small">
        {signer.address} <CopyButton text={signer.address} />
      </p>
      <FormError message={error} />
      {fundsAtRisk && (
        <p>
          <ConfirmButton
            label={`Remove signer ${visibleText(signer.label)} even though funds may be lost`}
            confirmLabel="Yes: delete the key and lose what it holds"
            onConfirm={() => remove(true)}
          >
            Remove anyway
          </ConfirmButton>
        </p>
      )}
      {backingUp && (
        <BackupKeyForm address={signer.address} idPrefix={`backup-${signer.address}`} />
      )}
      {chains.length === 0 ? (
        <p className="muted small">
          No chains configured: <a href={hrefFor('chains')}>add one</a> to see balances.
        </p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>Chain</th>
              <th>Balance</th>
              <th title="The nonce Vigil gives the next approved transaction">Next nonce</th>
              <th title="Mined / including the node's pool">Chain nonce</th>
              <th>Gaps</th>
            </tr>
          </thead>
          <tbody>
            {signer.balances.map((balance) => {
              const lane = lanes.find((candidate) => candidate.chainId === balance.chainId);
              return (
                <tr key={balance.chainId}>
                  <td>{chainName(chains, balance.chainId)}</td>
                  <td className="mono" title={balance.balance ? `${balance.balance} wei` : ''}>
                    {balance.balance !== null ? (
                      nativeLabel(balance.balance, findChain(chains, balance.chainId))
                    ) : balance.error ? (
                      <span className="warn" title={balance.error}>
                        unavailable
                      </span>
                    ) : (
                      <span className="muted">reading…</span>
                    )}
                  </td>
                  <td className="mono">{lane?.nextNonce ?? '—'}</td>
                  <td className="mono">
                    {lane?.latestNonce ?? '—'} / {lane?.pendingNonce ?? '—'}
                  </td>
                  <td className={lane && lane.gaps.length > 0 ? 'warn mono' : 'mono'}>
                    {lane ? (lane.gaps.length ? lane.gaps.join(', ') : 'none') : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </article>
  );
}

function ImportKeyForm() {
  const [label, setLabel] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    const found: FieldErrors = {};
    if (!label.trim()) found.label = 'Give the signer a label, e.g. "Treasury hot wallet".';
    if (!privateKey.trim()) found.privateKey = 'Paste the private key (64 hex digits).';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const result = await vigil.call('signers.import', { privateKey, label });
    setBusy(false);
    // The key leaves the form whatever happened: it is not kept in the page.
    setPrivateKey('');
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, ['label', 'privateKey']));
      return;
    }
    setLabel('');
    setDone(`Imported ${shortHex(result.value.address)} into the OS keychain.`);
  };
  return (
    <form className="form" aria-label="Import a key" onSubmit={(event) => void submit(event)}>
      <Field id="import-label" label="Label" error={errors.label}>
        <input id="import-label" value={label} onChange={(event) => setLabel(event.target.value)} />
      </Field>
      <Field
        id="import-key"
        label="Private key"
        error={errors.privateKey}
        hint="Stored in the OS keychain only; Vigil never shows it again."
      >
        <input
          id="import-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={privateKey}
          onChange={(event) => setPrivateKey(event.target.value)}
        />
      </Field>
      <FormError message={errors.form} />
      <FormOk message={done} />
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Importing…' : 'Import key'}
      </button>
    </form>
  );
}

function GenerateKeyForm() {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [generated, setGenerated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    setGenerated(null);
    if (!label.trim()) {
      setError('Give the new signer a label.');
      return;
    }
    setBusy(true);
    const result = await vigil.call('signers.generate', { label });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setError(null);
    setLabel('');
    setDone(`Generated ${result.value.address}. Fund it before it can send: its balance is 0 ETH.`);
    setGenerated(result.value.address);
  };
  return (
    <>
      <form className="form" aria-label="Generate a key" onSubmit={(event) => void submit(event)}>
        <Field id="generate-label" label="Label" error={error}>
          <input
            id="generate-label"
            value={label}
            onChange={(event) => setLabel(event.target.value)}
          />
        </Field>
        <FormOk message={done} />
        <button type="submit" disabled={busy}>
          {busy ? 'Generating…' : 'Generate key'}
        </button>
      </form>
      {generated && (
        <section aria-label="Back up the new key">
          <h3>Back it up now</h3>
          <p className="muted small">
            The key exists only in this machine&apos;s keychain. An encrypted backup is the one way
            back if the machine or the keychain is lost.
          </p>
          <BackupKeyForm key={generated} address={generated} idPrefix="generated-backup" />
        </section>
      )}
    </>
  );
}
