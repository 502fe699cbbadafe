// Schedules: when each proposes next, what its last slot became (proposed, skipped or failed,
// with the reason), its recent runs, and enabling or disabling it (neither needs a person: a
// schedule's proposal still waits for one unless its policy approves it).
import { useState } from 'react';
import { visibleText, type AutomationPolicy, type Schedule, type ScheduleRun } from '@contract';
import { callOrThrow, vigil } from '../client/index.ts';
import { hrefFor } from '../route.ts';
import { formatDuration } from '../format.ts';
import { Address } from './Address.tsx';
import { EnableSwitch } from './EnableSwitch.tsx';
import { EmptyState, FieldError, Loadable } from './StateViews.tsx';
import { TableScroll } from './TableScroll.tsx';
import { Time } from './Time.tsx';
import { useAutomationList } from './use-automation-list.ts';

function RunText({ run }: { run: ScheduleRun }) {
  return (
    <>
      <span className={`badge badge-run-${run.outcome}`}>{run.outcome}</span>{' '}
      <span className="small muted">
        slot <Time ms={run.slotAt} />
      </span>
      {run.txId !== null && (
        <>
          {' '}
          <a href={hrefFor('transactions', { id: run.txId })}>#{run.txId}</a>
        </>
      )}
      {run.reason && <div className="small">{visibleText(run.reason)}</div>}
    </>
  );
}

export function SchedulesPanel({ policies }: { policies: AutomationPolicy[] }) {
  const schedules = useAutomationList('all', async () => {
    const answer = await callOrThrow('automation.schedules.list', {});
    return answer.schedules;
  });
  return (
    <section className="automation-panel" aria-labelledby="schedules-title">
      <div className="card-header">
        <h2 id="schedules-title">Schedules</h2>
      </div>
      <Loadable
        what="schedules"
        loaded={schedules.loaded}
        error={schedules.error}
        onRetry={schedules.reload}
        empty={
          schedules.items.length === 0 ? (
            <EmptyState>
              No schedules yet. A schedule proposes a transaction at each slot of a cron expression
              or an interval (automation.schedules.save over the headless API).
            </EmptyState>
          ) : null
        }
      >
        <TableScroll label="Schedules">
          <table className="table schedules-table" aria-label="Schedules">
            <thead>
              <tr>
                <th>On</th>
                <th>Schedule</th>
                <th>Proposes</th>
                <th>Next slot</th>
                <th>Last run</th>
              </tr>
            </thead>
            <tbody>
              {schedules.items.map((schedule) => (
                <ScheduleRow
                  key={schedule.id}
                  schedule={schedule}
                  policies={policies}
                  onChanged={schedules.reload}
                />
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Loadable>
    </section>
  );
}

function ScheduleRow({
  schedule,
  policies,
  onChanged,
}: {
  schedule: Schedule;
  policies: AutomationPolicy[];
  onChanged: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [runs, setRuns] = useState<ScheduleRun[] | null>(null);
  const name = visibleText(schedule.name);
  const policy = schedule.execute
    ? policies.find((candidate) => candidate.id === schedule.execute!.policy)
    : undefined;
  const toggle = async (on: boolean) => {
    setError(null);
    const answer = await vigil.call('automation.schedules.setEnabled', {
      id: schedule.id,
      enabled: on,
    });
    if (answer.ok) onChanged();
    else setError(answer.error.message);
    return answer;
  };
  const showRuns = async (): Promise<void> => {
    if (runs) return setRuns(null);
    const answer = await vigil.call('automation.schedules.runs', { id: schedule.id, limit: 10 });
    if (answer.ok) setRuns(answer.value.runs);
    else setError(answer.error.message);
  };
  const call = schedule.propose.function?.name ?? (schedule.propose.data ? 'a call' : 'a transfer');
  return (
    <tr data-testid="schedule-row">
      <td>
        <EnableSwitch
          label={`Enable schedule ${name}`}
          checked={schedule.enabled}
          title={
            schedule.enabled
              ? 'Disable'
              : schedule.execute
                ? 'Enable (needs your approval: it sends under a policy)'
                : 'Enable'
          }
          onChange={toggle}
        />
      </td>
      <td>
        <div className="policy-name">{name}</div>
        <div className="small muted">
          {schedule.cron ? (
            <>
              <span className="mono">{schedule.cron}</span> ({schedule.timezone})
            </>
          ) : (
            `every ${formatDuration(schedule.everySeconds ?? 0)}`
          )}
          {' · '}catch-up {formatDuration(schedule.catchUpSeconds)}
        </div>
        <FieldError message={error} />
      </td>
      <td className="small">
        {call} to{' '}
        {schedule.propose.to ? (
          <Address address={schedule.propose.to} chainId={schedule.propose.chainId} />
        ) : (
          'a batch'
        )}{' '}
        from <Address address={schedule.propose.from ?? ''} chainId={schedule.propose.chainId} />
        <div className={schedule.execute ? undefined : 'muted'}>
          {schedule.execute
            ? `under ${policy ? visibleText(policy.name) : schedule.execute.policy}`
            : 'waits for a person'}
        </div>
      </td>
      <td className="small nowrap">
        {schedule.nextSlotAt === null ? (
          <span className="muted">none</span>
        ) : (
          <>
            <Time ms={schedule.nextSlotAt} />
            <div className="muted">
              <Time ms={schedule.nextSlotAt} relative />
            </div>
          </>
        )}
      </td>
      <td className="schedule-last-run">
        {schedule.lastRun ? (
          <RunText run={schedule.lastRun} />
        ) : (
          <span className="muted">never</span>
        )}
        <div>
          <button
            type="button"
            className="button-small"
            aria-expanded={runs !== null}
            aria-label={`Recent runs of ${name}`}
            onClick={() => void showRuns()}
          >
            {runs ? 'Hide runs' : 'Recent runs'}
          </button>
        </div>
        {runs && (
          <ol className="plain-list schedule-runs" aria-label={`Runs of ${name}`}>
            {runs.length === 0 && <li className="muted">none yet</li>}
            {runs.map((run) => (
              <li key={run.slotAt}>
                <RunText run={run} />
              </li>
            ))}
          </ol>
        )}
      </td>
    </tr>
  );
}
