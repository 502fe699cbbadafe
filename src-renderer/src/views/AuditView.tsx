// The audit log: every operator and system action, newest first, in a virtualized table with
// filters (time range, actor, action, subject, free text) and a detail pane; export to a file,
// verify an exported file, and verify the live log. Entries cannot be edited or deleted here (or
// anywhere).
import { visibleText } from '@contract';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry } from '@contract';
import { callOrThrow, vigil } from '../client/index.ts';
import {
  brokenSeqOf,
  isFiltered,
  useAuditLog,
  useAuditStatus,
  type AuditFilter,
} from '../stores/audit.ts';
import { Loadable } from '../components/StateViews.tsx';
import { AuditEntryDetail } from '../components/AuditEntryDetail.tsx';
import { AuditExportPanel } from '../components/AuditExportPanel.tsx';
import { AuditVerifyPanel } from '../components/AuditVerifyPanel.tsx';
import { TimeRangeInputs } from '../components/TimeRangeInputs.tsx';
import { VerificationResult } from '../components/VerificationResult.tsx';
import { VirtualRow } from '../components/VirtualRow.tsx';
import { VirtualTable, type RowPlacement } from '../components/VirtualTable.tsx';
import { LabelledSelect } from '../components/LabelledSelect.tsx';
import { detailsSummary, localInputToMs } from '../audit-text.ts';
import { Time } from '../components/Time.tsx';
import { formatCount } from '../format.ts';
import { useRouteParams } from '../route.ts';

const ROW_HEIGHT = 32;

const asOption = (value: string) => ({ value, label: value });

export function AuditView() {
  const { entries, loaded, loading, error, reload, filter, setFilter } = useAuditLog();
  const params = useRouteParams();
  const [selectedSeq, setSelectedSeq] = useState<number | null>(() => {
    const seq = Number(params.get('seq'));
    return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
  });
  const selected = useMemo(
    () => entries.find((entry) => entry.seq === selectedSeq) ?? null,
    [entries, selectedSeq],
  );

  // Entries and the headline's count are read together, so they agree when the view opens.
  useEffect(() => {
    void reload();
    void useAuditStatus.getState().load();
  }, [reload]);

  return (
    <section className="view view-fill">
      <header className="view-header">
        <h1>Audit log</h1>
        <AuditHeadline />
        <LiveLogCheckButton />
      </header>
      <LiveLogCheckResult />
      <div className="audit-tools">
        <AuditExportPanel />
        <AuditVerifyPanel />
      </div>
      <ExportSigningKey />
      <AuditFilters />
      <div className="events-layout">
        <div className="events-main" aria-busy={loading}>
          <Loadable
            what="the audit log"
            loaded={loaded}
            error={error}
            onRetry={() => void reload()}
            empty={null}
          >
            <AuditTable entries={entries} selectedSeq={selectedSeq} onSelect={setSelectedSeq} />
          </Loadable>
        </div>
        {selected && (
          <AuditEntryDetail
            entry={selected}
            onClose={() => setSelectedSeq(null)}
            onFilterSubject={(subject) => setFilter({ ...filter, subject })}
          />
        )}
      </div>
    </section>
  );
}

/** The public key that signs this Vigil's exports: what an auditor checks a `.sig` file with. */
function ExportSigningKey() {
  const [key, setKey] = useState<{ publicKeyPem: string; fingerprint: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    callOrThrow('audit.signingKey', {}).then(setKey, (caught: Error) => setError(caught.message));
  }, []);
  return (
    <details className="export-signing-key" data-testid="export-signing-key">
      <summary>
        Exports are signed (Ed25519)
        {key ? (
          <>
            {' '}
            by the key <code>{key.fingerprint}</code>
          </>
        ) : null}
        {error ? <span className="error-text"> {error}</span> : null}
      </summary>
      {key && (
        <>
          <p>
            Each export has a <code>.sig</code> file beside it. Give an auditor this public key;
            they check a file with <code>npm run audit:verify -- FILE --public-key KEY.pem</code> or
            openssl (see the README).
          </p>
          <pre>{key.publicKeyPem}</pre>
        </>
      )}
    </details>
  );
}

function AuditHeadline() {
  const status = useAuditStatus((state) => state.status);
  const total = useAuditLog((state) => state.total);
  const filtered = useAuditLog((state) => isFiltered(state.filter));
  if (!status) return null;
  return (
    <span className="muted small" data-testid="audit-headline">
      {formatCount(status.count)} {status.count === 1 ? 'entry' : 'entries'} in all
      {filtered && <> · {formatCount(total)} match</>}
      {status.head && (
        <>
          {' '}
          · head seq {status.head.seq}{' '}
          <span className="mono">{status.head.hash.slice(0, 12)}…</span>
        </>
      )}
    </span>
  );
}

/** Checks the whole live log now, the way it is checked at every start. */
function LiveLogCheckButton() {
  const { checkingLive, verifyLive } = useAuditStatus();
  return (
    <button
      type="button"
      className="live-check-button"
      onClick={() => void verifyLive()}
      disabled={checkingLive}
    >
      {checkingLive ? 'Verifying…' : 'Verify live log'}
    </button>
  );
}

function LiveLogCheckResult() {
  const { liveCheck, liveCheckError } = useAuditStatus();
  if (liveCheckError)
    return (
      <div className="form-error live-check" role="alert">
        {liveCheckError}
      </div>
    );
  if (!liveCheck) return null;
  return (
    <div className="live-check">
      <VerificationResult verification={liveCheck} subject="The live log, just now" unit="entry" />
    </div>
  );
}

function AuditFilters() {
  const { filter, setFilter } = useAuditLog();
  const [facets, setFacets] = useState<{ actors: string[]; actions: string[] }>({
    actors: [],
    actions: [],
  });
  const [text, setText] = useState(filter.text ?? '');
  const [subject, setSubject] = useState(filter.subject ?? '');
  const [range, setRange] = useState({ from: '', to: '' });

  useEffect(() => {
    const loadFacets = (): void =>
      void callOrThrow('audit.facets', {}).then(setFacets, () => undefined);
    loadFacets();
    // New actions and actors appear as the log grows.
    return vigil.subscribe('audit.appended', loadFacets);
  }, []);

  // The detail pane's "Entries about this" sets the subject from outside; follow it (adjusting
  // state while rendering, as React advises, rather than in an effect).
  const [shownSubject, setShownSubject] = useState(filter.subject);
  if (filter.subject !== shownSubject) {
    setShownSubject(filter.subject);
    if ((filter.subject ?? '') !== subject.trim()) setSubject(filter.subject ?? '');
  }

  const update = (change: Partial<AuditFilter>): void => setFilter({ ...filter, ...change });

  // Typing waits for a pause before asking the server.
  const typing = useRef<ReturnType<typeof setTimeout> | null>(null);
  const updateLater = (change: Partial<AuditFilter>): void => {
    if (typing.current) clearTimeout(typing.current);
    typing.current = setTimeout(() => update(change), 300);
  };

  return (
    <div className="filters audit-filters" role="search" aria-label="Audit filters">
      <span className="filter-group filter-grow">
        <label htmlFor="audit-text">Search</label>
        <input
          id="audit-text"
          type="search"
          placeholder="anything in an entry"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            updateLater({ text: e.target.value || undefined });
          }}
        />
      </span>
      <span className="filter-group">
        <LabelledSelect
          id="audit-actor"
          label="Actor"
          value={filter.actor ?? ''}
          options={[{ value: '', label: 'Anyone' }, ...facets.actors.map(asOption)]}
          onChange={(actor) => update({ actor: actor || undefined })}
        />
      </span>
      <span className="filter-group">
        <LabelledSelect
          id="audit-action"
          label="Action"
          value={filter.action ?? ''}
          options={[{ value: '', label: 'All actions' }, ...facets.actions.map(asOption)]}
          onChange={(action) => update({ action: action || undefined })}
        />
      </span>
      <span className="filter-group">
        <label htmlFor="audit-subject">Subject</label>
        <input
          id="audit-subject"
          className="filter-subject"
          placeholder="chain:1 or tx:"
          value={subject}
          onChange={(e) => {
            setSubject(e.target.value);
            updateLater({ subject: e.target.value.trim() || undefined });
          }}
        />
      </span>
      <span className="filter-group">
        <TimeRangeInputs
          idPrefix="audit"
          from={range.from}
          to={range.to}
          onChange={(next) => {
            setRange(next);
            update({ from: localInputToMs(next.from), to: localInputToMs(next.to) });
          }}
        />
      </span>
    </div>
  );
}

interface AuditTableProps {
  entries: AuditEntry[];
  selectedSeq: number | null;
  onSelect: (seq: number) => void;
}

function AuditTable({ entries, selectedSeq, onSelect }: AuditTableProps) {
  const { olderCursor, loadingOlder, loadOlder, error, filter, total } = useAuditLog();
  const brokenSeq = useAuditStatus(brokenSeqOf);
  return (
    <VirtualTable
      label="Audit entries"
      rowCount={total}
      items={entries}
      itemKey={(entry) => entry.seq}
      rowHeight={ROW_HEIGHT}
      gridClassName="audit-grid"
      // Dropped in this order as the table narrows (styles.css): Details (the detail pane has
      // them in full), then Actor.
      columns={['Seq', 'Time', 'Actor|col-actor', 'Action', 'Subject', 'Details|col-details']}
      empty={
        isFiltered(filter) ? 'No audit entries match these filters.' : 'The audit log is empty.'
      }
      renderRow={(entry, placement) => (
        <AuditRow
          entry={entry}
          placement={placement}
          broken={entry.seq === brokenSeq}
          selected={entry.seq === selectedSeq}
          onSelect={() => onSelect(entry.seq)}
        />
      )}
      footer={
        <>
          {error && <span className="field-error">{error}</span>}
          <span className="muted">
            {formatCount(entries.length)} of {formatCount(total)} shown
          </span>
          {olderCursor ? (
            <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? 'Loading older…' : 'Load older'}
            </button>
          ) : (
            entries.length > 0 && <span className="muted">Start of the log.</span>
          )}
        </>
      }
    />
  );
}

interface AuditRowProps {
  entry: AuditEntry;
  placement: RowPlacement;
  /** The first entry the latest check found broken. */
  broken: boolean;
  selected: boolean;
  onSelect: () => void;
}

/** A row selects its entry wherever it is clicked; the link to the subject is in the detail pane. */
function AuditRow({ entry, placement, broken, selected, onSelect }: AuditRowProps) {
  return (
    <VirtualRow
      className={`audit-grid${broken ? ' audit-broken' : ''}`}
      testId="audit-row"
      placement={placement}
      copy={{ text: entry.subject, what: 'subject' }}
      selected={selected}
      onSelect={onSelect}
    >
      <span
        role="cell"
        className="mono muted"
        title={broken ? 'The hash chain breaks at this entry' : undefined}
      >
        {broken && <span aria-label="broken">⚠ </span>}
        {entry.seq}
      </span>
      <span role="cell" className="mono small">
        <Time ms={entry.at} />
      </span>
      <span
        role="cell"
        className={entry.actor === 'system' ? 'muted col-actor' : 'col-actor'}
        title={entry.actor}
      >
        {visibleText(entry.actor)}
      </span>
      <span
        role="cell"
        className={`audit-action action-${entry.action.split('.')[0]}`}
        title={entry.action}
      >
        {entry.action}
      </span>
      <span role="cell" className="mono small" title={entry.subject}>
        {visibleText(entry.subject)}
      </span>
      <span role="cell" className="small muted col-details" title={detailsSummary(entry.details)}>
        {detailsSummary(entry.details)}
      </span>
    </VirtualRow>
  );
}
