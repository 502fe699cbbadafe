// The policy editor: which signer may send on which chain, to which watched contracts and
// functions (each with an optional condition on its arguments), within which limits. Amounts
// are typed in ETH and gwei and sent in wei; main checks the whole policy on save and its
// refusal is shown under the field it names. Creating, widening or enabling asks for a person.
import { useState, type FormEvent } from 'react';
import { visibleText, type AutomationPolicy, type WatchedContract } from '@contract';
import { vigil } from '../client/index.ts';
import { findChain, useConfig } from '../stores/config.ts';
import { writableFunctions } from '../abi-functions.ts';
import { nativeSymbol } from '../units.ts';
import {
  errorsOfRefusal,
  inputOfDraft,
  newTarget,
  unclaimedErrors,
  type PolicyDraft,
  type PolicyErrors,
  type PolicyTargetDraft,
} from '../policy-draft.ts';
import { Field } from './Field.tsx';
import { ChainField, SignerField } from './RuleKindFields.tsx';
import { Checkbox, TextField } from './Inputs.tsx';
import { FieldError, FormError } from './StateViews.tsx';

/** The fields the form has a control for; the server's other paths show above Save. */
const TOP_FIELDS = [
  'name',
  'chainId',
  'signer',
  'maxValuePerTx',
  'maxFeePerGas',
  'dailyBudget',
  'maxPerHour',
];
const TARGET_PATH = /^targets\[\d+\](\.address|\.functions(\[\d+\]\.(function|condition))?)?$/;

export function PolicyEditor({
  policy,
  onDone,
}: {
  policy: PolicyDraft;
  onDone: (saved?: AutomationPolicy) => void;
}) {
  const { chains, contracts } = useConfig();
  const [draft, setDraft] = useState(policy);
  const [errors, setErrors] = useState<PolicyErrors>({});
  const [busy, setBusy] = useState(false);
  const update = (change: Partial<PolicyDraft>): void => setDraft({ ...draft, ...change });
  const chain = findChain(chains, Number(draft.chainId));
  const symbol = nativeSymbol(chain);
  const watched = contracts.filter((contract) => String(contract.chainId) === draft.chainId);

  const setTarget = (index: number, target: PolicyTargetDraft): void =>
    update({ targets: draft.targets.with(index, target) });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const built = inputOfDraft(draft);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const answer = await vigil.call('automation.policies.save', built.input);
    setBusy(false);
    if (answer.ok) onDone(answer.value);
    else setErrors(errorsOfRefusal(answer.error));
  };

  const claimed = (path: string): boolean => TOP_FIELDS.includes(path) || TARGET_PATH.test(path);
  const creating = draft.id === undefined;
  const needsPerson = creating || draft.enabled;
  return (
    <form className="form policy-form" aria-label="Policy editor" onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <TextField
          id="policy-name"
          label="Name"
          value={draft.name}
          onChange={(name) => update({ name })}
          error={errors['name']}
          placeholder="Harvest keeper"
        />
        <ChainField
          id="policy-chain"
          label="Chain"
          error={errors['chainId']}
          value={draft.chainId}
          anyLabel="Choose a chain"
          onChange={(chainId) => update({ chainId, targets: [newTarget()] })}
        />
        <SignerField
          id="policy-signer"
          label="Signer (from the keychain)"
          error={errors['signer']}
          value={draft.signer}
          onChange={(signer) => update({ signer })}
        />
      </div>

      <fieldset className="policy-targets">
        <legend>What it may call</legend>
        {draft.targets.map((target, index) => (
          <TargetFields
            key={target.key}
            index={index}
            target={target}
            contracts={watched}
            errors={errors}
            onChange={(changed) => setTarget(index, changed)}
            onRemove={
              draft.targets.length > 1
                ? () => update({ targets: draft.targets.filter((_, at) => at !== index) })
                : undefined
            }
          />
        ))}
        {draft.chainId !== '' && watched.length === 0 && (
          <p className="small muted">No contract is watched on this chain yet (Contracts).</p>
        )}
        <button
          type="button"
          className="button-small"
          onClick={() => update({ targets: [...draft.targets, newTarget()] })}
        >
          + Contract
        </button>
      </fieldset>

      <fieldset>
        <legend>Limits</legend>
        <div className="form-grid">
          <TextField
            id="policy-max-value"
            label={`Max value per transaction (${symbol})`}
            value={draft.maxValueEther}
            onChange={(maxValueEther) => update({ maxValueEther })}
            error={errors['maxValuePerTx']}
            inputMode="decimal"
            hint="0 for calls that carry no value"
          />
          <TextField
            id="policy-max-fee"
            label="Max fee per gas (gwei)"
            value={draft.maxFeeGwei}
            onChange={(maxFeeGwei) => update({ maxFeeGwei })}
            error={errors['maxFeePerGas']}
            inputMode="decimal"
            placeholder="50"
          />
          <TextField
            id="policy-daily-budget"
            label={`Daily budget (${symbol})`}
            value={draft.dailyBudgetEther}
            onChange={(dailyBudgetEther) => update({ dailyBudgetEther })}
            error={errors['dailyBudget']}
            inputMode="decimal"
            hint="Value plus the most fees can cost, over a rolling 24 hours"
            placeholder="0.1"
          />
          <TextField
            id="policy-per-hour"
            label="At most per hour"
            value={draft.maxPerHour}
            onChange={(maxPerHour) => update({ maxPerHour })}
            error={errors['maxPerHour']}
            inputMode="numeric"
            placeholder="4"
          />
        </div>
      </fieldset>

      <Checkbox checked={draft.enabled} onChange={(enabled) => update({ enabled })}>
        Enabled (approves on its own while the switch is running)
      </Checkbox>
      {unclaimedErrors(errors, claimed).map((message) => (
        <FormError key={message} message={message} />
      ))}
      <div className="form-row">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy
            ? needsPerson
              ? 'Waiting for approval…'
              : 'Saving…'
            : creating
              ? 'Create policy'
              : 'Save policy'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
        <span className="small muted">
          {creating
            ? 'Creating a policy needs your approval.'
            : 'Widening or enabling needs your approval; narrowing does not.'}
        </span>
      </div>
    </form>
  );
}

/** One contract the policy may call: which of its functions, each with an optional condition. */
function TargetFields({
  index,
  target,
  contracts,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  target: PolicyTargetDraft;
  contracts: WatchedContract[];
  errors: PolicyErrors;
  onChange: (target: PolicyTargetDraft) => void;
  onRemove: (() => void) | undefined;
}) {
  const contract = contracts.find(
    (item) => item.address.toLowerCase() === target.address.toLowerCase(),
  );
  const functions = writableFunctions(contract);
  const path = `targets[${index}]`;
  const chosenIndex = (signature: string): number =>
    target.functions.findIndex((fn) => fn.signature === signature);
  const toggle = (signature: string, on: boolean): void => {
    const kept = target.functions.filter((fn) => fn.signature !== signature);
    // In the ABI's order, so the server's `functions[i]` paths match what is shown.
    const next = on
      ? functions
          .map((fn) => fn.signature)
          .filter(
            (candidate) => candidate === signature || kept.some((k) => k.signature === candidate),
          )
          .map(
            (candidate) =>
              kept.find((k) => k.signature === candidate) ?? { signature, condition: '' },
          )
      : kept;
    onChange({ ...target, functions: next });
  };
  const setCondition = (signature: string, condition: string): void =>
    onChange({
      ...target,
      functions: target.functions.map((fn) =>
        fn.signature === signature ? { ...fn, condition } : fn,
      ),
    });
  return (
    <div className="policy-target" data-testid="policy-target">
      <div className="form-row">
        <Field
          id={`policy-target-${target.key}`}
          label={`Contract ${index + 1}`}
          error={errors[`${path}.address`] ?? errors[path]}
        >
          <select
            id={`policy-target-${target.key}`}
            value={contract?.address ?? target.address}
            onChange={(e) => onChange({ ...target, address: e.target.value, functions: [] })}
          >
            <option value="">Choose a watched contract</option>
            {contracts.map((item) => (
              <option key={item.id} value={item.address}>
                {visibleText(item.name)} — {item.address}
              </option>
            ))}
          </select>
        </Field>
        {onRemove && (
          <button type="button" className="button-small button-danger-quiet" onClick={onRemove}>
            Remove contract {index + 1}
          </button>
        )}
      </div>
      {contract && functions.length === 0 && (
        <p className="small muted">Its ABI has no function that changes state.</p>
      )}
      {functions.length > 0 && (
        <ul className="policy-functions" aria-label={`Functions of contract ${index + 1}`}>
          {functions.map(({ signature }) => {
            const at = chosenIndex(signature);
            const chosen = at >= 0 ? target.functions[at]! : null;
            const fnPath = `${path}.functions[${at}]`;
            return (
              <li key={signature}>
                <Checkbox checked={chosen !== null} onChange={(on) => toggle(signature, on)}>
                  <span className="mono">{signature}</span>
                </Checkbox>
                {chosen && (
                  <TextField
                    id={`policy-condition-${target.key}-${signature}`}
                    label={`Condition on ${signature.split('(')[0]} (optional)`}
                    value={chosen.condition}
                    onChange={(condition) => setCondition(signature, condition)}
                    error={errors[`${fnPath}.condition`] ?? errors[`${fnPath}.function`]}
                    placeholder="value <= 1000e18 and to == 0x…"
                    className="mono"
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      <FieldError message={errors[`${path}.functions`]} />
    </div>
  );
}
