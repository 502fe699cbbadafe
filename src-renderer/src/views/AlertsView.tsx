// Alerts: the feed of firings (acknowledge, snooze), the rules with their editor, and the
// delivery log with every attempt.
import { visibleText } from '@contract';
import { useRef, useState } from 'react';
import type { AlertDelivery, AlertFiring, AlertRule, Chain, WatchedContract } from '@contract';
import { vigil } from '../client/index.ts';
import { needsAttention, useAlerts } from '../stores/alerts.ts';
import { chainName, contractName, findChain, useConfig } from '../stores/config.ts';
import { EmptyState, FieldError, Loadable, FormOk } from '../components/StateViews.tsx';
import { useRowNavigation } from '../components/row-navigation.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { Checkbox } from '../components/Inputs.tsx';
import { RuleEditor } from '../components/RuleEditor.tsx';
import { ExplorerLink } from '../components/ExplorerLink.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { useAddressNamer } from '../components/Address.tsx';
import { focusAfterRemoval, useLayer } from '../components/layer.ts';
import { announce } from '../components/announce.ts';
import { Time, useNow } from '../components/Time.tsx';
import { argsSummary, formatCount, shortHex, type AddressNamer } from '../format.ts';
import { hrefFor } from '../route.ts';
import { nativeLabel } from '../units.ts';

type Tab = 'feed' | 'rules' | 'deliveries';

export function AlertsView() {
  const [tab, setTab] = useState<Tab>('feed');
  const { loaded, error, load, unacknowledged } = useAlerts();
  const tabs: { id: Tab; label: string }[] = [
    { id: 'feed', label: unacknowledged > 0 ? `Feed (${unacknowledged})` : 'Feed' },
    { id: 'rules', label: 'Rules' },
    { id: 'deliveries', label: 'Deliveries' },
  ];
  return (
    <section className="view">
      <header className="view-header">
        <h1>Alerts</h1>
        <div
          className="tabs"
          role="tablist"
          aria-label="Alerts sections"
          onKeyDown={(event) => {
            // WAI-ARIA tabs: arrows move and select (automatic activation), Home/End the ends.
            const index = tabs.findIndex((item) => item.id === tab);
            const next =
              event.key === 'ArrowRight'
                ? (index + 1) % tabs.length
                : event.key === 'ArrowLeft'
                  ? (index - 1 + tabs.length) % tabs.length
                  : event.key === 'Home'
                    ? 0
                    : event.key === 'End'
                      ? tabs.length - 1
                      : null;
            if (next === null) return;
            event.preventDefault();
            setTab(tabs[next]!.id);
            document.getElementById(`alerts-tab-${tabs[next]!.id}`)?.focus();
          }}
        >
          {tabs.map((item) => (
            <button
              key={item.id}
              id={`alerts-tab-${item.id}`}
              type="button"
              role="tab"
              aria-selected={tab === item.id}
              aria-controls="alerts-tabpanel"
              tabIndex={tab === item.id ? 0 : -1}
              className={tab === item.id ? 'tab tab-active' : 'tab'}
              onClick={() => setTab(item.id)}
            >
              {item.label}
            </button>
          ))}
        </div>
      </header>
      <div id="alerts-tabpanel" role="tabpanel" aria-labelledby={`alerts-tab-${tab}`}>
        <Loadable
          what="alerts"
          loaded={loaded}
          error={error}
          onRetry={() => void load()}
          empty={null}
        >
          {tab === 'feed' ? (
            <Feed onNewRule={() => setTab('rules')} />
          ) : tab === 'rules' ? (
            <Rules />
          ) : (
            <Deliveries />
          )}
        </Loadable>
      </div>
    </section>
  );
}

// ---- feed ------------------------------------------------------------------------------------

function Feed({ onNewRule }: { onNewRule: () => void }) {
  const { firings, rules } = useAlerts();
  const [showAll, setShowAll] = useState(false);
  const now = useNow();
  const open = firings.filter((firing) => needsAttention(firing, now));
  const shown = showAll ? firings : open;
  const bar = useRef<HTMLDivElement>(null);
  const acknowledgeAll = async (): Promise<void> => {
    const ids = open.map((firing) => firing.id);
    await acknowledge(ids);
    // The button leaves with the firings it acknowledged: focus stays in the bar, on Show all,
    // where they can be read again, instead of falling to the page.
    bar.current?.querySelector<HTMLElement>('input')?.focus();
    announce(`Acknowledged ${ids.length} firings.`);
  };
  return (
    <div className="feed">
      <div className="form-row feed-bar" ref={bar}>
        <Checkbox checked={showAll} onChange={setShowAll}>
          Show all firings (acknowledged, retracted, resolved, suppressed)
        </Checkbox>
        {open.length > 1 && (
          <button type="button" className="button-small" onClick={() => void acknowledgeAll()}>
            Acknowledge all {open.length}
          </button>
        )}
      </div>
      {shown.length === 0 ? (
        <EmptyState
          action={
            rules.length === 0 ? (
              <button type="button" onClick={onNewRule}>
                Write a rule
              </button>
            ) : undefined
          }
        >
          {rules.length === 0
            ? 'No alert rules yet.'
            : showAll
              ? 'Nothing has fired yet.'
              : 'Nothing needs attention.'}
        </EmptyState>
      ) : (
        <ol className="firing-list" aria-label="Firings">
          {shown.map((firing) => (
            <FiringItem key={firing.id} firing={firing} />
          ))}
        </ol>
      )}
    </div>
  );
}

// The acknowledged and snoozed firings, and the new count, come back with alerts.changed.
async function acknowledge(ids: string[]): Promise<void> {
  await vigil.call('alerts.ack', { ids });
}

function FiringItem({ firing }: { firing: AlertFiring }) {
  const { chains, contracts } = useConfig();
  const nameOf = useAddressNamer();
  const [snoozeMinutes, setSnoozeMinutes] = useState('60');
  const now = useNow();
  const snoozed = firing.snoozedUntil !== null && firing.snoozedUntil > now;
  const snooze = async (): Promise<void> => {
    const result = await vigil.call('alerts.snooze', {
      id: firing.id,
      minutes: Number(snoozeMinutes),
    });
    if (result.ok) useAlerts.getState().mergeFirings([result.value]);
  };
  return (
    <li
      className={`firing firing-${firing.state} firing-severity-${firing.severity}`}
      data-testid="firing"
      aria-label={`${visibleText(firing.ruleName)} ${firing.state}`}
    >
      <div className="firing-head">
        <span className={`severity severity-${firing.severity}`}>{firing.severity}</span>
        <strong className="firing-rule">{visibleText(firing.ruleName)}</strong>
        <span className={`badge badge-${firing.state}`}>{firing.state}</span>
        {firing.acknowledgedAt !== null && (
          <span className="badge badge-acknowledged">acknowledged</span>
        )}
        {snoozed && (
          <span className="badge badge-snoozed">
            snoozed until <Time ms={firing.snoozedUntil!} />
          </span>
        )}
        <span className="muted small firing-time">
          <Time ms={firing.firedAt} relative />
        </span>
      </div>
      {firing.event ? (
        <>
          <p className="firing-summary">
            {firing.event.eventName ?? 'Event'} on{' '}
            {contractName(contracts, firing.event.contractId)}:{' '}
            <span className="firing-args" title={argsSummary(firing.event.args, undefined)}>
              {argsSummary(firing.event.args, nameOf)}
            </span>
          </p>
          <div className="firing-event small muted">
            {chainName(chains, firing.event.chainId)} · block{' '}
            <span className="mono">{formatCount(firing.event.blockNumber)}</span> · tx{' '}
            <span className="mono" title={firing.event.transactionHash}>
              {shortHex(firing.event.transactionHash)}
            </span>{' '}
            <CopyButton text={firing.event.transactionHash} label="Copy hash" />
            <ExplorerLink
              chainId={firing.event.chainId}
              kind="tx"
              value={firing.event.transactionHash}
            />
          </div>
        </>
      ) : (
        <p className="firing-summary">{visibleText(firing.summary)}</p>
      )}
      <ProposalLine firing={firing} />
      {firing.acknowledgedAt !== null && (
        <div className="small muted">
          Acknowledged by {firing.acknowledgedBy} at <Time ms={firing.acknowledgedAt} />
        </div>
      )}
      {firing.acknowledgedAt === null &&
        (firing.state === 'tentative' || firing.state === 'fired') && (
          <div className="form-row firing-actions">
            <button
              type="button"
              className="button-small button-primary"
              onClick={(event) => {
                const item = event.currentTarget.closest('li');
                if (item) focusAfterRemoval(item);
                void acknowledge([firing.id]);
              }}
            >
              Acknowledge
            </button>
            <select
              aria-label="Snooze for"
              value={snoozeMinutes}
              onChange={(e) => setSnoozeMinutes(e.target.value)}
              className="narrow-select"
            >
              <option value="15">15 min</option>
              <option value="60">1 hour</option>
              <option value="240">4 hours</option>
              <option value="1440">1 day</option>
            </select>
            <button type="button" className="button-small" onClick={() => void snooze()}>
              Snooze
            </button>
          </div>
        )}
    </li>
  );
}

/** What a firing's proposal became: a link into the queue, or why it could not be made. */
function ProposalLine({ firing }: { firing: AlertFiring }) {
  const proposal = firing.measure?.['proposal'] as { txId?: number; error?: string } | undefined;
  if (!proposal) return null;
  if (proposal.txId !== undefined)
    return (
      <div className="small firing-proposal">
        Proposed{' '}
        <a href={hrefFor('transactions', { id: proposal.txId })}>transaction #{proposal.txId}</a> —
        it waits for approval.
      </div>
    );
  return <div className="small warn">Could not propose its transaction: {proposal.error}</div>;
}

// ---- rules -----------------------------------------------------------------------------------

function Rules() {
  const { rules } = useAlerts();
  const { contracts, chains, loaded } = useConfig();
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editorKey = editing === null ? 'none' : editing === 'new' ? 'new' : editing.id;
  const editorRef = useRef<HTMLElement>(null);
  const close = (saved?: { name: string; enabled: boolean }): void => {
    setEditing(null);
    setNotice(
      saved
        ? saved.enabled
          ? `Saved ${saved.name}.`
          : `Saved ${saved.name}. It is disabled and will not fire until you enable it.`
        : null,
    );
  };
  return (
    <>
      <div className="form-row list-bar">
        <button
          type="button"
          className="button-primary"
          onClick={() => {
            setNotice(null);
            setEditing('new');
          }}
          disabled={loaded && chains.length === 0}
        >
          New rule
        </button>
        <span className="muted small">
          Backtest a rule over the stored events before you enable it.
        </span>
      </div>
      <FormOk message={notice} />
      {editing !== null && (
        <RuleEditorCard
          key={editorKey}
          editorRef={editorRef}
          rule={editing === 'new' ? undefined : editing}
          onDone={close}
        />
      )}
      {rules.length === 0 ? (
        <EmptyState>
          {loaded && contracts.length === 0 ? (
            <>
              Rules watch contracts and chains: <a href={hrefFor('contracts')}>watch a contract</a>{' '}
              first.
            </>
          ) : (
            'No rules yet. A rule watches for something that needs a human, and says so once.'
          )}
        </EmptyState>
      ) : (
        <RuleTable
          rules={rules}
          onEdit={(rule) => {
            setNotice(null);
            setEditing(rule);
          }}
        />
      )}
    </>
  );
}

/**
 * The rule editor, above the rules in the page's flow (it covers none of their buttons). Focus
 * moves to its first field; Escape or Cancel closes it and gives focus back to New rule or Edit.
 */
function RuleEditorCard({
  rule,
  onDone,
  editorRef,
}: {
  rule: AlertRule | undefined;
  onDone: (saved?: { name: string; enabled: boolean }) => void;
  editorRef: React.RefObject<HTMLElement | null>;
}) {
  useLayer(editorRef, { onClose: () => onDone(), focus: 'first-control' });
  return (
    <section className="card rule-editor-card" aria-label="Rule" ref={editorRef}>
      <h2>{rule ? `Edit ${visibleText(rule.name)}` : 'New rule'}</h2>
      <RuleEditor rule={rule} onDone={onDone} />
    </section>
  );
}

function describeRule(
  rule: AlertRule,
  { contracts, chains }: { contracts: WatchedContract[]; chains: Chain[] },
  nameOf: AddressNamer,
): string {
  const address = (value: string): string => nameOf(value) ?? shortHex(value);
  const contract = (id: string): string => contractName(contracts, id);
  switch (rule.kind) {
    case 'event':
      return `${rule.eventName} on ${contract(rule.contractId)}${rule.condition ? ` where ${rule.condition}` : ''}${rule.confirmations ? `, ${rule.confirmations} confirmations` : ''}`;
    case 'silence':
      return `no ${rule.eventName} on ${contract(rule.contractId)}${rule.condition ? ` where ${rule.condition}` : ''} within ${rule.withinSeconds} s`;
    case 'lag':
      return `chain ${rule.chainId} behind by ${[rule.maxBlocks === undefined ? null : `> ${rule.maxBlocks} blocks`, rule.maxSeconds === undefined ? null : `> ${rule.maxSeconds} s`].filter(Boolean).join(' or ')} for ${rule.forSeconds} s`;
    case 'transaction':
      return `a transaction ${rule.on.map((outcome) => (outcome === 'stuck' ? `stuck over ${rule.stuckSeconds} s` : outcome)).join(', ')}${rule.from ? ` from ${address(rule.from)}` : ''}${rule.chainId === undefined ? '' : ` on chain ${rule.chainId}`}`;
    case 'balance':
      return `${address(rule.address)} below ${nativeLabel(rule.below, findChain(chains, rule.chainId))} on chain ${rule.chainId}`;
    case 'failed-call':
      return `failed transactions to ${rule.addresses.map(address).join(', ')} on chain ${rule.chainId}, from anyone${rule.confirmations ? `, ${rule.confirmations} confirmations` : ''}`;
  }
}

/** What a rule does besides notifying. */
function proposalText(rule: AlertRule, nameOf: AddressNamer): string | null {
  if (!rule.propose) return null;
  const call = rule.propose.function?.name ?? (rule.propose.data ? 'a call' : 'a transfer');
  const address = (value: string): string => nameOf(value) ?? shortHex(value);
  const to = rule.propose.to ? address(rule.propose.to) : 'a batch';
  const from = rule.propose.safe
    ? `Safe ${address(rule.propose.safe)}`
    : address(rule.propose.from ?? '');
  return `then proposes ${call} to ${to} from ${from}`;
}

function RuleTable({ rules, onEdit }: { rules: AlertRule[]; onEdit: (rule: AlertRule) => void }) {
  const { contracts, chains } = useConfig();
  const nameOf = useAddressNamer();
  const rowNavigation = useRowNavigation();
  return (
    <table className="table rules-table" aria-label="Alert rules">
      <thead>
        <tr>
          <th>On</th>
          <th>Rule</th>
          <th>Severity</th>
          <th>Channels</th>
          <th>Fired</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody {...rowNavigation}>
        {rules.map((rule) => (
          <RuleRow
            key={rule.id}
            rule={rule}
            description={describeRule(rule, { contracts, chains }, nameOf)}
            proposal={proposalText(rule, nameOf)}
            onEdit={() => onEdit(rule)}
          />
        ))}
      </tbody>
    </table>
  );
}

function RuleRow({
  rule,
  description,
  proposal,
  onEdit,
}: {
  rule: AlertRule;
  description: string;
  proposal: string | null;
  onEdit: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  // An accepted change comes back with alerts.changed, which reads the rules again.
  const setEnabled = async (enabled: boolean): Promise<void> => {
    const result = await vigil.call('alerts.rules.setEnabled', { id: rule.id, enabled });
    if (!result.ok) setError(result.error.message);
  };
  const remove = async (): Promise<void> => {
    const result = await vigil.call('alerts.rules.remove', { id: rule.id });
    if (!result.ok) setError(result.error.message);
  };
  return (
    <tr data-testid="rule-row">
      <td>
        <label className="switch">
          <input
            type="checkbox"
            checked={rule.enabled}
            aria-label={`Enable ${visibleText(rule.name)}`}
            onChange={(e) => void setEnabled(e.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
        </label>
      </td>
      <td>
        <div className="rule-name">{visibleText(rule.name)}</div>
        <div className="small muted rule-what">{description}</div>
        {proposal && <div className="small rule-what">{proposal}</div>}
        {rule.problem && <div className="small warn">⚠ {rule.problem}</div>}
        <FieldError message={error} />
      </td>
      <td>
        <span className={`severity severity-${rule.severity}`}>{rule.severity}</span>
      </td>
      <td className="small">
        {rule.channels
          .map((channel) =>
            channel.type === 'webhook'
              ? `${channel.format === 'json' ? 'webhook' : channel.format}`
              : channel.type,
          )
          .join(', ')}
      </td>
      <td className="small nowrap">
        {rule.firingCount === 0 ? (
          <span className="muted">never</span>
        ) : (
          <>
            {formatCount(rule.firingCount)}×
            {rule.lastFiredAt !== null && (
              <div className="muted">
                <Time ms={rule.lastFiredAt} relative />
              </div>
            )}
          </>
        )}
      </td>
      <td className="actions">
        <button
          type="button"
          className="button-small"
          onClick={onEdit}
          aria-label={`Edit ${visibleText(rule.name)}`}
        >
          Edit
        </button>{' '}
        <ConfirmButton
          label={`Remove ${visibleText(rule.name)}`}
          confirmLabel="Confirm remove"
          onConfirm={remove}
        >
          Remove
        </ConfirmButton>
      </td>
    </tr>
  );
}

// ---- deliveries ------------------------------------------------------------------------------

function Deliveries() {
  const { deliveries } = useAlerts();
  if (deliveries.length === 0)
    return (
      <EmptyState>
        No deliveries yet. Webhooks and desktop notifications of firings show here, each attempt
        with its outcome.
      </EmptyState>
    );
  return (
    <table className="table deliveries-table" aria-label="Delivery log">
      <thead>
        <tr>
          <th>Created</th>
          <th>Rule</th>
          <th>Kind</th>
          <th>Channel</th>
          <th>Status</th>
          <th>Attempts</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <DeliveryRow key={delivery.id} delivery={delivery} />
        ))}
      </tbody>
    </table>
  );
}

function DeliveryRow({ delivery }: { delivery: AlertDelivery }) {
  return (
    <tr data-testid="delivery-row">
      <td className="small nowrap">
        <Time ms={delivery.createdAt} />
      </td>
      <td>
        {visibleText(delivery.ruleName)}
        <div className="mono small muted" title="Delivery id: the receiver de-duplicates on it">
          {delivery.id}
        </div>
      </td>
      <td>{delivery.kind}</td>
      <td className="small mono ellipsis channel-cell" title={delivery.channel}>
        {delivery.channel}
      </td>
      <td>
        <span className={`badge badge-delivery-${delivery.status}`}>{delivery.status}</span>
        {delivery.nextAttemptAt !== null && delivery.status === 'pending' && (
          <div className="small muted">
            next <Time ms={delivery.nextAttemptAt} />
          </div>
        )}
      </td>
      <td>
        <ol className="attempts">
          {delivery.attempts.map((attempt) => (
            <li key={attempt.attempt} className={attempt.ok ? 'attempt-ok' : 'attempt-failed'}>
              #{attempt.attempt} <Time ms={attempt.at} /> —{' '}
              {attempt.ok
                ? `ok${attempt.statusCode ? ` (${attempt.statusCode})` : ''}`
                : attempt.error}
              {attempt.durationMs !== null && attempt.durationMs > 0 && (
                <span className="muted"> · {attempt.durationMs} ms</span>
              )}
            </li>
          ))}
          {delivery.attempts.length === 0 && <li className="muted">not tried yet</li>}
        </ol>
      </td>
    </tr>
  );
}
