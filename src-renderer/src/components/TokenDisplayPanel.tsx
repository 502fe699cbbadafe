// How a watched contract's amounts read, in the Contracts view: what Vigil read from the chain or
// the operator set, a form to set decimals and symbol by hand (for tokens that lie or lack them),
// and "Read from the chain again", which forgets the hand-made setting.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { ContractsSetTokenInput, visibleText, type WatchedContract } from '@contract';
import { vigil } from '../client/index.ts';
import { useConfig } from '../stores/config.ts';
import { Field } from './Field.tsx';
import { errorsFromIssues, wholeNumberProblem, type FieldErrors } from './form-errors.ts';
import { announce } from './announce.ts';

const TokenSetting = ContractsSetTokenInput.shape.token.unwrap();
type TokenSetting = z.output<typeof TokenSetting>;
const FORM_FIELDS = ['decimals', 'symbol'];

/** "18 decimals, DEMO (from the chain)", "integers (no decimals())", "not read yet". */
export function describeTokenDisplay(token: WatchedContract['token']): string {
  if (!token) return 'not read from the chain yet';
  const source = token.source === 'operator' ? 'set by hand' : 'from the chain';
  if (token.decimals === null) return `integers (no decimals()) (${source})`;
  const symbol = token.symbol === null ? 'no symbol' : visibleText(token.symbol);
  return `${token.decimals} decimals, ${symbol} (${source})`;
}

export function TokenDisplayPanel({ contract }: { contract: WatchedContract }) {
  const id = useId();
  const token = contract.token;
  const [open, setOpen] = useState(false);
  const [decimals, setDecimals] = useState('');
  const [symbol, setSymbol] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const decimalsInput = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Focus goes into the form that opened, and back to what opened it when it closes.
  useEffect(() => {
    if (open) decimalsInput.current?.focus();
    else if (wasOpen.current) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const begin = (): void => {
    setDecimals(token?.decimals === null || !token ? '' : String(token.decimals));
    setSymbol(token?.symbol ?? '');
    setErrors({});
    setOpen(true);
  };

  const send = async (setting: TokenSetting | null): Promise<boolean> => {
    setBusy(true);
    const result = await vigil.call('contracts.setToken', { id: contract.id, token: setting });
    setBusy(false);
    if (!result.ok) {
      // The server names "token.decimals" or "token.symbol"; anything else belongs to the form.
      const field = result.error.field?.replace(/^token\./, '') ?? '';
      setErrors({ [FORM_FIELDS.includes(field) ? field : 'form']: result.error.message });
      return false;
    }
    void useConfig.getState().load();
    announce(`${contract.name}: amounts read as ${describeTokenDisplay(result.value.token)}.`);
    return true;
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const decimalsProblem = wholeNumberProblem(decimals, '18');
    const checked = TokenSetting.safeParse({
      decimals: decimalsProblem ? 0 : Number(decimals.trim()),
      symbol: symbol.trim() === '' ? null : symbol,
    });
    const found: FieldErrors = checked.success ? {} : errorsFromIssues(checked.error.issues);
    if (decimalsProblem) found.decimals = decimalsProblem;
    if (!checked.success || Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    if (await send(checked.data)) setOpen(false);
  };

  return (
    <div className="token-display">
      <span className="small">{describeTokenDisplay(token)}</span>{' '}
      {!open && (
        <button
          type="button"
          className="button-small"
          ref={opener}
          aria-label={`Set decimals and symbol of ${contract.name}`}
          onClick={begin}
        >
          Set…
        </button>
      )}
      {open && (
        <form
          className="form token-form"
          noValidate
          aria-label={`Decimals and symbol of ${contract.name}`}
          onSubmit={(event) => void save(event)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <div className="token-form-fields">
            <Field
              id={`${id}-decimals`}
              label="Decimals"
              error={errors.decimals}
              hint="0 to 77; 0 reads amounts as whole numbers."
            >
              <input
                id={`${id}-decimals`}
                inputMode="numeric"
                size={4}
                value={decimals}
                ref={decimalsInput}
                onChange={(e) => setDecimals(e.target.value)}
              />
            </Field>
            <Field
              id={`${id}-symbol`}
              label="Symbol"
              error={errors.symbol}
              hint="Empty: amounts read without a symbol."
            >
              <input
                id={`${id}-symbol`}
                size={8}
                value={symbol}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setSymbol(e.target.value)}
              />
            </Field>
          </div>
          {errors.form && (
            <div className="form-error" role="alert">
              {errors.form}
            </div>
          )}
          <div className="inline-action">
            <button type="submit" className="button-primary button-small" disabled={busy}>
              Save
            </button>
            <button type="button" className="button-small" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {token?.source === 'operator' && !open && (
        <button
          type="button"
          className="button-small"
          disabled={busy}
          onClick={() => void send(null).then((sent) => sent && opener.current?.focus())}
        >
          Read from the chain again
        </button>
      )}
    </div>
  );
}
