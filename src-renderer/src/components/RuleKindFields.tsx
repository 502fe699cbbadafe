// The rule editor's parts for transaction and balance rules, and for the transaction a rule may
// propose when it fires. Amounts are typed in ETH and sent as wei; main checks the proposal as
// the queue would (signer, encoding, balance) when the rule is saved.
import type { FieldErrors } from './form-errors.ts';
import type { Draft, ProposeDraft } from './RuleEditor.tsx';
import { useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { Field } from './Field.tsx';
import { Checkbox, NumberField, TextField } from './Inputs.tsx';

interface PartProps {
  draft: Draft;
  set: (change: Partial<Draft>) => void;
  errors: FieldErrors;
}

function SignerSelect({
  id,
  value,
  onChange,
  anyLabel,
}: {
  id: string;
  value: string;
  onChange: (address: string) => void;
  anyLabel?: string;
}) {
  const { signers } = useSigners();
  return (
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
          {signer.label} ({signer.address.slice(0, 8)}…{signer.address.slice(-4)})
        </option>
      ))}
    </select>
  );
}

function ChainSelect({
  id,
  value,
  onChange,
  anyLabel,
}: {
  id: string;
  value: string;
  onChange: (chainId: string) => void;
  anyLabel?: string;
}) {
  const { chains } = useConfig();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {anyLabel !== undefined && <option value="">{anyLabel}</option>}
      {chains.map((chain) => (
        <option key={chain.chainId} value={chain.chainId}>
          {chain.name} ({chain.chainId})
        </option>
      ))}
    </select>
  );
}

const outcomes = ['failed', 'dropped', 'stuck'] as const;

export function TransactionFields({ draft, set, errors }: PartProps) {
  return (
    <>
      <div className="form-grid">
        <Field id="rule-tx-chain" label="Chain" error={errors.chainId}>
          <ChainSelect
            id="rule-tx-chain"
            value={draft.txChainId}
            onChange={(txChainId) => set({ txChainId })}
            anyLabel="any chain"
          />
        </Field>
        <Field id="rule-tx-from" label="From signer" error={errors.from}>
          <SignerSelect
            id="rule-tx-from"
            value={draft.txFrom}
            onChange={(txFrom) => set({ txFrom })}
            anyLabel="any signer"
          />
        </Field>
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
      {errors.on && (
        <div className="field-error" role="alert">
          {errors.on}
        </div>
      )}
    </>
  );
}

export function BalanceFields({ draft, set, errors }: PartProps) {
  return (
    <div className="form-grid">
      <Field id="rule-balance-signer" label="Signer" error={errors.address}>
        <SignerSelect
          id="rule-balance-signer"
          value={draft.signer}
          onChange={(signer) => set({ signer })}
        />
      </Field>
      <Field id="rule-balance-chain" label="Chain" error={errors.chainId}>
        <ChainSelect
          id="rule-balance-chain"
          value={draft.chainId}
          onChange={(chainId) => set({ chainId })}
        />
      </Field>
      <Field
        id="rule-balance-below"
        label="Below (ETH)"
        error={errors.below}
        hint="The native balance floor."
      >
        <input
          id="rule-balance-below"
          inputMode="decimal"
          value={draft.belowEther}
          placeholder="0.5"
          onChange={(e) => set({ belowEther: e.target.value })}
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
            <Field id="rule-propose-chain" label="Chain">
              <ChainSelect
                id="rule-propose-chain"
                value={proposal.chainId}
                onChange={(chainId) => update({ chainId })}
              />
            </Field>
            <Field id="rule-propose-from" label="From signer">
              <SignerSelect
                id="rule-propose-from"
                value={proposal.from}
                onChange={(from) => update({ from })}
              />
            </Field>
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
              label="Value (ETH)"
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
            value={proposal.note}
            onChange={(note) => update({ note })}
          />
        </>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
