// Fetches a verified contract's ABI and name (contracts.fetchAbi) from Sourcify or Etherscan, so
// the operator need not find and paste it; says why when it cannot, and pasting stays possible.
// Etherscan's key is asked for here when none is set; it goes to the OS keychain and never back.
// When the explorer says the address is a proxy, the implementation's ABI comes merged in, said here.
import { useState } from 'react';
import { vigil } from '../client/index.ts';
import { addressProblem } from '../abi-text.ts';
import { shortHex } from '../format.ts';

type Source = 'sourcify' | 'etherscan';

interface FetchVerifiedAbiProps {
  chainId: string;
  address: string;
  onFetched(found: { name: string; abi: unknown[]; source: Source }): void;
}

const sourceLabel: Record<Source, string> = { sourcify: 'Sourcify', etherscan: 'Etherscan' };

export function FetchVerifiedAbi({ chainId, address, onFetched }: FetchVerifiedAbiProps) {
  const [source, setSource] = useState<Source>('sourcify');
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | {
        kind: 'fetched';
        name: string;
        count: number;
        source: Source;
        implementation?: { address: string; name: string; merged: boolean; problem?: string };
      }
    | { kind: 'error'; message: string; needsKey: boolean }
  >({ kind: 'idle' });
  const [apiKey, setApiKey] = useState('');
  const ready = chainId !== '' && address.trim() !== '' && !addressProblem(address);

  const fetchAbi = async (): Promise<void> => {
    setState({ kind: 'busy' });
    const result = await vigil.call('contracts.fetchAbi', {
      chainId: Number(chainId),
      address: address.trim(),
      source,
    });
    if (!result.ok) {
      setState({
        kind: 'error',
        message: result.error.message,
        needsKey:
          source === 'etherscan' &&
          (result.error.code === 'NOT_AVAILABLE' || result.error.code === 'INVALID_KEY') &&
          result.error.field === 'source',
      });
      return;
    }
    setState({
      kind: 'fetched',
      name: result.value.name,
      count: result.value.abi.length,
      source: result.value.source,
      ...(result.value.implementation ? { implementation: result.value.implementation } : {}),
    });
    onFetched(result.value);
  };

  const saveKey = async (): Promise<void> => {
    const result = await vigil.call('explorers.setApiKey', {
      service: 'etherscan',
      apiKey: apiKey.trim(),
    });
    setApiKey('');
    if (!result.ok) {
      setState({ kind: 'error', message: result.error.message, needsKey: true });
      return;
    }
    await fetchAbi();
  };

  return (
    <div className="fetch-verified-abi" role="group" aria-label="Fetch a verified ABI">
      <select
        aria-label="Verified source"
        value={source}
        onChange={(e) => {
          setSource(e.target.value as Source);
          setState({ kind: 'idle' });
        }}
      >
        <option value="sourcify">Sourcify</option>
        <option value="etherscan">Etherscan</option>
      </select>
      <button
        type="button"
        className="button-small"
        disabled={!ready || state.kind === 'busy'}
        onClick={() => void fetchAbi()}
        title={ready ? undefined : 'Choose the chain and give the address first'}
      >
        {state.kind === 'busy' ? 'Fetching…' : 'Fetch ABI'}
      </button>
      {state.kind === 'fetched' && (
        <span className="small muted" role="status">
          Fetched {state.name || 'the contract'} from {sourceLabel[state.source]} ({state.count} ABI
          entries)
          {state.implementation &&
            (state.implementation.merged
              ? `. ${sourceLabel[state.source]} says it is a proxy for ${state.implementation.name || 'its implementation'} (${shortHex(state.implementation.address, 6)}); that ABI is merged in.`
              : `. ${sourceLabel[state.source]} says it is a proxy for ${shortHex(state.implementation.address, 6)}, whose ABI could not be fetched: ${state.implementation.problem ?? ''}`)}
        </span>
      )}
      {state.kind === 'error' && (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      )}
      {state.kind === 'error' && state.needsKey && (
        <span className="key-row">
          <input
            type="password"
            aria-label="Etherscan API key"
            placeholder="Etherscan API key"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <button
            type="button"
            className="button-small"
            disabled={apiKey.trim() === ''}
            onClick={() => void saveKey()}
          >
            Save key and fetch
          </button>
        </span>
      )}
    </div>
  );
}
