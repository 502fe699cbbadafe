// Says, on every view, when the audit log failed its check at start: someone altered the data
// directory outside Vigil. Silent while the log is intact or its status is not known yet.
import { useAuditStatus } from '../stores/audit.ts';
import { hrefFor } from '../route.ts';

export function AuditIntegrityBanner() {
  const startCheck = useAuditStatus((state) => state.status?.startCheck);
  if (!startCheck) return null;
  const { verification, replayProblems, evidenceFolder, damagedSegments } = startCheck;
  const damaged = damagedSegments[0];
  if (verification.intact && replayProblems.length === 0 && !damaged) return null;
  const reason = !verification.intact
    ? verification.message
    : (replayProblems[0] ??
      `Sealed audit file ${damaged!.file} ${damaged!.reason}${damaged!.movedTo ? `; it was moved aside to ${damaged!.movedTo}` : ''}.`);
  return (
    <div
      className="banner banner-error banner-loud"
      role="alert"
      data-testid="audit-integrity-banner"
    >
      <strong>The audit log failed its integrity check at start.</strong> {reason} The data
      directory was altered outside Vigil; nothing was changed or removed.
      {evidenceFolder && (
        <>
          {' '}
          Copies of its files as found are in <code>{evidenceFolder}</code>.
        </>
      )}{' '}
      <a href={hrefFor('audit')}>Open the audit log</a>
    </div>
  );
}
