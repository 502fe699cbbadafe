// Checks an exported file the operator picks: its text goes to main, which verifies it with the
// same code as `npm run audit:verify`, and also says whether this Vigil's live log agrees.
import { useState } from 'react';
import { AUDIT_VERIFY_TEXT_MAX_CHARS, type AuditExportCheck } from '@contract';
import { vigil } from '../client/index.ts';
import { ToolForm } from './ToolForm.tsx';
import { VerificationResult } from './VerificationResult.tsx';

export function AuditVerifyPanel() {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<{ name: string; check: AuditExportCheck } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (): Promise<void> => {
    setError(null);
    setChecked(null);
    if (!file) return setError('Choose an exported file (.jsonl or .csv) first.');
    const tooLarge = `${file.name} is ${(file.size / 1024 ** 2).toFixed(0)} MB, too large to check here; run npm run audit:verify -- FILE on the machine that has it.`;
    // A character takes at most 3 bytes, so a file this large is certainly too long to send;
    // it is refused before it is read into memory.
    if (file.size > AUDIT_VERIFY_TEXT_MAX_CHARS * 3) return setError(tooLarge);
    setBusy(true);
    const text = await file.text();
    if (text.length > AUDIT_VERIFY_TEXT_MAX_CHARS) {
      setBusy(false);
      return setError(tooLarge);
    }
    const answer = await vigil.call('audit.verifyExport', { text, fileName: file.name });
    setBusy(false);
    if (!answer.ok) return setError(answer.error.message);
    setChecked({ name: file.name, check: answer.value });
  };

  return (
    <ToolForm title="Verify an export" label="Verify an export" onSubmit={submit}>
      <div className="form-row">
        <label htmlFor="verify-file" className="visually-hidden">
          Exported file
        </label>
        <input
          id="verify-file"
          type="file"
          accept=".jsonl,.csv,.txt,application/jsonl,text/csv"
          className="file-input"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setChecked(null);
            setError(null);
          }}
        />
        <button type="submit" disabled={busy || !file}>
          {busy ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {checked && (
        <VerificationResult
          verification={checked.check.verification}
          subject={checked.name}
          check={checked.check}
        />
      )}
    </ToolForm>
  );
}
