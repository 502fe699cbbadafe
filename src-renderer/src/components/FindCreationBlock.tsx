// Finds the block a contract was created in (contracts.creationBlock), so the start block is
// not a guess; says what it found or why it could not.
import { useState } from 'react';
import { vigil } from '../client/index.ts';
import { addressProblem } from '../abi-text.ts';

interface FindCreationBlockProps {
  chainId: string;
  address: string;
  onFound(block: number): void;
}

export function FindCreationBlock({ chainId, address, onFound }: FindCreationBlockProps) {
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'found'; block: number }
    | { kind: 'error'; message: string }
  >({ kind: 'idle' });
  const ready = chainId !== '' && address.trim() !== '' && !addressProblem(address);

  const find = async (): Promise<void> => {
    setState({ kind: 'busy' });
    const result = await vigil.call('contracts.creationBlock', {
      chainId: Number(chainId),
      address: address.trim(),
    });
    if (!result.ok) {
      setState({ kind: 'error', message: result.error.message });
      return;
    }
    setState({ kind: 'found', block: result.value.startBlock });
    onFound(result.value.startBlock);
  };

  return (
    <div className="find-creation-block">
      <button
        type="button"
        className="button-small"
        disabled={!ready || state.kind === 'busy'}
        onClick={() => void find()}
        title={ready ? undefined : 'Choose the chain and give the address first'}
      >
        {state.kind === 'busy' ? 'Searching…' : 'Find creation block'}
      </button>
      {state.kind === 'found' && (
        <span className="small muted" role="status">
          Created in block {state.block}
        </span>
      )}
      {state.kind === 'error' && (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      )}
    </div>
  );
}
