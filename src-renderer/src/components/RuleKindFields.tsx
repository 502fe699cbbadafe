// The rule editor's parts for transaction and balance rules, and for the transaction a rule may
// propose when it fires. Amounts are typed in the chain's own currency and sent as wei; main
// checks the proposal as the queue would (signer, encoding, balance) when the rule is saved.
import { visibleText } from '@contract';
import type { FieldErrors } from './form-errors.ts';
import type { Draft, ProposeDraft } from './rule-draft.ts';
import { findChain, useChain, useConfig } from '../stores/config.ts';
import { nativeSymbol } from '../units.ts';
import { useSigners } from '../stores/signers.ts';
import { Field } from './Field.tsx';
import { Checkbox, NumberField, TextField } from './Inputs.tsx';
import { FieldError } from './StateViews.tsx';

interface PartProps {
  draft: Draft;
  set: (change: Partial<Draft>) => void;
  errors: FieldErrors;
}

interface PickerFieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  /** The choice of none in particular ('' as the value): "any chain". */
  anyLabel?: string;
}

/** A labelled drop-down of the signers, by label and shortened address. */
export function SignerField({ id, label, error, value, onChange, anyLabel }: PickerFieldProps) {
  const { signers } = useSigners();
  return (
    <Field id={id} label={label} error={error}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {anyLabel !== undefined ? (
          <option value="">{anyLabel}</option>
        ) : (
          value === '' && (
            <option value="">{signers.length ? 'choose a signer' : 'no signers yet'}</option>
          )
        )}
        {signers.map((signer) => (
          <option key={signer.address} value={signer.address}>
            {visibleText(signer.label)} ({signer.address.slice(0, 8)}…{signer.address.slice(-4)})
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled drop-down of the configured chains, by name and id. */
export function ChainField({ id, label, error, value, onChange, anyLabel }: PickerFieldProps) {
  const { chains } = useConfig();
  return (
    <Field id={id} label={label} error={error}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {chains.map((chain) => (
          <option key={chain.chainId} value={chain.chainId}>
            {visibleText(chain.name)} ({chain.chainId})
          </option>
        ))}
      </select>
    </Field>
  );
}

const outcomes = ['failed', 'dropped', 'stuck'] as const;

export function TransactionFields({ draft, set, errors }: PartProps) {
  return (
    <>
      <div className="form-grid">
        <ChainField
          id="rule-tx-chain"
          label="Chain"
          error={errors.chainId}
          value={draft.txChainId}
          onChange={(txChainId) => set({ txChainId })}
          anyLabel="any chain"
        />
        <SignerField
          id="rule-tx-from"
          label="From signer"
          error={errors.from}
          value={draft.txFrom}
          onChange={(txFrom) => set({ txFrom })}
          anyLabel="any signer"
        />
        <NumberField
          id="rule-stuck-seconds"
          label="Stuck after (seconds)"
          error={errors.stuckSeconds}
          value={draft.stuckSeconds}
          onChange={(stuckSeconds) => set({ stuckSeconds })}
        />
      </div>
      <div className="form-row" role="group" aria-label="Alert when a transaction">
        <span className="field-label">Alert when a transaction</span>
        {outcomes.map((outcome) => (
          <Checkbox
            key={outcome}
            checked={draft.txOn.includes(outcome)}
            onChange={(checked) =>
              set({
                txOn: checked
                  ? [...draft.txOn, outcome]
                  : draft.txOn.filter((item) => item !== outcome),
              })
            }
          >
            {outcome === 'failed'
              ? 'failed on chain'
              : outcome === 'dropped'
                ? 'was dropped'
                : 'is stuck'}
          </Checkbox>
        ))}
      </div>
      <FieldError message={errors.on} />
    </>
  );
}

export function BalanceFields({ draft, set, errors }: PartProps) {
  const chain = useChain(Number(draft.chainId));
  return (
    <div className="form-grid">
      <SignerField
        id="rule-balance-signer"
        label="Signer"
        error={errors.address}
        value={draft.signer}
        onChange={(signer) => set({ signer })}
      />
      <ChainField
        id="rule-balance-chain"
        label="Chain"
        error={errors.chainId}
        value={draft.chainId}
        onChange={(chainId) => set({ chainId })}
      />
      <TextField
        id="rule-balance-below"
        label={`Below (${nativeSymbol(chain)})`}
        error={errors.below}
        hint="The native balance floor."
        inputMode="decimal"
        placeholder="0.5"
        value={draft.belowEther}
        onChange={(belowEther) => set({ belowEther })}
      />
    </div>
  );
}

export function FailedCallFields({ draft, set, errors }: PartProps) {
  return (
    <div className="form-grid">
      <ChainField
        id="rule-failed-chain"
        label="Chain"
        error={errors.chainId}
        value={draft.chainId}
        onChange={(chainId) => set({ chainId })}
      />
      <NumberField
        id="rule-failed-confirmations"
        label="Confirmations"
        error={errors.confirmations}
        hint="0 fires at once, as tentative."
        value={draft.confirmations}
        onChange={(confirmations) => set({ confirmations })}
      />
      <Field
        id="rule-failed-addresses"
        label="Addresses"
        error={errors.addresses}
        hint="A transaction sent to any of them that fails on chain fires, whoever sent it. One a line."
      >
        <textarea
          id="rule-failed-addresses"
          className="mono"
          rows={3}
          spellCheck={false}
          placeholder="0x…"
          value={draft.addresses}
          onChange={(e) => set({ addresses: e.target.value })}
        />
      </Field>
    </div>
  );
}

const emptyProposal = (chainId: string): ProposeDraft => ({
  chainId,
  from: '',
  to: '',
  valueEther: '',
  functionName: '',
  functionArgs: '',
  data: '',
  note: '',
});

export function ProposeFields({
  draft,
  set,
  error,
}: {
  draft: Draft;
  set: PartProps['set'];
  error: string | undefined;
}) {
  const { chains } = useConfig();
  const proposal = draft.propose;
  const update = (change: Partial<ProposeDraft>): void =>
    set({ propose: { ...proposal!, ...change } });
  return (
    <fieldset className="channels propose">
      <legend>Action</legend>
      <Checkbox
        checked={proposal !== null}
        onChange={(checked) =>
          set({
            propose: checked
              ? emptyProposal(draft.chainId || String(chains[0]?.chainId ?? ''))
              : null,
          })
        }
      >
        Propose a transaction when it fires (it waits in the queue for approval by hand)
      </Checkbox>
      {proposal && (
        <>
          <div className="form-grid">
            <ChainField
              id="rule-propose-chain"
              label="Chain"
              value={proposal.chainId}
              onChange={(chainId) => update({ chainId })}
            />
            <SignerField
              id="rule-propose-from"
              label="From signer"
              value={proposal.from}
              onChange={(from) => update({ from })}
            />
            <TextField
              id="rule-propose-to"
              label="To"
              className="mono"
              placeholder="0x…"
              value={proposal.to}
              onChange={(to) => update({ to })}
            />
            <TextField
              id="rule-propose-value"
              label={`Value (${nativeSymbol(findChain(chains, Number(proposal.chainId)))})`}
              inputMode="decimal"
              placeholder="0"
              value={proposal.valueEther}
              onChange={(valueEther) => update({ valueEther })}
            />
            <TextField
              id="rule-propose-function"
              label="Function"
              hint="A name or signature; empty for a plain transfer."
              className="mono"
              placeholder="pause"
              value={proposal.functionName}
              onChange={(functionName) => update({ functionName })}
            />
            <TextField
              id="rule-propose-args"
              label="Arguments (JSON list)"
              className="mono"
              placeholder='["0x…", "1000"]'
              value={proposal.functionArgs}
              onChange={(functionArgs) => update({ functionArgs })}
            />
          </div>
          <TextField
            id="rule-propose-note"
            label="Note for the approver"
            value={visibleText(proposal.note)}
            onChange={(note) => update({ note })}
          />
        </>
      )}
      <FieldError message={error} />
    </fieldset>
  );
}
