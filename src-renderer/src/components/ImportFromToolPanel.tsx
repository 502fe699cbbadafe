// Bring your setup from another tool: the operator names a configuration folder (OpenZeppelin
// Monitor's networks/, monitors/, triggers/ …) inside one they allowed, sees what Vigil would add,
// what it has already and what cannot be carried over (file:line and why), then confirms. Nothing
// is applied before the confirm; applying twice adds nothing.
import { useEffect, useState } from 'react';
import type { ImportPreview } from '@contract';
import { isDesktop, vigil } from '../client/index.ts';
import { shortHex } from '../format.ts';
import { useConfig } from '../stores/config.ts';

const formats = [
  ['', 'Detect'],
  ['oz-monitor', 'OpenZeppelin Monitor'],
  ['defender', 'Defender as Code'],
  ['oz-relayer', 'OpenZeppelin Relayer'],
  ['kwala', 'Kwala'],
] as const;

type FormatChoice = (typeof formats)[number][0];

export function ImportFromToolPanel() {
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<FormatChoice>('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<'reading' | 'importing' | null>(null);
  const [roots, setRoots] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    void vigil.call('contracts.projectRoots', {}).then((answer) => {
      if (live && answer.ok) setRoots(answer.value.roots);
    });
    return () => {
      live = false;
    };
  }, []);

  const request = (confirm: boolean) => ({
    paths: [path.trim()],
    ...(format === '' ? {} : { format }),
    ...(confirm ? { confirm } : {}),
  });

  const read = async (): Promise<void> => {
    setBusy('reading');
    setError(null);
    setDone(null);
    const answer = await vigil.call('workspace.importFrom', request(false));
    setBusy(null);
    if (!answer.ok) {
      setPreview(null);
      setError(answer.error.message);
      return;
    }
    setPreview(answer.value);
  };

  const apply = async (): Promise<void> => {
    setBusy('importing');
    setError(null);
    const answer = await vigil.call('workspace.importFrom', request(true));
    setBusy(null);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    const applied = answer.value.applied!;
    setDone(
      `Imported: ${applied.chainsAdded} chain(s), ${applied.contractsAdded} contract(s) and ${applied.rulesAdded} rule(s) added; ${applied.chainsUnchanged + applied.contractsUnchanged + applied.rulesUnchanged} already present.`,
    );
    setPreview(answer.value);
    void useConfig.getState().load();
  };

  const choose = async (): Promise<void> => {
    const chosen = await vigil.call('dialog.chooseProjectFolder', {});
    if (!chosen.ok) setError(chosen.error.message);
    else if (chosen.value.path !== null) setPath(chosen.value.path);
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
      <form
        className="inline-action"
        onSubmit={(event) => {
          event.preventDefault();
          void read();
        }}
      >
        <input
          aria-label="Configuration folder"
          className="mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/home/me/openzeppelin-monitor/config"
          spellCheck={false}
        />
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
        <button
          type="submit"
          className="button-small"
          disabled={path.trim() === '' || busy !== null}
        >
          {busy === 'reading' ? 'Reading…' : 'Preview'}
        </button>
        {isDesktop && (
          <button
            type="button"
            className="button-small"
            disabled={busy !== null}
            onClick={() => void choose()}
          >
            Choose folder…
          </button>
        )}
      </form>
      {!isDesktop && (
        <div className="small muted" role="group" aria-label="Folders Vigil may read">
          {roots.length === 0 ? (
            <>
              Vigil reads only folders its operator allowed: start it with{' '}
              <code>--project-root DIR</code>.
            </>
          ) : (
            <>
              Folders Vigil may read (<code>--project-root</code>):{' '}
              {roots.map((root) => (
                <button
                  key={root}
                  type="button"
                  className="button-small mono"
                  onClick={() => setPath(root)}
                >
                  {root}
                </button>
              ))}
            </>
          )}
        </div>
      )}
      {error && (
        <pre className="form-error" role="alert">
          {error}
        </pre>
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
                  <th>Event</th>
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
                    <td className="mono small">{rule.condition || 'every event'}</td>
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
                    <td className="mono small">
                      {signer.keystorePath.split('/').slice(-2).join('/')}
                    </td>
                    <td className="small">
                      <code>{signer.passphraseEnv}</code>
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
          {preview.secrets.length > 0 && (
            <div className="small" aria-label="Environment variables">
              <h3>Read from the environment when imported</h3>
              <ul>
                {preview.secrets.map((secret) => (
                  <li key={`${secret.env}:${secret.file}:${secret.line}`}>
                    <code>{secret.env}</code> ({secret.purpose}):{' '}
                    {secret.set ? 'set' : 'not set where Vigil runs; set it before importing'}
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
                      {entry.file.split('/').slice(-2).join('/')}:{entry.line}
                    </td>
                    <td className="small">{entry.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {addCount > 0 && (
            <div className="form-row">
              <button
                type="button"
                className="button-primary"
                disabled={busy !== null}
                onClick={() => void apply()}
              >
                {busy === 'importing' ? 'Importing…' : `Import ${addCount} item(s)`}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
