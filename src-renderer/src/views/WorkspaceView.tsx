// Config as code: import a workspace YAML (pasted or from a file), export the current one.
import { useState } from 'react';
import type { RequestOutput } from '@contract';
import { hrefFor } from '../route.ts';
import { vigil } from '../client/index.ts';
import { useConfig } from '../stores/config.ts';
import { Field } from '../components/Field.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { ImportFromToolPanel } from '../components/ImportFromToolPanel.tsx';

export function WorkspaceView() {
  return (
    <section className="view">
      <header className="view-header">
        <h1>Workspace</h1>
      </header>
      <div className="split">
        <div className="split-main card">
          <h2>Import</h2>
          <ImportForm />
        </div>
        <div className="split-side card">
          <h2>Export</h2>
          <ExportPanel />
        </div>
      </div>
      <div className="card import-tool-card">
        <h2>Import from another tool</h2>
        <ImportFromToolPanel />
      </div>
    </section>
  );
}

function ImportForm() {
  const [yaml, setYaml] = useState('');
  const [fileName, setFileName] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<RequestOutput<'workspace.import'> | null>(null);

  const readFile = (file: File): void => {
    const reader = new FileReader();
    reader.onload = () => {
      setYaml(String(reader.result ?? ''));
      setFileName(file.name);
    };
    reader.onerror = () => setError(`Could not read ${file.name}.`);
    reader.readAsText(file);
  };

  const submit = async (): Promise<void> => {
    setError(null);
    setSummary(null);
    if (yaml.trim() === '') {
      setError('Paste a workspace YAML, or choose a file.');
      return;
    }
    setBusy(true);
    const result = await vigil.call('workspace.import', fileName ? { yaml, fileName } : { yaml });
    setBusy(false);
    if (!result.ok) {
      setError(
        result.error.field
          ? `${result.error.field}: ${result.error.message}`
          : result.error.message,
      );
      return;
    }
    setSummary(result.value);
    void useConfig.getState().load();
  };

  return (
    <form
      className="form"
      aria-label="Import workspace"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Field
        id="workspace-yaml"
        label="Workspace YAML"
        error={error}
        hint={
          fileName
            ? `From ${fileName}.`
            : 'Chains and contracts to add; ones already present are left as they are.'
        }
      >
        <textarea
          id="workspace-yaml"
          className="mono"
          rows={14}
          value={yaml}
          spellCheck={false}
          onChange={(e) => {
            setYaml(e.target.value);
            setFileName(undefined);
          }}
          placeholder={
            'chains:\n  - name: Base\n    chainId: 8453\n    rpcUrls: [https://mainnet.base.org]'
          }
        />
      </Field>
      <div className="form-row">
        <label htmlFor="workspace-file" className="button">
          Choose YAML file
        </label>
        <input
          id="workspace-file"
          className="visually-hidden"
          type="file"
          accept=".yaml,.yml,text/yaml"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) readFile(file);
            e.target.value = '';
          }}
        />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {summary && (
        <div className="form-ok" role="status">
          Imported: {summary.chainsAdded} chain(s) added, {summary.chainsUnchanged} unchanged;{' '}
          {summary.contractsAdded} contract(s) added, {summary.contractsUnchanged} unchanged
          {summary.transactionsProposed + summary.transactionsUnchanged > 0 && (
            <>
              ; {summary.transactionsProposed} transaction(s) proposed (they await your approval
              under Transactions), {summary.transactionsUnchanged} proposed before
            </>
          )}
          {summary.policiesAdded + summary.policiesChanged + summary.policiesUnchanged > 0 && (
            <>
              ; {summary.policiesAdded} automation policy(ies) added (disabled until you enable them
              under <a href={hrefFor('automation')}>Automation</a>), {summary.policiesChanged}{' '}
              changed, {summary.policiesUnchanged} unchanged
            </>
          )}
          {summary.schedulesAdded + summary.schedulesUnchanged > 0 && (
            <>
              ; {summary.schedulesAdded} schedule(s) added (disabled until you enable them),{' '}
              {summary.schedulesUnchanged} unchanged
            </>
          )}
          .
        </div>
      )}
    </form>
  );
}

function ExportPanel() {
  const [yaml, setYaml] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const exportWorkspace = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await vigil.call('workspace.export', {});
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else setYaml(result.value.yaml);
  };

  const download = (): void => {
    if (yaml === null) return;
    const url = URL.createObjectURL(new Blob([yaml], { type: 'text/yaml' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'vigil-workspace.yaml';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="form">
      <p className="muted">
        The current chains and contracts as a workspace file you can keep in version control.
      </p>
      <div className="form-row">
        <button type="button" onClick={() => void exportWorkspace()} disabled={busy}>
          {busy ? 'Exporting…' : 'Export'}
        </button>
        {yaml !== null && (
          <>
            <button type="button" onClick={download}>
              Download
            </button>
            <CopyButton text={yaml} />
          </>
        )}
      </div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {yaml !== null && (
        <pre className="code-block" aria-label="Exported workspace">
          {yaml}
        </pre>
      )}
    </div>
  );
}
