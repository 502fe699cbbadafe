// One audit entry in full: who did what to which subject and when, its details, and its place in
// the hash chain, with a link to what it is about.
import { visibleText } from '@contract';
import type { AuditEntry } from '@contract';
import { localTime, subjectLink } from '../audit-text.ts';
import { CopyButton } from './CopyButton.tsx';
import { DetailItem } from './DetailItem.tsx';
import { DetailPane } from './DetailPane.tsx';

interface AuditEntryDetailProps {
  entry: AuditEntry;
  onClose: () => void;
  onFilterSubject: (subject: string) => void;
}

export function AuditEntryDetail({ entry, onClose, onFilterSubject }: AuditEntryDetailProps) {
  const link = subjectLink(entry.subject);
  const details = JSON.stringify(entry.details, null, 2);
  return (
    <DetailPane
      label="Audit entry detail"
      title={entry.action}
      aside={<span className="muted mono">#{entry.seq}</span>}
      onClose={onClose}
      itemKey={entry.seq}
    >
      <dl className="detail-list">
        <DetailItem label="Time" value={localTime(entry.at)} />
        <DetailItem label="Time (UTC, as exported)" value={new Date(entry.at).toISOString()} mono />
        <DetailItem label="Actor" value={visibleText(entry.actor)} />
        <DetailItem
          label="Subject"
          value={visibleText(entry.subject)}
          copy={visibleText(entry.subject)}
          mono
        />
      </dl>
      <p className="subject-actions">
        {link && (
          <a href={link.href} className="small">
            {link.label} →
          </a>
        )}
        <button
          type="button"
          className="button-small"
          onClick={() => onFilterSubject(entry.subject)}
        >
          Entries about this
        </button>
      </p>
      <section>
        <div className="section-title">
          <h3>Details</h3>
          <CopyButton text={details} label="Copy all" />
        </div>
        <pre className="code-block audit-details">{details}</pre>
      </section>
      <section>
        <h3>Hash chain</h3>
        <dl className="detail-list">
          <DetailItem label="Hash" value={entry.hash} copy={entry.hash} mono />
          <DetailItem
            label="Previous entry's hash"
            value={entry.prevHash}
            copy={entry.prevHash}
            mono
          />
        </dl>
      </section>
    </DetailPane>
  );
}
