// A watched proxy in the Contracts view: what kind it is and what it delegates to (a diamond's
// facets, each with its name once its ABI is loaded), an upgrade whose implementation ABI is not
// loaded yet (with the place to load it, pasted or fetched by address from a verified source), a
// check now, and the built-in alert rule for upgrades.
import { useState } from 'react';
import type { WatchedContract } from '@contract';
import { vigil } from '../client/index.ts';
import { parseAbiText } from '../abi-text.ts';
import { shortHex } from '../format.ts';
import { useConfig } from '../stores/config.ts';

const kindLabels: Record<NonNullable<WatchedContract['proxy']>['kind'], string> = {
  eip1967: 'EIP-1967 proxy',
  uups: 'UUPS proxy',
  transparent: 'Transparent proxy',
  beacon: 'Beacon proxy',
  eip1822: 'EIP-1822 proxy',
  safe: 'Safe proxy',
  diamond: 'Diamond',
};

export function ProxyPanel({ contract }: { contract: WatchedContract }) {
  const proxy = contract.proxy;
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [abiText, setAbiText] = useState<string | null>(null);
  const [source, setSource] = useState<'sourcify' | 'etherscan'>('sourcify');
  if (!proxy) return null;
  const diamond = proxy.kind === 'diamond';
  const notLoaded = proxy.implementations.filter((address) => !proxy.abiCovers.includes(address));
  const lastUpgrade = proxy.upgrades.at(-1);

  const run = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: await work() });
      void useConfig.getState().load();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const checkNow = () =>
    run(async () => {
      const result = await vigil.call('contracts.checkProxy', { id: contract.id });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.proxy?.upgrades.length === proxy.upgrades.length
        ? 'No change since the last check.'
        : 'Upgrade found.';
    });
  const addRules = () =>
    run(async () => {
      const rules = await vigil.call('contracts.upgradeRules', { id: contract.id });
      if (!rules.ok) throw new Error(rules.error.message);
      for (const rule of rules.value) {
        const saved = await vigil.call('alerts.rules.save', rule);
        if (!saved.ok) throw new Error(saved.error.message);
      }
      return `Alert rule added: ${rules.value.map((rule) => rule.name).join(', ')}.`;
    });
  const fetchAbis = () =>
    run(async () => {
      const result = await vigil.call('contracts.loadImplementationAbis', {
        id: contract.id,
        source,
      });
      if (!result.ok) throw new Error(result.error.message);
      const { loaded, missing } = result.value;
      return [
        `Loaded ${loaded.map((entry) => entry.name || shortHex(entry.address, 6)).join(', ')}; stored events are read with the merged ABI.`,
        ...missing.map((entry) => `Not loaded ${shortHex(entry.address, 6)}: ${entry.reason}`),
      ].join(' ');
    });
  const loadAbi = () =>
    run(async () => {
      const parsed = parseAbiText(abiText ?? '');
      if (!parsed.ok) throw new Error(parsed.message);
      const result = await vigil.call('contracts.update', {
        id: contract.id,
        implementationAbi: parsed.abi,
      });
      if (!result.ok) throw new Error(result.error.message);
      setAbiText(null);
      return 'Implementation ABI loaded; its events are decoded, those stored before included.';
    });

  return (
    <div className="proxy-panel" aria-label={`${contract.name} proxy`}>
      <div>
        <span className="badge badge-accent">{kindLabels[proxy.kind]}</span>{' '}
        <span className="small muted">
          events of the proxy and its {proxy.kind === 'diamond' ? 'facets' : 'implementation'}{' '}
          merged
        </span>
      </div>
      <ul
        className="proxy-targets small"
        aria-label={diamond ? `${contract.name} facets` : `${contract.name} implementation`}
      >
        {proxy.implementations.map((address) => (
          <li key={address} className="mono" title={address}>
            → {shortHex(address, 8)}
            {proxy.names?.[address] && <span className="proxy-name"> {proxy.names[address]}</span>}
            {!proxy.abiCovers.includes(address) && (
              <span className="badge badge-pending tag">ABI not loaded</span>
            )}
          </li>
        ))}
        {proxy.beacon && (
          <li className="mono" title={proxy.beacon}>
            beacon {shortHex(proxy.beacon, 8)}
          </li>
        )}
        {proxy.admin && (
          <li className="mono" title={proxy.admin}>
            admin {shortHex(proxy.admin, 8)}
          </li>
        )}
      </ul>
      {lastUpgrade && notLoaded.length > 0 && (
        <div className="proxy-upgrade" role="status">
          <strong className="warn">Upgraded</strong> (seen at block {lastUpgrade.detectedAt}):{' '}
          <span className="mono">
            {lastUpgrade.from.map((address) => shortHex(address, 6)).join(', ') || 'nothing'} →{' '}
            {lastUpgrade.to.map((address) => shortHex(address, 6)).join(', ') || 'nothing'}
          </span>
          . Load the new implementation&apos;s ABI to decode its new events.
        </div>
      )}
      {abiText !== null && (
        <textarea
          aria-label="New implementation ABI"
          className="mono"
          rows={4}
          value={abiText}
          onChange={(e) => setAbiText(e.target.value)}
          placeholder="Paste the implementation's ABI, artifact or signatures"
          spellCheck={false}
        />
      )}
      <div className="inline-action">
        {abiText === null ? (
          <button type="button" className="button-small" onClick={() => setAbiText('')}>
            Load implementation ABI
          </button>
        ) : (
          <button
            type="button"
            className="button-small"
            disabled={busy}
            onClick={() => void loadAbi()}
          >
            Save ABI
          </button>
        )}
        <select
          aria-label="Where to fetch implementation ABIs"
          value={source}
          onChange={(e) => setSource(e.target.value as 'sourcify' | 'etherscan')}
        >
          <option value="sourcify">Sourcify</option>
          <option value="etherscan">Etherscan</option>
        </select>
        <button
          type="button"
          className="button-small"
          disabled={busy}
          onClick={() => void fetchAbis()}
        >
          {diamond ? 'Fetch facet ABIs' : 'Fetch implementation ABI'}
        </button>
        <button
          type="button"
          className="button-small"
          disabled={busy}
          onClick={() => void checkNow()}
        >
          Check for upgrades
        </button>
        <button
          type="button"
          className="button-small"
          disabled={busy}
          onClick={() => void addRules()}
        >
          Alert on upgrades
        </button>
      </div>
      {message && (
        <div
          className={message.ok ? 'form-ok' : 'form-error'}
          role={message.ok ? 'status' : 'alert'}
        >
          {message.text}
        </div>
      )}
    </div>
  );
}
