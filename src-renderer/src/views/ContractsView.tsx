// Watched contracts: list with rename and remove, and the form that adds one (ABI pasted, from a
// file, or fetched from where the contract was verified).
import { useState, type DragEvent, type FormEvent } from 'react';
import {
  ContractsAddInput,
  type Chain,
  type Retention,
  type WatchedContract,
  visibleText,
} from '@contract';
import { vigil } from '../client/index.ts';
import { chainName, useConfig } from '../stores/config.ts';
import { EmptyState, FieldError, Loadable } from '../components/StateViews.tsx';
import { Field } from '../components/Field.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { RowEditActions, useRowEdit } from '../components/RowEdit.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import {
  errorsFromContractError,
  errorsFromIssues,
  wholeNumberProblem,
  type FieldErrors,
} from '../components/form-errors.ts';
import { addressProblem, parseAbiText } from '../abi-text.ts';
import { formatCount, shortHex } from '../format.ts';
import { hrefFor } from '../route.ts';
import { FindCreationBlock } from '../components/FindCreationBlock.tsx';
import { FetchVerifiedAbi } from '../components/FetchVerifiedAbi.tsx';
import { ProxyPanel } from '../components/ProxyPanel.tsx';
import { useRowNavigation } from '../components/row-navigation.ts';
import { TokenDisplayPanel } from '../components/TokenDisplayPanel.tsx';
import { DiscoverPanel } from '../components/DiscoverPanel.tsx';

export function ContractsView() {
  const { chains, contracts, loaded, error, load } = useConfig();
  return (
    <section className="view">
      <header className="view-header">
        <h1>Contracts</h1>
      </header>
      <div className="split">
        <div className="split-main">
          <Loadable
            what="contracts"
            loaded={loaded}
            error={error}
            onRetry={() => void load()}
            empty={
              contracts.length === 0 ? (
                <EmptyState>No contracts watched yet — add one with the form.</EmptyState>
              ) : null
            }
          >
            <ContractTable contracts={contracts} chains={chains} />
          </Loadable>
          <details className="card discover-card">
            <summary>Add from a project folder</summary>
            <DiscoverPanel />
          </details>
        </div>
        <aside className="split-side card">
          <h2>Add a contract</h2>
          {loaded && chains.length === 0 ? (
            <EmptyState
              action={
                <a className="button" href={hrefFor('chains')}>
                  Go to Chains
                </a>
              }
            >
              Add a chain first: a contract is watched on one chain.
            </EmptyState>
          ) : (
            <AddContractForm chains={chains} />
          )}
        </aside>
      </div>
    </section>
  );
}

function ContractTable({ contracts, chains }: { contracts: WatchedContract[]; chains: Chain[] }) {
  const rowNavigation = useRowNavigation();
  return (
    <table className="table contracts-table" aria-label="Watched contracts">
      <thead>
        <tr>
          <th>Name</th>
          <th>Chain</th>
          <th>Address</th>
          <th className="col-amounts">Amounts read as</th>
          <th className="col-events">Events</th>
          <th className="col-start">Start block</th>
          <th className="col-indexed">Indexed through</th>
          <th className="col-retention">Retention</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody {...rowNavigation}>
        {contracts.map((contract) => (
          <ContractRow
            key={contract.id}
            contract={contract}
            chainLabel={chainName(chains, contract.chainId)}
          />
        ))}
      </tbody>
    </table>
  );
}

function ContractRow({ contract, chainLabel }: { contract: WatchedContract; chainLabel: string }) {
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(contract.name);
  const [retention, setRetention] = useState(retentionDraft(contract.retention));
  const edit = useRowEdit(() => {
    setName(contract.name);
    setRetention(retentionDraft(contract.retention));
  });
  const remove = async (): Promise<void> => {
    const result = await vigil.call('contracts.remove', { id: contract.id });
    if (!result.ok) setError(result.error.message);
    else void useConfig.getState().load();
  };
  const label = visibleText(contract.name) || shortHex(contract.address);
  const save = (): Promise<void> =>
    edit.save(() =>
      vigil.call('contracts.update', {
        id: contract.id,
        name: name.trim(),
        // The server checks the number and names the field when it refuses it.
        retention:
          retention.kind === 'all' ? null : { [retention.kind]: Number(retention.amount.trim()) },
      }),
    );
  return (
    <tr className={edit.editing ? 'row-editing' : undefined}>
      <td>
        {edit.editing ? (
          <input
            aria-label="Contract name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        ) : (
          visibleText(contract.name) || <span className="muted">unnamed</span>
        )}
      </td>
      <td>{chainLabel}</td>
      <td className="mono small nowrap">
        <span title={contract.address}>{shortHex(contract.address, 8)}</span>{' '}
        <CopyButton text={contract.address} />
        <ProxyPanel contract={contract} />
      </td>
      <td className="col-amounts">
        <TokenDisplayPanel contract={contract} />
      </td>
      <td className="small col-events">
        {contract.eventNames.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          contract.eventNames.join(', ')
        )}
      </td>
      <td className="mono col-start">{formatCount(contract.startBlock)}</td>
      <td className="mono col-indexed">{formatCount(contract.indexedThrough)}</td>
      <td className="small nowrap col-retention">
        {edit.editing ? (
          <RetentionInput value={retention} onChange={setRetention} />
        ) : (
          describeRetention(contract.retention)
        )}
      </td>
      <td className="actions">
        <RowEditActions edit={edit} what={label} onSave={() => void save()}>
          <ConfirmButton label={`Remove ${label}`} confirmLabel="Confirm remove" onConfirm={remove}>
            Remove
          </ConfirmButton>
        </RowEditActions>
        <FieldError message={error} />
      </td>
    </tr>
  );
}

interface RetentionDraft {
  kind: 'all' | 'days' | 'events';
  amount: string;
}

function retentionDraft(retention: Retention | undefined): RetentionDraft {
  if (retention?.days !== undefined) return { kind: 'days', amount: String(retention.days) };
  if (retention?.events !== undefined) return { kind: 'events', amount: String(retention.events) };
  return { kind: 'all', amount: '' };
}

function describeRetention(retention: Retention | undefined): string {
  const parts = [
    ...(retention?.days !== undefined ? [`${formatCount(retention.days)} days`] : []),
    ...(retention?.events !== undefined ? [`newest ${formatCount(retention.events)} events`] : []),
  ];
  return parts.length === 0 ? 'everything' : parts.join(', ');
}

/** Keep everything, or N days, or the newest N events: older sealed history is deleted. */
function RetentionInput({
  value,
  onChange,
}: {
  value: RetentionDraft;
  onChange: (value: RetentionDraft) => void;
}) {
  return (
    <span className="inline-fields">
      <select
        aria-label="Retention"
        value={value.kind}
        onChange={(e) => onChange({ ...value, kind: e.target.value as RetentionDraft['kind'] })}
      >
        <option value="all">Everything</option>
        <option value="days">Days</option>
        <option value="events">Events</option>
      </select>
      {value.kind === 'all' ? null : (
        <input
          aria-label={value.kind === 'days' ? 'Days to keep' : 'Events to keep'}
          inputMode="numeric"
          size={8}
          value={value.amount}
          onChange={(e) => onChange({ ...value, amount: e.target.value })}
        />
      )}
    </span>
  );
}

const CONTRACT_FORM_FIELDS = ['chainId', 'address', 'name', 'startBlock', 'abi'] as const;

function AddContractForm({ chains }: { chains: Chain[] }) {
  const [chainId, setChainId] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [startBlock, setStartBlock] = useState('');
  const [abiText, setAbiText] = useState('');
  const [abiFileName, setAbiFileName] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  // With a single chain there is nothing to choose; default to it.
  const selectedChainId = chainId || (chains.length === 1 ? String(chains[0]!.chainId) : '');
  const liveAddressProblem = addressProblem(address);
  const abiPreview = abiText.trim() === '' ? null : parseAbiText(abiText);

  const readAbiFile = (file: File): void => {
    const reader = new FileReader();
    reader.onload = () => {
      setAbiText(String(reader.result ?? ''));
      setAbiFileName(file.name);
      setErrors(({ abi: _dropped, ...rest }) => rest);
    };
    reader.onerror = () =>
      setErrors((current) => ({ ...current, abi: `Could not read ${file.name}.` }));
    reader.readAsText(file);
  };

  const onDrop = (event: DragEvent): void => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) readAbiFile(file);
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setAdded(null);
    const abi = parseAbiText(abiText);
    const input = {
      chainId: selectedChainId === '' ? Number.NaN : Number(selectedChainId),
      address,
      name: name.trim() === '' ? undefined : name,
      // Empty: the server finds the block the contract was created in.
      startBlock: startBlock.trim() === '' ? undefined : Number(startBlock.trim()),
      abi: abi.ok ? abi.abi : '',
    };
    const checked = ContractsAddInput.safeParse(input);
    const found: FieldErrors = checked.success ? {} : errorsFromIssues(checked.error.issues);
    if (selectedChainId === '') found.chainId = 'Choose the chain this contract lives on.';
    const startBlockProblem = startBlock.trim() === '' ? null : wholeNumberProblem(startBlock, '0');
    if (startBlockProblem) found.startBlock = startBlockProblem;
    if (!abi.ok) found.abi = abi.message;
    else delete found.abi;
    if (!checked.success || Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await vigil.call('contracts.add', checked.data);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, CONTRACT_FORM_FIELDS));
      return;
    }
    setAdded(result.value.name || result.value.address);
    setAddress('');
    setName('');
    setStartBlock('');
    setAbiText('');
    setAbiFileName(null);
    void useConfig.getState().load();
  };

  return (
    <form
      className="form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="Add contract"
    >
      <Field id="contract-chain" label="Chain" error={errors.chainId}>
        <select
          id="contract-chain"
          value={selectedChainId}
          onChange={(e) => setChainId(e.target.value)}
        >
          <option value="" disabled>
            Choose a chain…
          </option>
          {chains.map((chain) => (
            <option key={chain.chainId} value={chain.chainId}>
              {visibleText(chain.name)} (#{chain.chainId})
            </option>
          ))}
        </select>
      </Field>
      <Field id="contract-address" label="Address" error={errors.address ?? liveAddressProblem}>
        <input
          id="contract-address"
          className="mono"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      <Field id="contract-name" label="Name" error={errors.name}>
        <input
          id="contract-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="USDC treasury"
          autoComplete="off"
        />
      </Field>
      <Field
        id="contract-start-block"
        label="Start block"
        error={errors.startBlock}
        hint="Backfill begins here. Empty: Vigil finds the block the contract was created in."
      >
        <div className="inline-action">
          <input
            id="contract-start-block"
            value={startBlock}
            onChange={(e) => setStartBlock(e.target.value)}
            inputMode="numeric"
            placeholder="found from the chain"
          />
          <FindCreationBlock
            key={`${selectedChainId}:${address}`}
            chainId={selectedChainId}
            address={address}
            onFound={(block) => {
              setStartBlock(String(block));
              setErrors(({ startBlock: _dropped, ...rest }) => rest);
            }}
          />
        </div>
      </Field>
      <FetchVerifiedAbi
        key={`fetch:${selectedChainId}:${address}`}
        chainId={selectedChainId}
        address={address}
        onFetched={(found) => {
          setAbiText(JSON.stringify(found.abi, null, 2));
          setAbiFileName(`${found.source === 'sourcify' ? 'Sourcify' : 'Etherscan'}`);
          if (name.trim() === '' && found.name) setName(found.name);
          setErrors(({ abi: _dropped, ...rest }) => rest);
        }}
      />
      <Field
        id="contract-abi"
        label="ABI"
        error={errors.abi ?? (abiPreview && !abiPreview.ok ? abiPreview.message : null)}
        hint={
          abiPreview?.ok
            ? `Looks good: ${visibleText(abiPreview.summary)}${abiFileName ? ` from ${abiFileName}` : ''}.`
            : 'Paste JSON, a build artifact, or signatures one per line — or drop a .json file here.'
        }
      >
        <textarea
          id="contract-abi"
          className={dragging ? 'mono drop-target dragging' : 'mono drop-target'}
          rows={8}
          value={abiText}
          onChange={(e) => {
            setAbiText(e.target.value);
            setAbiFileName(null);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          placeholder={'event Transfer(address indexed from, address indexed to, uint256 value)'}
          spellCheck={false}
        />
      </Field>
      <div className="file-pick">
        <label htmlFor="contract-abi-file" className="button button-small">
          Choose .json file
        </label>
        <input
          id="contract-abi-file"
          className="visually-hidden"
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) readAbiFile(file);
            e.target.value = '';
          }}
        />
      </div>
      {errors.form && (
        <div className="form-error" role="alert">
          {errors.form}
        </div>
      )}
      {added && (
        <div className="form-ok" role="status">
          Watching {added}.
        </div>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add contract'}
      </button>
    </form>
  );
}
