// Collecting a Safe proposal's signatures without a hosted service: import a signed-proposal file
// another owner's Vigil exported, paste one owner's signature, or export this proposal with its
// signatures for another owner. Main checks everything against the Safe as the chain has it now.
import { useState } from 'react';
import type { SafeSignaturesRecorded, Transaction } from '@contract';
import { vigil } from '../client/index.ts';
import { CopyButton } from './CopyButton.tsx';
import { FormError, FormOk } from './StateViews.tsx';

/** A signed-proposal file is a few KB; a larger one is refused before it is read. */
const MAX_FILE_BYTES = 1_000_000;

function recordedText(result: SafeSignaturesRecorded): string {
  const parts = [
    result.recorded.length > 0
      ? `Recorded the signature of ${result.recorded.join(', ')}.`
      : 'No new signature.',
    result.alreadyRecorded.length > 0 ? `Already had ${result.alreadyRecorded.join(', ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function SafeSignatureExchange({ tx }: { tx: Transaction }) {
  const open = tx.status === 'proposed' && tx.safe?.settledBy === null;
  const [file, setFile] = useState<File | null>(null);
  const [signature, setSignature] = useState('');
  const [busy, setBusy] = useState<'import' | 'paste' | 'export' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [exported, setExported] = useState<{ path: string; text: string } | null>(null);

  async function run(kind: 'import' | 'paste' | 'export', work: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    setDone(null);
    try {
      await work();
    } finally {
      setBusy(null);
    }
  }

  const importFile = () =>
    run('import', async () => {
      if (!file) return;
      if (file.size > MAX_FILE_BYTES)
        return setError(`${file.name} is ${file.size} bytes; a signed-proposal file is a few KB.`);
      const answer = await vigil.call('safes.importSignatures', {
        text: await file.text(),
        fileName: file.name,
        proposalId: tx.id,
      });
      if (!answer.ok) return setError(answer.error.message);
      setDone(`${file.name}: ${recordedText(answer.value)}`);
    });

  const paste = () =>
    run('paste', async () => {
      const answer = await vigil.call('safes.addSignature', {
        proposalId: tx.id,
        signature: signature.trim(),
      });
      if (!answer.ok) return setError(answer.error.message);
      setSignature('');
      setDone(recordedText(answer.value));
    });

  const exportFile = () =>
    run('export', async () => {
      const answer = await vigil.call('safes.exportProposal', { id: tx.id });
      if (!answer.ok) return setError(answer.error.message);
      setExported({ path: answer.value.path, text: answer.value.text });
      setDone(
        `Wrote ${answer.value.fileName} with ${answer.value.signatures} signature${answer.value.signatures === 1 ? '' : 's'}.`,
      );
    });

  return (
    <section aria-label="Collect signatures" className="safe-signature-exchange">
      <h3>Collect signatures</h3>
      {open && (
        <>
          <div className="field">
            <label htmlFor={`signature-file-${tx.id}`}>Signed-proposal file</label>
            <input
              id={`signature-file-${tx.id}`}
              type="file"
              accept=".json,application/json"
              className="file-input"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </div>
          <div className="form-row">
            <button
              type="button"
              disabled={!file || busy !== null}
              onClick={() => void importFile()}
            >
              {busy === 'import' ? 'Importing…' : 'Import signatures'}
            </button>
          </div>
          <div className="field">
            <label htmlFor={`signature-paste-${tx.id}`}>Owner’s signature</label>
            <input
              id={`signature-paste-${tx.id}`}
              className="mono"
              placeholder="0x… (65 bytes)"
              value={signature}
              spellCheck={false}
              onChange={(event) => setSignature(event.target.value)}
            />
          </div>
          <div className="form-row">
            <button
              type="button"
              disabled={signature.trim() === '' || busy !== null}
              onClick={() => void paste()}
            >
              {busy === 'paste' ? 'Checking…' : 'Add signature'}
            </button>
          </div>
        </>
      )}
      <div className="form-row">
        <button type="button" disabled={busy !== null} onClick={() => void exportFile()}>
          {busy === 'export' ? 'Exporting…' : 'Export signed-proposal file'}
        </button>
        <span className="muted small">
          For another owner’s Vigil; approved hashes stay on chain.
        </span>
      </div>
      <FormError message={error} />
      <FormOk message={done} />
      {exported && (
        <div className="form-row">
          <span className="muted small mono">{exported.path}</span>
          <CopyButton text={exported.text} label="Copy file" />
        </div>
      )}
    </section>
  );
}
