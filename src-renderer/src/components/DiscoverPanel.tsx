// Contracts from a project folder: the operator gives the folder of a Foundry or Hardhat project,
// sees the deployments it records (chain, address, events, start block, and why one cannot be
// added), ticks some and adds them in one step. Running it again adds nothing twice and offers
// the ABIs that changed. Main reads only folders the operator chose: in the desktop app one picked
// in its folder dialog, in headless mode one given with --project-root (listed here).
import { useState } from 'react';
import type { DiscoveryResult } from '@contract';
import { vigil } from '../client/index.ts';
import { shortHex } from '../format.ts';
import { useConfig } from '../stores/config.ts';
import { FolderPicker } from './FolderPicker.tsx';

const statusLabels = {
  new: 'new',
  watched: 'watched',
  'abi-changed': 'ABI changed',
  problem: 'cannot add',
} as const;

export function DiscoverPanel() {
  const [path, setPath] = useState('');
  const [result, setResult] = useState<DiscoveryResult | null>(null);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<'finding' | 'adding' | null>(null);

  const find = async (keepMessage = false, folder = path): Promise<void> => {
    setBusy('finding');
    setError(null);
    if (!keepMessage) setDone(null);
    const answer = await vigil.call('contracts.discover', { path: folder });
    setBusy(null);
    if (!answer.ok) {
      setResult(null);
      setError(answer.error.message);
      return;
    }
    setResult(answer.value);
    setTicked(
      new Set(
        answer.value.contracts
          .filter((contract) => contract.status === 'new' || contract.status === 'abi-changed')
          .map((contract) => contract.id),
      ),
    );
  };

  const add = async (): Promise<void> => {
    setBusy('adding');
    setError(null);
    const answer = await vigil.call('contracts.discoverAdd', { path, ids: [...ticked] });
    setBusy(null);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    const { added, updated } = answer.value;
    setDone(`Added ${added.length}, updated the ABI of ${updated.length}.`);
    void useConfig.getState().load();
    await find(true);
  };

  const toggle = (id: string): void =>
    setTicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="discover-panel" aria-label="Contracts from a project folder">
      <FolderPicker
        label="Project folder"
        placeholder="/home/me/my-protocol (Foundry or Hardhat project)"
        path={path}
        onPathChange={setPath}
        onSubmit={() => void find()}
        onChosen={(chosen) => void find(false, chosen)}
        onError={setError}
        submitLabel={busy === 'finding' ? 'Reading…' : 'Find deployments'}
        busy={busy !== null}
      />
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {done && (
        <div className="form-ok" role="status">
          {done}
        </div>
      )}
      {result && result.contracts.length === 0 && (
        <p className="muted small">
          Found {result.layouts.join(', ')} files but no deployments; deploy with a script that
          writes them (forge script --broadcast, hardhat-deploy, Ignition).
        </p>
      )}
      {result && result.contracts.length > 0 && (
        <>
          <p className="small muted">Found {result.layouts.join(', ')}.</p>
          <table className="table" aria-label="Deployments found">
            <thead>
              <tr>
                <th aria-label="Add" />
                <th>Name</th>
                <th>Chain</th>
                <th>Address</th>
                <th>Events</th>
                <th>Start block</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {result.contracts.map((contract) => {
                const addable = contract.status === 'new' || contract.status === 'abi-changed';
                return (
                  <tr key={contract.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Add ${contract.name} ${contract.address}`}
                        disabled={!addable}
                        checked={ticked.has(contract.id)}
                        onChange={() => toggle(contract.id)}
                      />
                    </td>
                    <td title={contract.file}>{contract.name}</td>
                    <td className="mono">{contract.chainId}</td>
                    <td className="mono small" title={contract.address}>
                      {shortHex(contract.address, 8)}
                    </td>
                    <td className="small">{contract.eventNames.join(', ') || '—'}</td>
                    <td className="mono">{contract.startBlock ?? '—'}</td>
                    <td className="small">
                      <span className={contract.status === 'problem' ? 'warn' : undefined}>
                        {statusLabels[contract.status]}
                      </span>
                      {contract.problem && <div className="small muted">{contract.problem}</div>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {result.skipped.length > 0 && (
            <p className="small muted">
              Skipped: {result.skipped.map((entry) => `${entry.name} (${entry.reason})`).join('; ')}
            </p>
          )}
          <button
            type="button"
            className="button-primary"
            disabled={ticked.size === 0 || busy !== null}
            onClick={() => void add()}
          >
            {busy === 'adding' ? 'Adding…' : `Add ${ticked.size} ticked`}
          </button>
        </>
      )}
    </section>
  );
}
