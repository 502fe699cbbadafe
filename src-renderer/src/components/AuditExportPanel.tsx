// Exports the log, or a time range of it, as JSON Lines or CSV. In the desktop app the operator
// picks the file in a save dialog; in a browser (headless mode) the server writes it to its
// exports folder and the browser downloads it. Progress arrives as audit.exportProgress.
import { useEffect, useRef, useState } from 'react';
import type { AuditExportFormat, AuditExportResult } from '@contract';
import { exportDownloadUrl, isDesktop, vigil } from '../client/index.ts';
import { localInputToMs } from '../audit-text.ts';
import { formatCount } from '../format.ts';
import { LabelledSelect } from './LabelledSelect.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { TimeRangeInputs } from './TimeRangeInputs.tsx';
import { ToolForm } from './ToolForm.tsx';

interface Progress {
  written: number;
  total: number;
}

function newExportId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Starts the browser's download of a file the server wrote (an attachment, so no navigation). */
function download(fileName: string): void {
  const link = document.createElement('a');
  link.href = exportDownloadUrl(fileName);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}

export function AuditExportPanel() {
  const [format, setFormat] = useState<AuditExportFormat>('jsonl');
  const [scope, setScope] = useState<'all' | 'range'>('all');
  const [range, setRange] = useState({ from: '', to: '' });
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<AuditExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const exportId = useRef<string | null>(null);

  useEffect(
    () =>
      vigil.subscribe('audit.exportProgress', (payload) => {
        if (payload.exportId === exportId.current)
          setProgress({ written: payload.written, total: payload.total });
      }),
    [],
  );

  const submit = async (): Promise<void> => {
    setError(null);
    setResult(null);
    const times =
      scope === 'range'
        ? { from: localInputToMs(range.from), to: localInputToMs(range.to) }
        : { from: undefined, to: undefined };
    if (scope === 'range' && times.from === undefined && times.to === undefined) {
      setError('Give a start, an end, or both — or export everything.');
      return;
    }
    // Desktop: main shows the save dialog and answers a one-time handle, never a path.
    let handle: string | undefined;
    if (isDesktop) {
      const chosen = await vigil.call('dialog.chooseExportFile', { format });
      if (!chosen.ok) return setError(chosen.error.message);
      if (chosen.value.handle === null) return; // cancelled
      handle = chosen.value.handle;
    }
    exportId.current = newExportId();
    setBusy(true);
    setProgress({ written: 0, total: 0 });
    const answer = await vigil.call('audit.export', {
      format,
      exportId: exportId.current,
      ...(times.from === undefined ? {} : { from: times.from }),
      ...(times.to === undefined ? {} : { to: times.to }),
      ...(handle === undefined ? {} : { handle }),
    });
    setBusy(false);
    if (!answer.ok) {
      setProgress(null);
      setError(answer.error.message);
      return;
    }
    setProgress({ written: answer.value.count, total: answer.value.count });
    setResult(answer.value);
    if (answer.value.downloadable && !isDesktop) download(answer.value.fileName);
  };

  const fraction = progress && progress.total > 0 ? progress.written / progress.total : 0;
  return (
    <ToolForm title="Export" label="Export the audit log" onSubmit={submit}>
      <div className="form-row">
        <LabelledSelect
          id="export-format"
          label="Format"
          value={format}
          options={[
            { value: 'jsonl', label: 'JSON Lines' },
            { value: 'csv', label: 'CSV (spreadsheets)' },
          ]}
          onChange={(value) => setFormat(value as AuditExportFormat)}
        />
        <LabelledSelect
          id="export-scope"
          label="Entries"
          value={scope}
          options={[
            { value: 'all', label: 'All' },
            { value: 'range', label: 'Time range' },
          ]}
          onChange={(value) => setScope(value as 'all' | 'range')}
        />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Exporting…' : isDesktop ? 'Export…' : 'Export and download'}
        </button>
      </div>
      {scope === 'range' && (
        <div className="form-row">
          <TimeRangeInputs idPrefix="export" {...range} onChange={setRange} />
        </div>
      )}
      {progress && (
        <ProgressBar
          label="Export progress"
          fraction={fraction}
          detail={`${formatCount(progress.written)} / ${formatCount(progress.total)}`}
        />
      )}
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {result && (
        <div className="form-ok" role="status" data-testid="export-result">
          Exported {formatCount(result.count)} entries (seq {result.fromSeq}..{result.toSeq}) to{' '}
          {result.downloadable && !isDesktop ? (
            <a href={exportDownloadUrl(result.fileName)} download={result.fileName}>
              {result.fileName}
            </a>
          ) : (
            <code>{result.path}</code>
          )}
          .
        </div>
      )}
    </ToolForm>
  );
}
