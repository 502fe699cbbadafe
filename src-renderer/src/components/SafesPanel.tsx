// Safes in the Signers view: each Safe's version, owners (marking those whose key is in this
// machine's keychain), threshold, nonce, modules and guard as last read from the chain, a read
// now, removal, and the form that adds one by chain and address. Kept current by the
// safes.changed push.
import { useState, type FormEvent } from 'react';
import type { Safe } from '@contract';
import { vigil } from '../client/index.ts';
import { chainName, useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { shortHex } from '../format.ts';
import { EmptyState, FormError, Loadable, FormOk } from './StateViews.tsx';
import { useSafes } from '../stores/safes.ts';
import { Field } from './Field.tsx';
import { errorsFromContractError, type FieldErrors } from './form-errors.ts';

export function SafesPanel() {
  const { safes, loaded, error, load } = useSafes();

  return (
    <section className="safes" aria-label="Safes">
      <h2>Safes</h2>
      <Loadable
        what="Safes"
        loaded={loaded}
        error={error}
        onRetry={() => void load()}
        empty={
          safes.length === 0 ? (
            <EmptyState>
              No Safes yet. Add a Safe multisig by its chain and address to see its owners,
              threshold, modules and guard, and to be told when they change.
            </EmptyState>
          ) : null
        }
      >
        <div className="card-list">
          {safes.map((safe) => (
            <SafeCard key={safe.id} safe={safe} />
          ))}
        </div>
      </Loadable>
      <div className="card safe-add">
        <h2>Add a Safe</h2>
        <AddSafeForm />
      </div>
    </section>
  );
}

function SafeCard({ safe }: { safe: Safe }) {
  const chains = useConfig((state) => state.chains);
  const signers = useSigners((state) => state.signers);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const isSigner = (owner: string): boolean =>
    signers.some((signer) => signer.address.toLowerCase() === owner.toLowerCase());
  const act = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    try {
      setMessage({ ok: true, text: await work() });
    } catch (caught) {
      setMessage({ ok: false, text: (caught as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const refresh = () =>
    act(async () => {
      const result = await vigil.call('safes.refresh', { id: safe.id });
      if (!result.ok) throw new Error(result.error.message);
      return `Read from the chain at ${new Date(result.value.readAt).toLocaleTimeString()}.`;
    });
  const remove = () =>
    act(async () => {
      const result = await vigil.call('safes.remove', { id: safe.id });
      if (!result.ok) throw new Error(result.error.message);
      return 'Removed.';
    });
  const addRules = () =>
    act(async () => {
      const rules = await vigil.call('safes.changeRules', { id: safe.id });
      if (!rules.ok) throw new Error(rules.error.message);
      for (const rule of rules.value) {
        const saved = await vigil.call('alerts.rules.save', rule);
        if (!saved.ok) throw new Error(saved.error.message);
      }
      return `${rules.value.length} alert rules added for owner, threshold, module and guard changes.`;
    });
  const ours = safe.owners.filter(isSigner).length;
  return (
    <article className="card safe-card" aria-label={`Safe ${safe.name}`}>
      <header className="card-header">
        <h2>{safe.name}</h2>
        <span className="card-header-actions">
          <button type="button" disabled={busy} onClick={() => void addRules()}>
            Alert on changes
          </button>
          <button type="button" disabled={busy} onClick={() => void refresh()}>
            {busy ? 'Reading…' : 'Read now'}
          </button>
          <button type="button" disabled={busy} onClick={() => void remove()}>
            Remove
          </button>
        </span>
      </header>
      <dl className="safe-facts">
        <dt>Address</dt>
        <dd className="mono">{safe.address}</dd>
        <dt>Chain</dt>
        <dd>{chainName(chains, safe.chainId)}</dd>
        <dt>Version</dt>
        <dd>{safe.version}</dd>
        <dt>Threshold</dt>
        <dd>
          {safe.threshold} of {safe.owners.length} owners
          {ours > 0 ? ` (${ours} in this keychain)` : ''}
        </dd>
        <dt>Nonce</dt>
        <dd>{safe.nonce}</dd>
        <dt>Modules</dt>
        <dd className="mono">
          {safe.modules.length === 0
            ? 'none'
            : safe.modules.map((module) => shortHex(module)).join(', ')}
        </dd>
        <dt>Guard</dt>
        <dd className="mono">{safe.guard ?? 'none'}</dd>
      </dl>
      <h3>Owners</h3>
      <ul className="safe-owners" aria-label="Owners">
        {safe.owners.map((owner) => (
          <li key={owner}>
            <span className="mono">{owner}</span>
            {isSigner(owner) && <span className="badge">keychain signer</span>}
          </li>
        ))}
      </ul>
      {message &&
        (message.ok ? (
          <p className="form-ok" role="status">
            {message.text}
          </p>
        ) : (
          <FormError message={message.text} />
        ))}
    </article>
  );
}

function AddSafeForm() {
  const chains = useConfig((state) => state.chains);
  const [chainId, setChainId] = useState<number | ''>('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [watch, setWatch] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const chosenChain = chainId === '' ? chains[0]?.chainId : chainId;
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    const found: FieldErrors = {};
    if (chosenChain === undefined) found.chainId = 'Add a chain first.';
    if (!/^0x[0-9a-fA-F]{40}$/.test(address.trim()))
      found.address = 'Give the Safe address: 0x and 40 hex digits.';
    setErrors(found);
    if (Object.keys(found).length || chosenChain === undefined) return;
    setBusy(true);
    const result = await vigil.call('safes.add', {
      chainId: chosenChain,
      address: address.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      watch,
    });
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, ['chainId', 'address', 'name']));
      return;
    }
    setAddress('');
    setName('');
    setDone(
      `Added ${result.value.name}: ${result.value.threshold} of ${result.value.owners.length} owners.`,
    );
  };
  return (
    <form className="form" aria-label="Add a Safe" onSubmit={(event) => void submit(event)}>
      <Field id="safe-chain" label="Chain" error={errors.chainId}>
        <select
          id="safe-chain"
          value={chosenChain ?? ''}
          onChange={(event) => setChainId(Number(event.target.value))}
        >
          {chains.map((chain) => (
            <option key={chain.chainId} value={chain.chainId}>
              {chain.name} ({chain.chainId})
            </option>
          ))}
        </select>
      </Field>
      <Field id="safe-address" label="Safe address" error={errors.address}>
        <input
          id="safe-address"
          spellCheck={false}
          value={address}
          onChange={(event) => setAddress(event.target.value)}
        />
      </Field>
      <Field id="safe-name" label="Name (optional)" error={errors.name}>
        <input id="safe-name" value={name} onChange={(event) => setName(event.target.value)} />
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={watch}
          onChange={(event) => setWatch(event.target.checked)}
        />
        Also watch its events (owners, threshold, modules, guard, executions)
      </label>
      <FormError message={errors.form} />
      <FormOk message={done} />
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Reading the Safe…' : 'Add Safe'}
      </button>
    </form>
  );
}
