// Starting a chain from viem's list instead of typing its id: a search over chains.presets, and
// the chain's public RPC URLs offered for trying only (they are shared and rate-limited).
import { useEffect, useState } from 'react';
import type { ChainPreset } from '@contract';
import { vigil } from '../client/index.ts';

interface ChainPresetPickerProps {
  onPick(preset: ChainPreset): void;
  /** Chain ids already configured: shown as such and not offered. */
  configured: readonly number[];
}

export function ChainPresetPicker({ onPick, configured }: ChainPresetPickerProps) {
  const [query, setQuery] = useState('');
  const [presets, setPresets] = useState<ChainPreset[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    void vigil.call('chains.presets', { query, limit: 8 }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setPresets(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [query]);

  return (
    <div className="chain-presets">
      <label htmlFor="chain-preset-search">Start from a known chain</label>
      <input
        id="chain-preset-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Search by name, chain ID or currency"
        autoComplete="off"
      />
      {error ? (
        <div className="form-error" role="alert">
          Could not load the chain list: {error}
        </div>
      ) : presets === null ? (
        <div className="muted small" role="status">
          Loading chains…
        </div>
      ) : presets.length === 0 ? (
        <div className="muted small">
          No known chain matches; fill in the form for a custom one.
        </div>
      ) : (
        <ul className="chain-preset-list" aria-label="Known chains">
          {presets.map((preset) => {
            const added = configured.includes(preset.chainId);
            return (
              <li key={`${preset.chainId}:${preset.name}`}>
                <button
                  type="button"
                  className="chain-preset"
                  disabled={added}
                  onClick={() => onPick(preset)}
                  aria-label={`Use ${preset.name} (${preset.chainId})`}
                >
                  <span className="chain-preset-name">
                    {preset.name}
                    {preset.testnet && <span className="badge badge-quiet tag">testnet</span>}
                    {added && <span className="badge badge-quiet tag">added</span>}
                  </span>
                  <span className="mono small muted">
                    {preset.chainId} · {preset.nativeCurrency.symbol} · {preset.confirmations}{' '}
                    confirmations{preset.confirmationsKnown ? '' : ' (default)'}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** The chain's public endpoints, each addable with one click, with why not to rely on them. */
export function PublicRpcUrls({
  preset,
  onUse,
}: {
  preset: ChainPreset;
  onUse(url: string): void;
}) {
  if (preset.publicRpcUrls.length === 0) return null;
  return (
    <div className="public-rpcs" role="note" aria-label="Shared public endpoints">
      <p className="small">
        <strong className="warn">Public RPC URLs — rate-limited, not for production.</strong> Use
        your own provider&apos;s URL (Alchemy, Infura, QuickNode, your node) above; these are shared
        by everyone and drop requests under load.
      </p>
      <ul>
        {preset.publicRpcUrls.map((url) => (
          <li key={url}>
            <span className="mono small">{url}</span>{' '}
            <button type="button" className="button-small" onClick={() => onUse(url)}>
              Use for trying
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
