// Composing a proposal: a call to a watched contract's function (a form built from its ABI, each
// field checked by type as you type — by main's own encoder), raw calldata, or a plain value
// transfer. Proposing only queues it: it is simulated and waits for approval.
import { visibleText } from '@contract';
import { useEffect, useState, type FormEvent } from 'react';
import type { ContractError } from '@contract';
import { vigil } from '../client/index.ts';
import { findChain, useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { findSafe, useSafes } from '../stores/safes.ts';
import { etherToWei, nativeLabel, nativeSymbol } from '../units.ts';
import { isAddress } from '../abi-text.ts';
import { typeText, writableFunctions } from '../abi-functions.ts';
import { hrefFor, navigate } from '../route.ts';
import { DetailPane } from './DetailPane.tsx';
import { Field } from './Field.tsx';
import { EmptyState, FormError } from './StateViews.tsx';

type Mode = 'function' | 'raw' | 'transfer';

function placeholderFor(type: string): string {
  if (type === 'address') return '0x… (40 hex digits)';
  if (/^u?int/.test(type)) return 'a whole number, e.g. 1000000 or 1.5e18';
  if (type === 'bool') return 'true or false';
  if (/^bytes\d+$/.test(type)) return `0x… (${type.slice(5)} bytes)`;
  if (type === 'bytes') return '0x…';
  if (type.endsWith(']') || type.startsWith('tuple')) return 'JSON, e.g. ["0x…", "0x…"]';
  return '';
}

export function ComposeTransaction() {
  const chains = useConfig((state) => state.chains);
  const contracts = useConfig((state) => state.contracts);
  const signers = useSigners((state) => state.signers);
  const { safes } = useSafes();
  const [chainId, setChainId] = useState('');
  const [from, setFrom] = useState('');
  const [mode, setMode] = useState<Mode>('function');
  const [contractId, setContractId] = useState('');
  const [signature, setSignature] = useState('');
  const [args, setArgs] = useState<string[]>([]);
  const [to, setTo] = useState('');
  const [data, setData] = useState('');
  const [valueEther, setValueEther] = useState('');
  const [note, setNote] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [argErrors, setArgErrors] = useState<Record<number, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const selectedChainId = chainId || (chains.length === 1 ? String(chains[0]!.chainId) : '');
  // What the value is typed in: the chain's own currency.
  const currency = nativeSymbol(findChain(chains, Number(selectedChainId)));
  const selectedFrom = from || (signers.length === 1 ? signers[0]!.address : '');
  const safesOnChain = safes.filter((safe) => String(safe.chainId) === selectedChainId);
  // Proposed as a Safe: its owners sign it, and a signer executes it once enough have.
  const asSafe = selectedFrom
    ? findSafe(safesOnChain, Number(selectedChainId), selectedFrom)
    : undefined;
  const contractsOnChain = contracts.filter(
    (contract) => String(contract.chainId) === selectedChainId,
  );
  const contract =
    contractsOnChain.find((candidate) => candidate.id === contractId) ??
    (contractsOnChain.length === 1 ? contractsOnChain[0] : undefined);
  const functions = writableFunctions(contract);
  const chosen =
    functions.find((candidate) => candidate.signature === signature) ??
    (functions.length === 1 ? functions[0] : undefined);
  const balance = signers
    .find((signer) => signer.address === selectedFrom)
    ?.balances.find((entry) => String(entry.chainId) === selectedChainId)?.balance;
  const valueWei = valueEther.trim() === '' ? '0' : etherToWei(valueEther);
  const payable = mode !== 'function' || chosen?.fn.stateMutability === 'payable';

  // Main's encoder checks each argument by its ABI type; ask it as the operator types.
  const encodeTarget = mode === 'function' && chosen && contract ? contract : undefined;
  const encodeSignature = chosen?.signature ?? '';
  const argCount = chosen?.fn.inputs.length ?? 0;
  const argsKey = JSON.stringify(args.slice(0, argCount));
  useEffect(() => {
    if (!encodeTarget) return;
    const typed: string[] = JSON.parse(argsKey) as string[];
    let current = true;
    const timer = setTimeout(() => {
      if (typed.every((arg) => !arg || arg.trim() === '')) {
        setArgErrors({});
        return;
      }
      void vigil
        .call('txs.encode', {
          chainId: encodeTarget.chainId,
          to: encodeTarget.address,
          function: {
            name: encodeSignature,
            args: Array.from({ length: argCount }, (_, index) => typed[index] ?? ''),
          },
        })
        .then((result) => {
          if (current) setArgErrors(result.ok ? {} : argErrorsFrom(result.error, typed));
        });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [encodeTarget, encodeSignature, argCount, argsKey]);

  if (chains.length === 0 || signers.length === 0) {
    return (
      <DetailPane
        label="New transaction"
        title="New transaction"
        onClose={() => navigate('transactions')}
        closeLabel="Close"
        className="tx-detail"
      >
        <EmptyState
          action={
            <a className="button" href={hrefFor(chains.length === 0 ? 'chains' : 'signers')}>
              {chains.length === 0 ? 'Add a chain' : 'Add a signer'}
            </a>
          }
        >
          {chains.length === 0
            ? 'Add a chain first.'
            : 'Import or generate a signer first: proposals are sent from a signer.'}
        </EmptyState>
      </DetailPane>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!selectedChainId) found.chainId = 'Choose a chain.';
    if (!selectedFrom) found.from = 'Choose the signer that sends it.';
    if (valueWei === null)
      found.value = `An amount in ${currency}, e.g. 0.25 (at most 18 decimals).`;
    if (mode === 'function' && !contract) found.contract = 'Choose a watched contract.';
    if (mode === 'function' && contract && !chosen) found.function = 'Choose a function.';
    if (mode !== 'function' && !isAddress(to.trim()))
      found.to = 'An address: 0x and 40 hex digits.';
    if (mode === 'raw' && !/^0x([0-9a-fA-F]{2})*$/.test(data.trim()))
      found.data = 'Calldata as 0x-hex of whole bytes.';
    setFieldErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0 || Object.keys(argErrors).length > 0) return;
    setBusy(true);
    const result = await vigil.call('txs.propose', {
      chainId: Number(selectedChainId),
      ...(asSafe ? { safe: asSafe.address } : { from: selectedFrom }),
      ...(mode === 'function'
        ? {
            to: contract!.address,
            function: {
              name: chosen!.signature,
              args: chosen!.fn.inputs.map((_, index) => args[index] ?? ''),
            },
          }
        : { to: to.trim() }),
      ...(mode === 'raw' ? { data: data.trim() } : {}),
      ...(valueWei && valueWei !== '0' ? { value: valueWei } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      const field = result.error.field ?? '';
      if (field.startsWith('function.args[')) setArgErrors(argErrorsFrom(result.error, args));
      else if (field === 'safe') setFieldErrors({ from: result.error.message });
      else if (['value', 'to', 'data', 'from', 'chainId'].includes(field))
        setFieldErrors({ [field]: result.error.message });
      else setFormError(result.error.message);
      return;
    }
    navigate('transactions', { id: result.value.id });
  };

  return (
    <DetailPane
      label="New transaction"
      title="New transaction"
      onClose={() => navigate('transactions')}
      focus="first-control"
      closeLabel="Close"
      className="tx-detail"
    >
      <form
        className="form"
        aria-label="Propose a transaction"
        onSubmit={(event) => void submit(event)}
      >
        <Field id="tx-chain" label="Chain" error={fieldErrors.chainId}>
          <select
            id="tx-chain"
            value={selectedChainId}
            onChange={(event) => setChainId(event.target.value)}
          >
            <option value="">Choose…</option>
            {chains.map((chain) => (
              <option key={chain.chainId} value={chain.chainId}>
                {visibleText(chain.name)} (#{chain.chainId})
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="tx-from"
          label="From (signer, or as a Safe)"
          error={fieldErrors.from}
          hint={
            asSafe
              ? `As Safe ${visibleText(asSafe.name)}: ${asSafe.threshold} of its ${asSafe.owners.length} owners sign it, then a signer executes it.`
              : balance
                ? `Balance: ${nativeLabel(balance, findChain(chains, Number(selectedChainId)))}`
                : undefined
          }
        >
          <select
            id="tx-from"
            value={selectedFrom}
            onChange={(event) => setFrom(event.target.value)}
          >
            <option value="">Choose…</option>
            <optgroup label="Signers">
              {signers.map((signer) => (
                <option key={signer.address} value={signer.address}>
                  {visibleText(signer.label)} — {signer.address}
                </option>
              ))}
            </optgroup>
            {safesOnChain.length > 0 && (
              <optgroup label="As a Safe (owners sign)">
                {safesOnChain.map((safe) => (
                  <option key={safe.id} value={safe.address}>
                    Safe {visibleText(safe.name)} — {safe.address}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </Field>
        <fieldset className="mode-choice">
          <legend>What to send</legend>
          {(
            [
              ['function', 'Contract function'],
              ['raw', 'Raw calldata'],
              ['transfer', 'Value transfer'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="checkbox">
              <input
                type="radio"
                name="tx-mode"
                value={value}
                checked={mode === value}
                onChange={() => setMode(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>

        {mode === 'function' ? (
          <>
            <Field id="tx-contract" label="Contract" error={fieldErrors.contract}>
              <select
                id="tx-contract"
                value={contract?.id ?? ''}
                onChange={(event) => {
                  setContractId(event.target.value);
                  setSignature('');
                  setArgs([]);
                }}
              >
                <option value="">
                  {contractsOnChain.length ? 'Choose…' : 'No watched contracts on this chain'}
                </option>
                {contractsOnChain.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name} — {candidate.address}
                  </option>
                ))}
              </select>
            </Field>
            {contract && (
              <Field id="tx-function" label="Function" error={fieldErrors.function}>
                <select
                  id="tx-function"
                  value={chosen?.signature ?? ''}
                  onChange={(event) => {
                    setSignature(event.target.value);
                    setArgs([]);
                  }}
                >
                  <option value="">
                    {functions.length ? 'Choose…' : 'Its ABI has no state-changing functions'}
                  </option>
                  {functions.map((candidate) => (
                    <option key={candidate.signature} value={candidate.signature}>
                      {candidate.signature}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            {chosen?.fn.inputs.map((param, index) => {
              const label = `${param.name || `argument ${index + 1}`} (${typeText(param)})`;
              return (
                <Field
                  key={`${chosen.signature}-${index}`}
                  id={`tx-arg-${index}`}
                  label={label}
                  error={argErrors[index]}
                >
                  <input
                    id={`tx-arg-${index}`}
                    className="mono"
                    spellCheck={false}
                    placeholder={placeholderFor(param.type)}
                    value={args[index] ?? ''}
                    onChange={(event) => {
                      const next = [...args];
                      next[index] = event.target.value;
                      setArgs(next);
                    }}
                  />
                </Field>
              );
            })}
          </>
        ) : (
          <Field id="tx-to" label="To" error={fieldErrors.to}>
            <input
              id="tx-to"
              className="mono"
              spellCheck={false}
              placeholder="0x…"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          </Field>
        )}
        {mode === 'raw' && (
          <Field id="tx-data" label="Calldata" error={fieldErrors.data}>
            <textarea
              id="tx-data"
              className="mono"
              rows={3}
              spellCheck={false}
              placeholder="0x…"
              value={data}
              onChange={(event) => setData(event.target.value)}
            />
          </Field>
        )}
        {payable && (
          <Field
            id="tx-value"
            label={`Value (${currency})`}
            error={fieldErrors.value}
            hint={
              valueWei && valueWei !== '0' ? `${valueWei} wei` : 'Leave empty to send no value.'
            }
          >
            <input
              id="tx-value"
              inputMode="decimal"
              placeholder="0"
              value={valueEther}
              onChange={(event) => setValueEther(event.target.value)}
            />
          </Field>
        )}
        <Field id="tx-note" label="Note (optional)">
          <input id="tx-note" value={note} onChange={(event) => setNote(event.target.value)} />
        </Field>
        <FormError message={formError} />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Proposing…' : 'Propose'}
        </button>
        <p className="small muted">
          It is simulated at once and waits for approval; nothing is sent until you approve it.
        </p>
      </form>
    </DetailPane>
  );
}

/** `function.args[1]` (or `function.args[1][0]`) → the input it is about. */
function argErrorsFrom(error: ContractError, args: string[]): Record<number, string> {
  const match = /^function\.args\[(\d+)\]/.exec(error.field ?? '');
  if (match)
    return {
      [Number(match[1])]: error.message.replace(/^function\.args\[\d+\][^ ]* \([^)]*\): /, ''),
    };
  if (error.field === 'function.args') return { [Math.max(0, args.length - 1)]: error.message };
  return {};
}
