// The rule editor: what to watch (a contract's event with a condition, a chain's lag, or a
// silence), how bad it is, where to send it. The condition is built with the builder or typed as
// text; both stay in sync, and main checks the text live against the event's ABI. A backtest
// runs the rule as it stands over the stored history before anything is saved.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type {
  AlertRule,
  AlertRuleInput,
  AlertRuleKind,
  AlertSeverity,
  ConditionField,
  ConditionProblem,
  RequestOutput,
  WatchedContract,
} from '@contract';
import { vigil } from '../client/index.ts';
import { useConfig, chainName } from '../stores/config.ts';
import {
  builderFromTree,
  builderText,
  emptyGroup,
  type BuilderGroup,
} from '../condition-builder.ts';
import { ConditionBuilder } from './ConditionBuilder.tsx';
import { Field } from './Field.tsx';
import { CopyButton } from './CopyButton.tsx';
import { Checkbox, NumberField } from './Inputs.tsx';
import { errorsFromContractError, type FieldErrors } from './form-errors.ts';
import { argsSummary, formatCount, shortHex } from '../format.ts';
import { etherToWei, weiToEther } from '../units.ts';
import {
  BalanceFields,
  ChainField,
  FailedCallFields,
  ProposeFields,
  TransactionFields,
} from './RuleKindFields.tsx';
import { FieldError } from './StateViews.tsx';
import { Time } from './Time.tsx';
import type { Draft, ProposeDraft, WebhookDraft } from './rule-draft.ts';

const RULE_FORM_FIELDS = [
  'name',
  'kind',
  'contractId',
  'eventName',
  'condition',
  'confirmations',
  'withinSeconds',
  'chainId',
  'maxBlocks',
  'maxSeconds',
  'forSeconds',
  'cooldownSeconds',
  'channels',
  'from',
  'on',
  'stuckSeconds',
  'address',
  'below',
  'addresses',
  'propose',
] as const;

function draftOf(rule: AlertRule | undefined, contracts: WatchedContract[]): Draft {
  const firstContract = contracts[0];
  const base: Draft = {
    name: '',
    kind: 'event',
    severity: 'warning',
    enabled: false,
    cooldownSeconds: '0',
    contractId: firstContract?.id ?? '',
    eventName: firstContract?.eventNames[0] ?? '',
    confirmations: '0',
    withinSeconds: '3600',
    chainId: firstContract ? String(firstContract.chainId) : '',
    maxBlocks: '',
    maxSeconds: '',
    forSeconds: '60',
    inApp: true,
    desktop: false,
    webhooks: [],
    txChainId: '',
    txFrom: '',
    txOn: ['failed', 'dropped', 'stuck'],
    stuckSeconds: '180',
    signer: '',
    belowEther: '',
    addresses: '',
    propose: null,
  };
  if (!rule) return base;
  const channels = {
    inApp: rule.channels.some((channel) => channel.type === 'in-app'),
    desktop: rule.channels.some((channel) => channel.type === 'desktop'),
    webhooks: rule.channels.flatMap((channel) =>
      channel.type === 'webhook'
        ? [{ url: channel.url, format: channel.format, secret: '', secretHint: channel.secretHint }]
        : [],
    ),
  };
  const common = {
    ...base,
    ...channels,
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    enabled: rule.enabled,
    cooldownSeconds: String(rule.cooldownSeconds),
    propose: rule.propose
      ? {
          chainId: String(rule.propose.chainId),
          from: rule.propose.from ?? rule.propose.safe ?? '',
          asSafe: rule.propose.safe !== undefined,
          to: rule.propose.to ?? '',
          valueEther: rule.propose.value ? weiToEther(rule.propose.value).replace(/,/g, '') : '',
          functionName: rule.propose.function?.name ?? '',
          functionArgs: rule.propose.function ? JSON.stringify(rule.propose.function.args) : '',
          data: rule.propose.data ?? '',
          note: rule.propose.note ?? '',
        }
      : null,
  };
  switch (rule.kind) {
    case 'event':
      return {
        ...common,
        contractId: rule.contractId,
        eventName: rule.eventName,
        confirmations: String(rule.confirmations),
      };
    case 'silence':
      return {
        ...common,
        contractId: rule.contractId,
        eventName: rule.eventName,
        withinSeconds: String(rule.withinSeconds),
      };
    case 'lag':
      return {
        ...common,
        chainId: String(rule.chainId),
        maxBlocks: rule.maxBlocks === undefined ? '' : String(rule.maxBlocks),
        maxSeconds: rule.maxSeconds === undefined ? '' : String(rule.maxSeconds),
        forSeconds: String(rule.forSeconds),
      };
    case 'transaction':
      return {
        ...common,
        txChainId: rule.chainId === undefined ? '' : String(rule.chainId),
        txFrom: rule.from ?? '',
        txOn: rule.on,
        stuckSeconds: String(rule.stuckSeconds),
      };
    case 'balance':
      return {
        ...common,
        chainId: String(rule.chainId),
        signer: rule.address,
        belowEther: weiToEther(rule.below).replace(/,/g, ''),
      };
    case 'failed-call':
      return {
        ...common,
        chainId: String(rule.chainId),
        addresses: rule.addresses.join('\n'),
        confirmations: String(rule.confirmations),
      };
  }
}

/** Ether typed by a person as wei; text that is not an amount goes through for main to refuse. */
const weiOf = (ether: string): string => etherToWei(ether) ?? ether;

function proposeInputOf(draft: ProposeDraft): NonNullable<AlertRuleInput['propose']> {
  let args: unknown = draft.functionArgs.trim() === '' ? [] : draft.functionArgs;
  try {
    args = draft.functionArgs.trim() === '' ? [] : JSON.parse(draft.functionArgs);
  } catch {
    // Left as text: main says the arguments are not a list.
  }
  return {
    chainId: numberOf(draft.chainId),
    ...(draft.asSafe ? { safe: draft.from } : { from: draft.from }),
    to: draft.to,
    ...(draft.valueEther.trim() === '' ? {} : { value: weiOf(draft.valueEther) }),
    ...(draft.functionName.trim() === ''
      ? draft.data.trim() === ''
        ? {}
        : { data: draft.data.trim() }
      : { function: { name: draft.functionName.trim(), args: args as unknown[] } }),
    ...(draft.note.trim() === '' ? {} : { note: draft.note.trim() }),
  };
}

/** Numbers typed in the form; main's schema says what is wrong with a bad one. */
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

function inputOf(draft: Draft, condition: string): AlertRuleInput {
  const common = {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name,
    severity: draft.severity,
    enabled: draft.enabled,
    cooldownSeconds: numberOf(draft.cooldownSeconds),
    channels: [
      ...(draft.inApp ? [{ type: 'in-app' as const }] : []),
      ...(draft.desktop ? [{ type: 'desktop' as const }] : []),
      ...draft.webhooks.map((webhook) => ({
        type: 'webhook' as const,
        url: webhook.url,
        format: webhook.format,
        ...(webhook.secret.trim() === '' ? {} : { secret: webhook.secret.trim() }),
      })),
    ],
    ...(draft.propose ? { propose: proposeInputOf(draft.propose) } : {}),
  };
  switch (draft.kind) {
    case 'event':
      return {
        ...common,
        kind: 'event',
        contractId: draft.contractId,
        eventName: draft.eventName,
        condition,
        confirmations: numberOf(draft.confirmations),
      };
    case 'silence':
      return {
        ...common,
        kind: 'silence',
        contractId: draft.contractId,
        eventName: draft.eventName,
        condition,
        withinSeconds: numberOf(draft.withinSeconds),
      };
    case 'lag':
      return {
        ...common,
        kind: 'lag',
        chainId: numberOf(draft.chainId),
        ...(draft.maxBlocks.trim() === '' ? {} : { maxBlocks: numberOf(draft.maxBlocks) }),
        ...(draft.maxSeconds.trim() === '' ? {} : { maxSeconds: numberOf(draft.maxSeconds) }),
        forSeconds: numberOf(draft.forSeconds),
      };
    case 'transaction':
      return {
        ...common,
        kind: 'transaction',
        ...(draft.txChainId === '' ? {} : { chainId: numberOf(draft.txChainId) }),
        ...(draft.txFrom === '' ? {} : { from: draft.txFrom }),
        on: draft.txOn,
        stuckSeconds: numberOf(draft.stuckSeconds),
      };
    case 'balance':
      return {
        ...common,
        kind: 'balance',
        chainId: numberOf(draft.chainId),
        address: draft.signer,
        below: weiOf(draft.belowEther),
      };
    case 'failed-call':
      return {
        ...common,
        kind: 'failed-call',
        chainId: numberOf(draft.chainId),
        addresses: draft.addresses.split(/[\s,]+/).filter((address) => address !== ''),
        confirmations: numberOf(draft.confirmations),
      };
  }
}

/** The URL of the channel at an index of the saved input (generated secrets are keyed so). */
function webhookUrlAt(input: AlertRuleInput, index: number): string {
  const channel = input.channels?.[index];
  return channel?.type === 'webhook' ? channel.url : `channel ${index + 1}`;
}

const kindHints: Record<AlertRuleKind, string> = {
  event: 'A contract event that matches a condition.',
  silence: 'No matching event for too long.',
  lag: 'The store falls behind the chain.',
  transaction: 'A proposal failed, was dropped, or is stuck.',
  balance: "A signer's balance below a floor.",
  'failed-call': 'A transaction to one of these addresses failed on chain, whoever sent it.',
};

type CheckResult = RequestOutput<'alerts.conditions.check'>;
type BacktestResult = RequestOutput<'alerts.backtest'>;

interface RuleEditorProps {
  rule?: AlertRule;
  /** `saved` is the rule as saved; absent when the editor was closed without saving. */
  onDone: (saved?: { name: string; enabled: boolean }) => void;
}

export function RuleEditor({ rule, onDone }: RuleEditorProps) {
  const { contracts, chains } = useConfig();
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule, contracts));
  const [text, setText] = useState(rule && 'condition' in rule ? rule.condition : '');
  const [builder, setBuilder] = useState<BuilderGroup>(() =>
    rule && 'conditionTree' in rule ? builderFromTree(rule.conditionTree) : emptyGroup(),
  );
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<'save' | 'backtest' | null>(null);
  const [backtest, setBacktest] = useState<BacktestResult | null>(null);
  const [backtestError, setBacktestError] = useState<string | null>(null);
  const [secrets, setSecrets] = useState<Record<string, string> | null>(null);
  const checkSerial = useRef(0);
  const set = (change: Partial<Draft>): void => setDraft((current) => ({ ...current, ...change }));
  const setWebhook = (index: number, change: Partial<WebhookDraft>): void =>
    setDraft((current) => ({
      ...current,
      webhooks: current.webhooks.map((item, i) => (i === index ? { ...item, ...change } : item)),
    }));
  const usesEvent = draft.kind === 'event' || draft.kind === 'silence';
  const contract = contracts.find((candidate) => candidate.id === draft.contractId);

  // The live check: main parses the text and checks it against the event's ABI.
  const runCheck = useCallback(
    async (conditionText: string, fromText: boolean): Promise<void> => {
      if (!draft.contractId || !draft.eventName) return;
      const serial = ++checkSerial.current;
      const result = await vigil.call('alerts.conditions.check', {
        contractId: draft.contractId,
        eventName: draft.eventName,
        text: conditionText,
      });
      if (serial !== checkSerial.current) return;
      if (!result.ok) {
        setCheck(null);
        setCheckError(result.error.message);
        return;
      }
      setCheckError(null);
      setCheck(result.value);
      // Typed text that parses becomes the builder's model; the builder's own text stays as typed.
      if (fromText && result.value.condition) setBuilder(builderFromTree(result.value.condition));
    },
    [draft.contractId, draft.eventName],
  );

  const checkTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleCheck = (conditionText: string, fromText: boolean): void => {
    clearTimeout(checkTimer.current);
    checkTimer.current = setTimeout(() => void runCheck(conditionText, fromText), 200);
  };
  useEffect(() => {
    if (!usesEvent) return;
    scheduleCheck(text, false);
    // Only when what the condition is checked against changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft.contractId, draft.eventName, usesEvent]);
  useEffect(() => () => clearTimeout(checkTimer.current), []);

  const fields: ConditionField[] = check?.fields ?? [];
  const input = (): AlertRuleInput => inputOf(draft, usesEvent ? text : '');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy('save');
    setErrors({});
    const result = await vigil.call('alerts.rules.save', input());
    setBusy(null);
    if (!result.ok) {
      setErrors(errorsFromContractError(result.error, RULE_FORM_FIELDS));
      return;
    }
    // The rule list is read again when alerts.changed says the rules changed.
    if (Object.keys(result.value.generatedSecrets).length > 0) {
      setSecrets(result.value.generatedSecrets);
      set({ id: result.value.rule.id });
      return;
    }
    onDone({ name: result.value.rule.name, enabled: result.value.rule.enabled });
  };

  const runBacktest = async (): Promise<void> => {
    setBusy('backtest');
    setBacktestError(null);
    const result = await vigil.call('alerts.backtest', { rule: input(), limit: 200 });
    setBusy(null);
    if (!result.ok) {
      setBacktest(null);
      setBacktestError(result.error.message);
      return;
    }
    setBacktest(result.value);
  };

  const contractChoice = (id: string): void => {
    const next = contracts.find((candidate) => candidate.id === id);
    set({ contractId: id, eventName: next?.eventNames[0] ?? '' });
    setBacktest(null);
  };

  return (
    <form
      className="form rule-editor"
      aria-label="Rule editor"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      {/* First, so a rule is never saved switched off without the operator seeing it. */}
      <div className="enable-line">
        <span className="switch">
          <input
            id="rule-enabled"
            type="checkbox"
            checked={draft.enabled}
            aria-describedby="rule-enabled-hint"
            onChange={(event) => set({ enabled: event.target.checked })}
          />
          <span className="switch-track" aria-hidden="true" />
        </span>
        <label htmlFor="rule-enabled">
          <strong>Enabled</strong>
        </label>
        <span id="rule-enabled-hint" className={draft.enabled ? 'small muted' : 'small warn'}>
          {draft.enabled
            ? 'Fires for what happens on the chain after it is saved.'
            : 'Off: saved like this, the rule will not fire until you enable it.'}
        </span>
      </div>
      <div className="form-grid">
        <Field id="rule-name" label="Name" error={errors.name}>
          <input
            id="rule-name"
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            placeholder="Large transfer out of the treasury"
            autoComplete="off"
          />
        </Field>
        <Field id="rule-kind" label="Kind" error={errors.kind} hint={kindHints[draft.kind]}>
          <select
            id="rule-kind"
            value={draft.kind}
            disabled={draft.id !== undefined}
            onChange={(e) => set({ kind: e.target.value as AlertRuleKind })}
          >
            <option value="event">Event</option>
            <option value="silence">Silence</option>
            <option value="lag">Lag</option>
            <option value="transaction">Transaction</option>
            <option value="balance">Balance</option>
            <option value="failed-call">Failed call</option>
          </select>
        </Field>
        <Field id="rule-severity" label="Severity">
          <select
            id="rule-severity"
            value={draft.severity}
            onChange={(e) => set({ severity: e.target.value as AlertSeverity })}
          >
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </Field>
      </div>

      {usesEvent ? (
        <>
          <div className="form-grid">
            <Field id="rule-contract" label="Contract" error={errors.contractId}>
              <select
                id="rule-contract"
                value={draft.contractId}
                onChange={(e) => contractChoice(e.target.value)}
              >
                {contracts.length === 0 && <option value="">No contracts watched</option>}
                {contracts.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name} · {chainName(chains, candidate.chainId)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="rule-event" label="Event" error={errors.eventName}>
              <select
                id="rule-event"
                value={draft.eventName}
                onChange={(e) => {
                  set({ eventName: e.target.value });
                  setBacktest(null);
                }}
              >
                {(contract?.eventNames ?? []).map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </Field>
            {draft.kind === 'event' ? (
              <NumberField
                id="rule-confirmations"
                label="Confirmations"
                error={errors.confirmations}
                hint="0 fires at once, as tentative."
                value={draft.confirmations}
                onChange={(confirmations) => set({ confirmations })}
              />
            ) : (
              <NumberField
                id="rule-within"
                label="Expected within (seconds)"
                error={errors.withinSeconds}
                value={draft.withinSeconds}
                onChange={(withinSeconds) => set({ withinSeconds })}
              />
            )}
          </div>
          <div className="field">
            <span className="field-label">Condition</span>
            <ConditionBuilder
              root={builder}
              fields={fields}
              onChange={(root) => {
                setBuilder(root);
                const next = builderText(root);
                setText(next);
                setBacktest(null);
                scheduleCheck(next, false);
              }}
            />
          </div>
          <Field
            id="rule-condition"
            label="Condition as text"
            error={errors.condition}
            hint='Compare with == != < <= > >= in contains starts_with ends_with; join with and, or, not. Text compares exactly; lower(note) == "refund" ignores case.'
          >
            <textarea
              id="rule-condition"
              className="mono"
              rows={2}
              spellCheck={false}
              value={text}
              placeholder="value > 1000000e18 and to in [0x…, 0x…]"
              onChange={(e) => {
                setText(e.target.value);
                setBacktest(null);
                scheduleCheck(e.target.value, true);
              }}
            />
          </Field>
          <ConditionCheck text={text} check={check} error={checkError} />
        </>
      ) : draft.kind === 'transaction' ? (
        <TransactionFields draft={draft} set={set} errors={errors} />
      ) : draft.kind === 'balance' ? (
        <BalanceFields draft={draft} set={set} errors={errors} />
      ) : draft.kind === 'failed-call' ? (
        <FailedCallFields draft={draft} set={set} errors={errors} />
      ) : (
        <div className="form-grid">
          <ChainField
            id="rule-chain"
            label="Chain"
            error={errors.chainId}
            value={draft.chainId}
            onChange={(chainId) => set({ chainId })}
          />
          <NumberField
            id="rule-max-blocks"
            label="More than (blocks)"
            error={errors.maxBlocks}
            value={draft.maxBlocks}
            placeholder="50"
            onChange={(maxBlocks) => set({ maxBlocks })}
          />
          <NumberField
            id="rule-max-seconds"
            label="or more than (seconds)"
            error={errors.maxSeconds}
            value={draft.maxSeconds}
            placeholder="120"
            onChange={(maxSeconds) => set({ maxSeconds })}
          />
          <NumberField
            id="rule-for-seconds"
            label="For longer than (seconds)"
            error={errors.forSeconds}
            value={draft.forSeconds}
            onChange={(forSeconds) => set({ forSeconds })}
          />
        </div>
      )}

      <ProposeFields draft={draft} set={set} error={errors.propose} />

      <fieldset className="channels">
        <legend>Channels</legend>
        <div className="form-row">
          <Checkbox checked={draft.inApp} onChange={(inApp) => set({ inApp })}>
            In-app feed
          </Checkbox>
          <Checkbox checked={draft.desktop} onChange={(desktop) => set({ desktop })}>
            Desktop notification
          </Checkbox>
          <NumberField
            id="rule-cooldown"
            label="Cooldown (seconds)"
            className="narrow"
            error={errors.cooldownSeconds}
            value={draft.cooldownSeconds}
            onChange={(cooldownSeconds) => set({ cooldownSeconds })}
          />
        </div>
        {draft.webhooks.map((webhook, index) => (
          <div className="webhook-row" key={index}>
            <input
              aria-label={`Webhook ${index + 1} URL`}
              className="mono"
              value={webhook.url}
              placeholder="https://hooks.example.com/vigil"
              onChange={(e) => setWebhook(index, { url: e.target.value })}
            />
            <select
              aria-label={`Webhook ${index + 1} format`}
              value={webhook.format}
              onChange={(e) =>
                setWebhook(index, { format: e.target.value as WebhookDraft['format'] })
              }
            >
              <option value="json">Vigil JSON</option>
              <option value="slack">Slack</option>
              <option value="discord">Discord</option>
            </select>
            <input
              aria-label={`Webhook ${index + 1} secret`}
              type="password"
              autoComplete="off"
              value={webhook.secret}
              placeholder={
                webhook.secretHint ? `kept (${webhook.secretHint})` : 'generated if empty'
              }
              onChange={(e) => setWebhook(index, { secret: e.target.value })}
            />
            <button
              type="button"
              className="button-small button-danger-quiet"
              onClick={() => set({ webhooks: draft.webhooks.filter((_, i) => i !== index) })}
            >
              Remove
            </button>
          </div>
        ))}
        <FieldError message={errors.channels} />
        <button
          type="button"
          className="button-small add-webhook"
          onClick={() =>
            set({ webhooks: [...draft.webhooks, { url: '', format: 'json', secret: '' }] })
          }
        >
          + Webhook
        </button>
      </fieldset>

      {errors.form && (
        <div className="form-error" role="alert">
          {errors.form}
        </div>
      )}
      {secrets && (
        <div className="form-ok secret-once" role="status">
          Saved. Webhook secret{Object.keys(secrets).length > 1 ? 's' : ''} generated — shown this
          once; give it to the receiver to check signatures:
          {Object.entries(secrets).map(([index, secret]) => (
            <div key={index} className="mono small">
              {webhookUrlAt(input(), Number(index))}: {secret} <CopyButton text={secret} />
            </div>
          ))}
          <button
            type="button"
            className="button-small"
            onClick={() => onDone({ name: draft.name, enabled: draft.enabled })}
          >
            Done
          </button>
        </div>
      )}
      <div className="form-row">
        {usesEvent && (
          <button type="button" onClick={() => void runBacktest()} disabled={busy !== null}>
            {busy === 'backtest' ? 'Running…' : 'Backtest'}
          </button>
        )}
        <button type="submit" className="button-primary" disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : draft.id ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
      {backtestError && (
        <div className="form-error" role="alert">
          {backtestError}
        </div>
      )}
      {backtest && <BacktestResults result={backtest} kind={draft.kind} />}
    </form>
  );
}

/** The live check's verdict under the textual form, with a caret under a syntax error. */
function ConditionCheck({
  text,
  check,
  error,
}: {
  text: string;
  check: CheckResult | null;
  error: string | null;
}) {
  if (error)
    return (
      <div className="check check-bad" role="alert">
        {error}
      </div>
    );
  if (!check) return null;
  if (check.ok)
    return (
      <div className="check check-ok" role="status" data-testid="condition-check">
        ✓{' '}
        {check.text === '' ? (
          'No condition: every event matches.'
        ) : (
          <>
            Checked against the ABI: <code>{check.text}</code>
          </>
        )}
      </div>
    );
  return (
    <div className="check check-bad" role="alert" data-testid="condition-check">
      {check.problems.map((problem, index) => (
        <ProblemLine key={index} text={text} problem={problem} />
      ))}
    </div>
  );
}

export function ProblemLine({ text, problem }: { text: string; problem: ConditionProblem }) {
  const line = problem.line === undefined ? undefined : text.split('\n')[problem.line - 1];
  return (
    <div className="problem">
      <div>
        {problem.column !== undefined && <strong>Column {problem.column}: </strong>}
        {problem.message}
      </div>
      {line !== undefined && problem.column !== undefined && (
        <pre className="caret" aria-hidden="true">
          {line}
          {'\n'}
          {' '.repeat(problem.column - 1)}^
        </pre>
      )}
    </div>
  );
}

function BacktestResults({ result, kind }: { result: BacktestResult; kind: AlertRuleKind }) {
  return (
    <section className="backtest" aria-label="Backtest results">
      <h3>Backtest over the stored history</h3>
      <p data-testid="backtest-summary">
        <strong>
          Would have fired {formatCount(result.wouldFire)} time{result.wouldFire === 1 ? '' : 's'}
        </strong>{' '}
        — {formatCount(result.matched)} matching of {formatCount(result.scanned)} stored event
        {result.scanned === 1 ? '' : 's'}
        {result.matched > result.wouldFire && kind === 'event'
          ? `; the cooldown would have held back ${formatCount(result.matched - result.wouldFire)}`
          : ''}
        .
      </p>
      {kind === 'silence' && result.gaps.length > 0 && (
        <ul className="small">
          {result.gaps.map((gap) => (
            <li key={gap.from}>
              Silent {Math.round(gap.seconds)} s: <Time ms={gap.from} /> → <Time ms={gap.to} />
            </li>
          ))}
        </ul>
      )}
      {result.matches.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>Block</th>
              <th>Transaction</th>
              <th>Arguments</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {result.matches.map((match) => (
              <tr
                key={`${match.event.blockHash}:${match.event.logIndex}`}
                data-testid="backtest-match"
              >
                <td className="mono">{formatCount(match.event.blockNumber)}</td>
                <td className="mono small">{shortHex(match.event.transactionHash)}</td>
                <td className="small ellipsis args-cell" title={argsSummary(match.event.args)}>
                  {argsSummary(match.event.args)}
                </td>
                <td className="small muted">{match.suppressed ? 'cooldown' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.truncated && (
        <p className="muted small">Showing the first {result.matches.length}.</p>
      )}
    </section>
  );
}
