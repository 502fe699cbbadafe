// A check's answer, loud when something is wrong: intact with its range and head, or the first
// break with where it is and how (edited, missing, inserted, reordered, truncated).
import { visibleText } from '@contract';
import type { AuditExportCheck, AuditVerification } from '@contract';
import { verificationHeadline } from '../audit-text.ts';
import { CopyButton } from './CopyButton.tsx';

interface VerificationResultProps {
  verification: AuditVerification;
  /** What was checked, for the heading: "the live log", "vigil-audit-….jsonl". */
  subject: string;
  /** "line" for files, "entry" for the live log. */
  unit?: string;
  check?: AuditExportCheck;
}

export function VerificationResult({
  verification,
  subject,
  unit,
  check,
}: VerificationResultProps) {
  const headline = verificationHeadline(verification, unit);
  return (
    <div
      className={`verify-result ${verification.intact ? 'verify-ok' : 'verify-bad'}`}
      role={verification.intact ? 'status' : 'alert'}
      data-testid="verify-result"
    >
      <p className="verify-subject muted small">{subject}</p>
      <p className="verify-headline mono break">
        {headline}
        {verification.intact && verification.count > 0 && (
          <CopyButton text={verification.headHash} label="Copy head" />
        )}
      </p>
      {!verification.intact && <p className="verify-message">{verification.message}</p>}
      {check?.header && (
        <p className="muted small">
          {check.format.toUpperCase()} export made {check.header.exportedAt} by{' '}
          {visibleText(check.header.exportedBy)}; the live log's head then was seq{' '}
          {check.header.head.seq}.
        </p>
      )}
      {check?.liveLog && <LiveLogComparison check={check} />}
    </div>
  );
}

function LiveLogComparison({ check }: { check: AuditExportCheck }) {
  const last = check.header?.last;
  if (!last) return null;
  switch (check.liveLog) {
    case 'matches':
      return (
        <p className="small verify-live-ok">
          This Vigil's live log holds the same entry {last.seq}: the export is from this log.
        </p>
      );
    case 'differs':
      return (
        <p className="small verify-live-bad">
          This Vigil's live log has a different entry {last.seq}: the export and this log disagree.
        </p>
      );
    case 'absent':
      return (
        <p className="small muted">
          This Vigil's live log has no entry {last.seq} (an export from another data directory?).
        </p>
      );
    default:
      return null;
  }
}
