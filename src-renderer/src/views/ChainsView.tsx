// Configured chains: list with edit and remove, and the form that adds one.
import { useState, type FormEvent } from 'react';
import { ChainsAddInput, type Chain, type ChainPreset, visibleText } from '@contract';
import { vigil } from '../client/index.ts';
import { useConfig } from '../stores/config.ts';
import { EmptyState, FieldError, Loadable } from '../components/StateViews.tsx';
import { Field } from '../components/Field.tsx';
import {
  errorsFromContractError,
  errorsFromIssues,
  wholeNumberProblem,
  type FieldErrors,
} from '../components/form-errors.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { RowEditActions, useRowEdit } from '../components/RowEdit.tsx';
import { ChainPresetPicker, PublicRpcUrls } from '../components/ChainPresetPicker.tsx';

export function ChainsView() {
  const { chains, loaded, error, load } = useConfig();
  return (
    <section className="view">
      <header className="view-header">
        <h1>Chains</h1>
      </header>
      <div className="split">
        <div className="split-main">
          <Loadable
            what="chains"
            loaded={loaded}
            error={error}
            onRetry={() => void load()}
            empty={
              chains.length === 0 ? (
                <EmptyState>No chains yet — add one with the form.</EmptyState>
              ) : null
            }
          >
            <ChainTable chains={chains} />
          </Loadable>
        </div>
        <aside className="split-side card">
          <h2>Add a chain</h2>
          <AddChainForm />
        </aside>
      </div>
    </section>
  );
}

function ChainTable({ chains }: { chains: Chain[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Chain ID</th>
          <th>RPC URLs</th>
          <th>Confirmations</th>
          <th>Explorer</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {chains.map((chain) => (
          <ChainRow key={chain.chainId} chain={chain} />
        ))}
      </tbody>
    </table>
  );
}

function ChainRow({ chain }: { chain: Chain }) {
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(chain.name);
  const [rpcUrls, setRpcUrls] = useState(chain.rpcUrls.join('\n'));
  const [confirmations, setConfirmations] = useState(String(chain.confirmations));
  const [explorerUrl, setExplorerUrl] = useState(chain.explorerUrl ?? '');
  const edit = useRowEdit(() => {
    setName(chain.name);
    setRpcUrls(chain.rpcUrls.join('\n'));
    setConfirmations(String(chain.confirmations));
    setExplorerUrl(chain.explorerUrl ?? '');
  });
  const remove = async (): Promise<void> => {
    const result = await vigil.call('chains.remove', { chainId: chain.chainId });
    if (!result.ok) setError(result.error.message);
    else void useConfig.getState().load();
  };
  // Only what changed is sent: new RPC URLs are checked against the chain (a few seconds).
  const save = (): Promise<void> =>
    edit.save(() => {
      const urls = rpcUrls
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      const depth = Number(confirmations.trim());
      return vigil.call('chains.update', {
        chainId: chain.chainId,
        ...(name.trim() === chain.name ? {} : { name: name.trim() }),
        ...(urls.join('\n') === chain.rpcUrls.join('\n') ? {} : { rpcUrls: urls }),
        ...(depth === chain.confirmations ? {} : { confirmations: depth }),
        ...(explorerUrl.trim() === (chain.explorerUrl ?? '')
          ? {}
          : { explorerUrl: explorerUrl.trim() === '' ? null : explorerUrl.trim() }),
      });
    });
  if (edit.editing) {
    return (
      <tr className="row-editing">
        <td>
          <input aria-label="Chain name" value={name} onChange={(e) => setName(e.target.value)} />
        </td>
        <td className="mono">{chain.chainId}</td>
        <td>
          <textarea
            aria-label="Chain RPC URLs"
            className="mono"
            rows={Math.max(2, rpcUrls.split('\n').length)}
            value={rpcUrls}
            onChange={(e) => setRpcUrls(e.target.value)}
            spellCheck={false}
          />
        </td>
        <td>
          <input
            aria-label="Chain confirmations"
            inputMode="numeric"
            value={confirmations}
            onChange={(e) => setConfirmations(e.target.value)}
          />
        </td>
        <td>
          <input
            aria-label="Chain explorer URL"
            className="mono"
            value={explorerUrl}
            onChange={(e) => setExplorerUrl(e.target.value)}
            placeholder="https://etherscan.io"
          />
        </td>
        <td className="actions">
          <RowEditActions edit={edit} what={visibleText(chain.name)} onSave={() => void save()} />
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <td>{visibleText(chain.name)}</td>
      <td className="mono">{chain.chainId}</td>
      <td className="mono small">
        {chain.rpcUrls.map((url) => (
          <div key={url}>{url}</div>
        ))}
      </td>
      <td className="mono">{chain.confirmations}</td>
      <td className="mono small">{chain.explorerUrl ?? <span className="muted">—</span>}</td>
      <td className="actions">
        <RowEditActions edit={edit} what={visibleText(chain.name)} onSave={() => void save()}>
          <ConfirmButton
            label={`Remove ${visibleText(chain.name)}`}
            confirmLabel="Confirm remove"
            onConfirm={remove}
          >
            Remove
          </ConfirmButton>
        </RowEditActions>
        <FieldError message={error} />
      </td>
    </tr>
  );
}

const CHAIN_FORM_FIELDS = ['name', 'chainId', 'rpcUrls', 'confirmations', 'explorerUrl'] as const;

function AddChainForm() {
  const configured = useConfig((state) => state.chains).map((chain) => chain.chainId);
  const [preset, setPreset] = useState<ChainPreset | null>(null);
  const [name, setName] = useState('');
  const [chainId, setChainId] = useState('');
  const [rpcUrls, setRpcUrls] = useState('');
  const [confirmations, setConfirmations] = useState('');
  const [explorerUrl, setExplorerUrl] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setAdded(null);
    const input = {
      name,
      chainId: chainId.trim() === '' ? Number.NaN : Number(chainId.trim()),
      rpcUrls: rpcUrls
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
      confirmations: confirmations.trim() === '' ? undefined : Number(confirmations.trim()),
      explorerUrl: explorerUrl.trim() === '' ? undefined : explorerUrl.trim(),
    };
    const checked = ChainsAddInput.safeParse(input);
    const found: FieldErrors = checked.success ? {} : errorsFromIssues(checked.error.issues);
    const chainIdProblem = wholeNumberProblem(chainId, '8453');
    if (chainIdProblem) found.chainId = chainIdProblem;
    const confirmationsProblem =
      confirmations.trim() === '' ? null : wholeNumberProblem(confirmations, '12');
    if (confirmationsProblem) found.confirmations = confirmationsProblem;
    if (!checked.success || Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    // The server checks each RPC answers with this chain id, which can take a few seconds.
    const result = await vigil.call('chains.add', checked.data);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, CHAIN_FORM_FIELDS));
      return;
    }
    setAdded(result.value.name);
    setName('');
    setChainId('');
    setRpcUrls('');
    setConfirmations('');
    setExplorerUrl('');
    setPreset(null);
    void useConfig.getState().load();
  };

  // A preset fills what is known of the chain; the RPC URL stays the operator's to give.
  const pick = (chosen: ChainPreset): void => {
    setPreset(chosen);
    setName(chosen.name);
    setChainId(String(chosen.chainId));
    setConfirmations(String(chosen.confirmations));
    setExplorerUrl(chosen.explorerUrl ?? '');
    setErrors({});
    setAdded(null);
  };
  const usePublicUrl = (url: string): void =>
    setRpcUrls((current) => (current.trim() === '' ? url : `${current.trim()}\n${url}`));

  return (
    <form
      className="form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="Add chain"
    >
      <ChainPresetPicker configured={configured} onPick={pick} />
      <Field id="chain-name" label="Name" error={errors.name}>
        <input
          id="chain-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Base"
          autoComplete="off"
        />
      </Field>
      <Field id="chain-id" label="Chain ID" error={errors.chainId}>
        <input
          id="chain-id"
          value={chainId}
          onChange={(e) => setChainId(e.target.value)}
          inputMode="numeric"
          placeholder="8453"
        />
      </Field>
      <Field
        id="chain-rpc-urls"
        label="RPC URLs"
        error={errors.rpcUrls}
        hint="One per line; http(s):// or ws(s)://. Extra URLs are used for failover."
      >
        <textarea
          id="chain-rpc-urls"
          rows={3}
          value={rpcUrls}
          onChange={(e) => setRpcUrls(e.target.value)}
          placeholder={
            preset ? 'Your own provider’s URL for this chain' : 'https://mainnet.base.org'
          }
          spellCheck={false}
        />
      </Field>
      {preset && <PublicRpcUrls preset={preset} onUse={usePublicUrl} />}
      <Field
        id="chain-confirmations"
        label="Confirmations"
        error={errors.confirmations}
        hint="Blocks before an event counts as confirmed. Empty for the default."
      >
        <input
          id="chain-confirmations"
          value={confirmations}
          onChange={(e) => setConfirmations(e.target.value)}
          inputMode="numeric"
          placeholder="12"
        />
      </Field>
      <Field
        id="chain-explorer-url"
        label="Block explorer"
        error={errors.explorerUrl}
        hint="Optional; used for links to addresses and transactions."
      >
        <input
          id="chain-explorer-url"
          value={explorerUrl}
          onChange={(e) => setExplorerUrl(e.target.value)}
          placeholder="https://basescan.org"
          autoComplete="off"
        />
      </Field>
      {errors.form && (
        <div className="form-error" role="alert">
          {errors.form}
        </div>
      )}
      {added && (
        <div className="form-ok" role="status">
          Added {added}.
        </div>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Checking RPC…' : 'Add chain'}
      </button>
    </form>
  );
}
