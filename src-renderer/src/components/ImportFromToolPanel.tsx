// Bring your setup from another tool: the operator names a configuration folder (OpenZeppelin
// Monitor's networks/, monitors/, triggers/ …) inside one they allowed, sees what Vigil would add,
// what it has already and what cannot be carried over (file:line and why), then confirms. Nothing
// is applied before the confirm; applying twice adds nothing.
import { useEffect, useState } from 'react';
import type { ContractError, ImportPreview } from '@contract';
import { vigil } from '../client/index.ts';
import { shortHex } from '../format.ts';
import { useAutomation } from '../stores/automation.ts';
import { useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { FolderPicker } from './FolderPicker.tsx';

const formats = [
  ['', 'Detect'],
  ['oz-monitor', 'OpenZeppelin Monitor'],
  ['defender', 'Defender as Code'],
  ['oz-relayer', 'OpenZeppelin Relayer'],
  ['kwala', 'Kwala'],
] as const;

type FormatChoice = (typeof formats)[number][0];

/** Where a refused import went wrong: each problem with its file:line, or the message alone. */
interface ImportFailure {
  /** Shown where the operator acted: under the folder for a preview, by the button for an import. */
  at: 'preview' | 'import';
  message: string;
  /** `env`: a value the files read from an environment variable that is not set. */
  problems: { file: string; line: number; message: string; env?: string }[];
}

function failureOf(error: ContractError, at: ImportFailure['at']): ImportFailure {
  const problems = error.details?.['problems'];
  return {
    at,
    message: error.message,
    problems: Array.isArray(problems) ? (problems as ImportFailure['problems']) : [],
  };
}

export function ImportFromToolPanel() {
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<FormatChoice>('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<ImportFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<'reading' | 'importing' | null>(null);
  // What the operator types for secrets the files name by environment variable: this component's
  // state only (never a store, never the URL), sent with the confirm and dropped after it.
  const [typed, setTyped] = useState<Record<string, string>>({});
  // The typed values the preview shown was made with: a typed token in a URL changes what is
  // carried over, so the import waits until the preview shows it.
  const [previewedWith, setPreviewedWith] = useState<Record<string, string>>({});

  // Calls the files make from their tool's own wallet (Kwala `call`, a Defender relayer) are
  // carried over only with a keychain signer to send them, and under a policy only if one is named.
  const signers = useSigners((state) => state.signers);
  const policies = useAutomation((state) => state.policies);
  useEffect(() => {
    void useSigners.getState().load();
    void useAutomation.getState().loadPolicies();
  }, []);
  const [proposeFrom, setProposeFrom] = useState('');
  const [proposePolicy, setProposePolicy] = useState('');

  type CallChoices = { proposeFrom: string; proposePolicy: string };
  const request = (confirm: boolean, calls: CallChoices = { proposeFrom, proposePolicy }) => ({
    paths: [path.trim()],
    ...(format === '' ? {} : { format }),
    ...(calls.proposeFrom === '' ? {} : { proposeFrom: calls.proposeFrom }),
    ...(calls.proposeFrom === '' || calls.proposePolicy === ''
      ? {}
      : { proposePolicy: calls.proposePolicy }),
    ...(confirm ? { confirm } : {}),
  });
  /** A new signer or policy for the files' calls: a preview shown is made again with it. */
  const chooseCalls = (calls: CallChoices): void => {
    setProposeFrom(calls.proposeFrom);
    setProposePolicy(calls.proposePolicy);
    if (preview) void read(true, calls);
  };

  // Before a preview exists, a preview refused for want of environment values asks for them.
  const asks = preview
    ? secretsAsked(preview)
    : error?.at === 'preview'
      ? secretsMissing(error)
      : [];
  const values = Object.fromEntries(
    asks.flatMap((ask) =>
      !ask.inEnvironment && typed[ask.env] ? [[ask.env, typed[ask.env]!]] : [],
    ),
  );
  const missing = asks.filter((ask) => ask.needed && !ask.inEnvironment && !typed[ask.env]);
  const unpreviewed = asks.filter(
    (ask) => !ask.needed && (values[ask.env] ?? '') !== (previewedWith[ask.env] ?? ''),
  );

  /** A preview of the folder; `withTyped` keeps what was typed and shows what it changes. */
  const read = async (withTyped = false, calls?: CallChoices): Promise<void> => {
    setBusy('reading');
    setError(null);
    setDone(null);
    const given = withTyped ? values : {};
    if (!withTyped) setTyped({});
    const answer = await vigil.call('workspace.importFrom', {
      ...request(false, calls),
      ...(Object.keys(given).length > 0 ? { secretValues: given } : {}),
    });
    setBusy(null);
    if (!answer.ok) {
      setPreview(null);
      setError(failureOf(answer.error, 'preview'));
      return;
    }
    setPreview(answer.value);
    setPreviewedWith(given);
  };

  const apply = async (): Promise<void> => {
    setBusy('importing');
    setError(null);
    const answer = await vigil.call('workspace.importFrom', {
      ...request(true),
      ...(Object.keys(values).length > 0 ? { secretValues: values } : {}),
    });
    setBusy(null);
    if (!answer.ok) {
      setError(failureOf(answer.error, 'import'));
      return;
    }
    setTyped({});
    setPreviewedWith({});
    const applied = answer.value.applied!;
    const keys = answer.value.signers.filter((signer) => !signer.existing).length;
    const added = [
      `${applied.chainsAdded} chain(s)`,
      `${applied.contractsAdded} contract(s)`,
      `${applied.rulesAdded} rule(s)`,
      ...(keys > 0 ? [`${keys} signer key(s)`] : []),
    ];
    setDone(
      `Imported: ${added.slice(0, -1).join(', ')} and ${added.at(-1)!} added; ${applied.chainsUnchanged + applied.contractsUnchanged + applied.rulesUnchanged} already present.`,
    );
    setPreview(answer.value);
    void useConfig.getState().load();
  };

  const adds = preview?.adds;
  const addCount = adds
    ? adds.chains.length +
      adds.contracts.length +
      adds.rules.length +
      adds.schedules.length +
      adds.policies.length +
      (preview?.signers.filter((signer) => !signer.existing).length ?? 0)
    : 0;
  return (
    <section className="discover-panel import-tool-panel" aria-label="Import from another tool">
      <FolderPicker
        label="Configuration folder"
        placeholder="/home/me/openzeppelin-monitor/config"
        path={path}
        onPathChange={setPath}
        onSubmit={() => void read()}
        onError={(message) => setError({ at: 'preview', message, problems: [] })}
        submitLabel={busy === 'reading' ? 'Reading…' : 'Preview'}
        busy={busy !== null}
      >
        <select
          aria-label="Format"
          value={format}
          onChange={(e) => setFormat(e.target.value as FormatChoice)}
        >
          {formats.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </FolderPicker>
      <div className="form-row small" role="group" aria-label="Calls the files make">
        <label htmlFor="import-propose-from">
          Calls the files make (Kwala call, a Defender relayer): send from
        </label>
        <select
          id="import-propose-from"
          value={proposeFrom}
          onChange={(e) => chooseCalls({ proposeFrom: e.target.value, proposePolicy })}
        >
          <option value="">no signer: not carried over</option>
          {signers.map((signer) => (
            <option key={signer.address} value={signer.address}>
              {signer.label} ({shortHex(signer.address)})
            </option>
          ))}
        </select>
        <label htmlFor="import-propose-policy">under</label>
        <select
          id="import-propose-policy"
          value={proposePolicy}
          disabled={proposeFrom === ''}
          onChange={(e) => chooseCalls({ proposeFrom, proposePolicy: e.target.value })}
        >
          <option value="">no policy: each waits for approval by hand</option>
          {policies.map((policy) => (
            <option key={policy.id} value={policy.id}>
              policy {policy.name}
            </option>
          ))}
        </select>
      </div>
      {error?.at === 'preview' && <FailureShown failure={error} />}
      {!preview && asks.length > 0 && (
        <div aria-label="Values the preview needs">
          <SecretsAsked asks={asks} typed={typed} onType={setTyped} />
          <div className="form-row">
            <button
              type="button"
              className="button-small"
              disabled={busy !== null || missing.length > 0}
              onClick={() => void read(true)}
            >
              Preview with what you typed
            </button>
            {missing.length > 0 && (
              <span className="small warn">
                Type {missing.map((ask) => ask.env).join(', ')} first: the files need{' '}
                {missing.length === 1 ? 'it' : 'them'} to be read.
              </span>
            )}
          </div>
        </div>
      )}
      {done && (
        <div className="form-ok" role="status">
          {done}
        </div>
      )}
      {preview && adds && (
        <div aria-label="Import preview">
          <p className="small muted">
            {preview.format}: {addCount === 0 ? 'nothing new to add' : `${addCount} to add`},{' '}
            {preview.existing.chains.length +
              preview.existing.contracts.length +
              preview.existing.rules.length}{' '}
            already in Vigil, {preview.notCarried.length} not carried over.
          </p>
          {adds.chains.length > 0 && (
            <table className="table compact" aria-label="Chains to add">
              <thead>
                <tr>
                  <th>Chain</th>
                  <th>Id</th>
                  <th>RPC URLs</th>
                  <th>Confirmations</th>
                </tr>
              </thead>
              <tbody>
                {adds.chains.map((chain) => (
                  <tr key={chain.chainId}>
                    <td>{chain.name}</td>
                    <td className="mono">{chain.chainId}</td>
                    <td className="mono small">{chain.rpcUrls.join(', ')}</td>
                    <td className="mono">{chain.confirmations ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {adds.contracts.length > 0 && (
            <table className="table compact" aria-label="Contracts to watch">
              <thead>
                <tr>
                  <th>Contract</th>
                  <th>Chain</th>
                  <th>Address</th>
                  <th>Events</th>
                  <th>From</th>
                </tr>
              </thead>
              <tbody>
                {adds.contracts.map((contract) => (
                  <tr key={`${contract.chainId}:${contract.address}`}>
                    <td>{contract.name}</td>
                    <td className="mono">{contract.chainId}</td>
                    <td className="mono small" title={contract.address}>
                      {shortHex(contract.address, 8)}
                    </td>
                    <td className="small">{contract.events.join(', ')}</td>
                    <td className="small">
                      {contract.startBlock === undefined
                        ? 'creation block (found on import)'
                        : `block ${contract.startBlock}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {adds.rules.length > 0 && (
            <table className="table compact" aria-label="Rules to add">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Event or kind</th>
                  <th>Condition</th>
                  <th>Channels</th>
                </tr>
              </thead>
              <tbody>
                {adds.rules.map((rule) => (
                  <tr key={rule.id}>
                    <td>
                      {rule.name}
                      {rule.enabled ? '' : ' (disabled)'}
                    </td>
                    <td>{rule.eventName ?? rule.kind}</td>
                    <td className="mono small">
                      {rule.eventName === undefined
                        ? (rule.watches ?? '—')
                        : rule.condition || 'every event'}
                    </td>
                    <td className="small">{rule.channels.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {adds.policies.length > 0 && (
            <table className="table compact" aria-label="Policies to add">
              <caption className="small muted">
                Automation policies arrive disabled: a person enables each.
              </caption>
              <thead>
                <tr>
                  <th>Policy</th>
                  <th>Signer</th>
                  <th>May call</th>
                  <th>Limits (wei)</th>
                </tr>
              </thead>
              <tbody>
                {adds.policies.map((policy) => (
                  <tr key={policy.id}>
                    <td>
                      {policy.name} <span className="muted small">({policy.id})</span>
                    </td>
                    <td className="mono small">
                      {shortHex(policy.signer)} on {policy.chainId}
                    </td>
                    <td className="mono small">
                      {policy.targets.map((target) => (
                        <div key={target}>{target}</div>
                      ))}
                    </td>
                    <td className="small">
                      value ≤ {policy.maxValuePerTx}, fee ≤ {policy.maxFeePerGas}/gas, budget{' '}
                      {policy.dailyBudget}/24 h, {policy.maxPerHour}/hour
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {adds.schedules.length > 0 && (
            <table className="table compact" aria-label="Schedules to add">
              <caption className="small muted">
                Schedules arrive disabled: a person enables each.
              </caption>
              <thead>
                <tr>
                  <th>Schedule</th>
                  <th>When</th>
                  <th>Proposes</th>
                </tr>
              </thead>
              <tbody>
                {adds.schedules.map((schedule) => (
                  <tr key={schedule.id}>
                    <td>{schedule.name}</td>
                    <td className="mono small">
                      {schedule.cron !== undefined
                        ? `${schedule.cron} (${schedule.timezone})`
                        : `every ${schedule.everySeconds} s`}
                    </td>
                    <td className="small">
                      {schedule.function ?? 'a call'}
                      {schedule.to ? ` on ${shortHex(schedule.to)}` : ''} (chain {schedule.chainId})
                      {schedule.policy
                        ? `, under policy ${schedule.policy}`
                        : ', waits for a person'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {preview.signers.length > 0 && (
            <table className="table compact" aria-label="Signer keys to add">
              <caption className="small muted">
                Keys from keystore files go to the OS keychain; adding them needs your approval.
              </caption>
              <thead>
                <tr>
                  <th>Signer</th>
                  <th>Keystore</th>
                  <th>Passphrase from</th>
                </tr>
              </thead>
              <tbody>
                {preview.signers.map((signer) => (
                  <tr key={signer.address}>
                    <td className="mono small">
                      {signer.label} {shortHex(signer.address)}
                      {signer.existing ? ' (already in Vigil)' : ''}
                    </td>
                    <td className="mono small" title={signer.keystorePath}>
                      {shortPath(signer.keystorePath)}
                    </td>
                    <td className="small">
                      <code>{signer.passphraseEnv}</code>
                      {signer.existing
                        ? ''
                        : signer.passphraseSet
                          ? ' (set where Vigil runs)'
                          : ' (type it below)'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {preview.existing.chains.length +
            preview.existing.contracts.length +
            preview.existing.rules.length +
            preview.existing.schedules.length +
            preview.existing.policies.length >
            0 && (
            <div className="small" aria-label="Already in Vigil">
              <h3>Already in Vigil (left as they are)</h3>
              <ul>
                {preview.existing.chains.map((chain) => (
                  <li key={`c${chain.chainId}`}>
                    Chain {chain.chainId} ({chain.name})
                  </li>
                ))}
                {preview.existing.contracts.map((contract) => (
                  <li key={`k${contract.chainId}:${contract.address}`} className="mono">
                    {contract.address} on chain {contract.chainId}
                  </li>
                ))}
                {preview.existing.rules.map((rule) => (
                  <li key={`r${rule.id}`}>Rule {rule.name}</li>
                ))}
                {preview.existing.schedules.map((schedule) => (
                  <li key={`s${schedule.id}`}>Schedule {schedule.name}</li>
                ))}
                {preview.existing.policies.map((policy) => (
                  <li key={`p${policy.id}`}>
                    Policy {policy.name} (the policies section keeps it, or saves a widened one
                    disabled)
                  </li>
                ))}
              </ul>
            </div>
          )}
          {preview.notCarried.length > 0 && (
            <table className="table compact" aria-label="Not carried over">
              <thead>
                <tr>
                  <th>Where</th>
                  <th>Not carried over, and why</th>
                </tr>
              </thead>
              <tbody>
                {preview.notCarried.map((entry, index) => (
                  <tr key={index}>
                    <td className="mono small nowrap" title={entry.file}>
                      {shortPath(entry.file)}:{entry.line}
                    </td>
                    <td className="small">{entry.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {asks.length > 0 && <SecretsAsked asks={asks} typed={typed} onType={setTyped} />}
          {addCount > 0 && (
            <div className="form-row">
              <button
                type="button"
                className="button-primary"
                disabled={busy !== null || missing.length > 0 || unpreviewed.length > 0}
                aria-describedby={
                  missing.length > 0 || unpreviewed.length > 0
                    ? 'import-missing-secrets'
                    : undefined
                }
                onClick={() => void apply()}
              >
                {busy === 'importing' ? 'Importing…' : `Import ${addCount} item(s)`}
              </button>
              {missing.length > 0 ? (
                <span id="import-missing-secrets" className="small warn">
                  Type {missing.map((ask) => ask.env).join(', ')} first: the import needs{' '}
                  {missing.length === 1 ? 'it' : 'them'}.
                </span>
              ) : (
                unpreviewed.length > 0 && (
                  <>
                    <span id="import-missing-secrets" className="small warn">
                      {unpreviewed.map((ask) => ask.env).join(', ')} changed what is carried over:
                      preview again to see it before importing.
                    </span>
                    <button
                      type="button"
                      className="button-small"
                      disabled={busy !== null}
                      onClick={() => void read(true)}
                    >
                      Preview with what you typed
                    </button>
                  </>
                )
              )}
            </div>
          )}
          {error?.at === 'import' && <FailureShown failure={error} />}
        </div>
      )}
    </section>
  );
}

/** A file's last two path parts: enough to tell them apart, short enough for a cell. */
const shortPath = (file: string): string => file.split('/').slice(-2).join('/');

/** One secret the files name by environment variable, with every place that names it. */
interface SecretAsked {
  env: string;
  /** Vigil's environment has it: nothing to type. */
  inEnvironment: boolean;
  needed: boolean;
  uses: { purpose: string; file: string; line: number }[];
}

function secretsAsked(preview: ImportPreview): SecretAsked[] {
  const byEnv = new Map<string, SecretAsked>();
  for (const secret of preview.secrets) {
    const ask = byEnv.get(secret.env) ?? {
      env: secret.env,
      inEnvironment: secret.source === 'environment',
      needed: false,
      uses: [],
    };
    ask.needed ||= secret.needed;
    ask.uses.push({ purpose: secret.purpose, file: secret.file, line: secret.line });
    byEnv.set(secret.env, ask);
  }
  return [...byEnv.values()];
}

/** The environment values a refused preview lacked, each with the problems that name it. */
function secretsMissing(failure: ImportFailure): SecretAsked[] {
  const byEnv = new Map<string, SecretAsked>();
  for (const problem of failure.problems) {
    if (problem.env === undefined) continue;
    const ask = byEnv.get(problem.env) ?? {
      env: problem.env,
      inEnvironment: false,
      needed: true,
      uses: [],
    };
    ask.uses.push({ purpose: problem.message, file: problem.file, line: problem.line });
    byEnv.set(problem.env, ask);
  }
  return [...byEnv.values()];
}

/**
 * The secrets the import reads: those Vigil's environment has are said to be there; for the
 * others the operator types the value, which goes to main with the confirm and nowhere else.
 */
function SecretsAsked(props: {
  asks: SecretAsked[];
  typed: Record<string, string>;
  onType(typed: Record<string, string>): void;
}) {
  return (
    <fieldset className="import-secrets small">
      <legend>Secrets the import reads</legend>
      <p className="muted">
        Named in the files by environment variable. A value typed here is used for this import only:
        webhook secrets go to the OS keychain, keystore passphrases open the keystores and are not
        kept.
      </p>
      <ul>
        {props.asks.map((ask) => {
          const id = `import-secret-${ask.env}`;
          return (
            <li key={ask.env}>
              <label htmlFor={ask.inEnvironment ? undefined : id}>
                <code>{ask.env}</code>
              </label>{' '}
              {ask.inEnvironment ? (
                <span className="ok">set where Vigil runs</span>
              ) : (
                <>
                  <input
                    id={id}
                    type="password"
                    autoComplete="off"
                    spellCheck={false}
                    value={props.typed[ask.env] ?? ''}
                    onChange={(e) => props.onType({ ...props.typed, [ask.env]: e.target.value })}
                    aria-describedby={`${id}-uses`}
                  />{' '}
                  {props.typed[ask.env] ? (
                    <span className="ok">typed, for this import only</span>
                  ) : (
                    <span className={ask.needed ? 'warn' : 'muted'}>
                      {ask.needed
                        ? 'not set where Vigil runs: type it'
                        : 'not set: optional, without it what needs it is not carried over'}
                    </span>
                  )}
                </>
              )}
              <ul id={`${id}-uses`} className="muted">
                {ask.uses.map((use) => (
                  <li key={`${use.file}:${use.line}:${use.purpose}`}>
                    {use.purpose} (
                    <code title={use.file}>
                      {shortPath(use.file)}:{use.line}
                    </code>
                    )
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function FailureShown({ failure }: { failure: ImportFailure }) {
  return (
    <div className="form-error" role="alert">
      {failure.problems.length === 0 ? (
        <pre>{failure.message}</pre>
      ) : (
        <>
          The files were not imported; nothing changed:
          <ul>
            {failure.problems.map((problem, index) => (
              <li key={index}>
                <code title={problem.file}>
                  {shortPath(problem.file)}:{problem.line}
                </code>{' '}
                {problem.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
