// Automation: the switch with who moved it last, the policies that may approve on their own
// (enable, disable, edit, remove) and the editor that writes them.
import { useEffect, useRef, useState } from 'react';
import { visibleText, type AutomationPolicy } from '@contract';
import { vigil } from '../client/index.ts';
import { useAutomation } from '../stores/automation.ts';
import { chainName, findChain, useChain, useConfig } from '../stores/config.ts';
import { useSigners } from '../stores/signers.ts';
import { draftOf, emptyDraft, type PolicyDraft } from '../policy-draft.ts';
import { nativeLabel, weiToGwei } from '../units.ts';
import { PolicyEditor } from '../components/PolicyEditor.tsx';
import { DecisionsPanel } from '../components/DecisionsPanel.tsx';
import { SchedulesPanel } from '../components/SchedulesPanel.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { EnableSwitch } from '../components/EnableSwitch.tsx';
import { Address } from '../components/Address.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { EmptyState, FieldError, FormOk, Loadable } from '../components/StateViews.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { Time } from '../components/Time.tsx';
import { useLayer } from '../components/layer.ts';
import { hrefFor } from '../route.ts';

export function AutomationView() {
  const { loaded, error, loadPolicies, policies } = useAutomation();
  useEffect(() => {
    void useAutomation.getState().loadPolicies();
  }, []);
  return (
    <section className="view automation-view">
      <header className="view-header">
        <h1>Automation</h1>
        <span className="muted">
          What may be sent without a person, within the limits written here.
        </span>
      </header>
      <SwitchCard />
      <Loadable
        what="policies"
        loaded={loaded}
        error={error}
        onRetry={() => void loadPolicies()}
        empty={null}
      >
        <Policies />
        <DecisionsPanel policies={policies} />
        <SchedulesPanel policies={policies} />
      </Loadable>
    </section>
  );
}

/** The switch's state with who moved it, when and why; the button itself is in the navigation. */
function SwitchCard() {
  const status = useAutomation((state) => state.status);
  if (!status) return null;
  return (
    <section
      className={`card switch-card ${status.paused ? 'switch-card-paused' : ''}`}
      aria-label="Switch state"
    >
      <strong>
        {status.paused
          ? 'Paused: no policy approves anything until a person resumes.'
          : 'Running: enabled policies approve what is within their limits.'}
      </strong>{' '}
      {status.changedAt !== null && (
        <span className="small muted">
          {status.paused ? 'Paused' : 'Resumed'} by {status.changedBy ?? 'unknown'}{' '}
          <Time ms={status.changedAt} relative />
          {status.reason ? ` — ${visibleText(status.reason)}` : ''}
        </span>
      )}
      <div className="small muted">
        The switch is at the bottom of the navigation, on every view. Pausing does not cancel what
        was already sent; resuming needs your approval.
      </div>
    </section>
  );
}

function Policies() {
  const policies = useAutomation((state) => state.policies);
  const { chains, contracts, loaded: configLoaded } = useConfig();
  const signers = useSigners((state) => state.signers);
  const [editing, setEditing] = useState<PolicyDraft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editorRef = useRef<HTMLElement>(null);
  const cannotWrite =
    configLoaded && (chains.length === 0 || contracts.length === 0 || signers.length === 0);
  const close = (saved?: AutomationPolicy): void => {
    setEditing(null);
    if (!saved) return;
    useAutomation.getState().applyPolicy(saved);
    setNotice(
      saved.enabled
        ? `Saved ${saved.name}. It is enabled.`
        : `Saved ${saved.name}. It is disabled and approves nothing until you enable it.`,
    );
  };
  return (
    <section aria-labelledby="policies-title">
      <div className="card-header">
        <h2 id="policies-title">Policies</h2>
        <button
          type="button"
          className="button-primary"
          disabled={cannotWrite}
          onClick={() => {
            setNotice(null);
            setEditing(emptyDraft(chains[0]?.chainId, signers[0]?.address));
          }}
        >
          New policy
        </button>
      </div>
      <FormOk message={notice} />
      {editing !== null && <EditorCard editorRef={editorRef} draft={editing} onDone={close} />}
      {policies.length === 0 ? (
        <EmptyState>
          {cannotWrite ? (
            <>
              A policy names a signer, a chain and watched contracts:{' '}
              {chains.length === 0 ? (
                <a href={hrefFor('chains')}>add a chain</a>
              ) : contracts.length === 0 ? (
                <a href={hrefFor('contracts')}>watch a contract</a>
              ) : (
                <a href={hrefFor('signers')}>add a signer</a>
              )}{' '}
              first.
            </>
          ) : (
            'No policies yet. Every transaction waits for a person until a policy allows it.'
          )}
        </EmptyState>
      ) : (
        <TableScroll label="Policies">
          <table className="table policies-table" aria-label="Policies">
            <thead>
              <tr>
                <th>On</th>
                <th>Policy</th>
                <th>Chain</th>
                <th>Signer</th>
                <th>May call</th>
                <th>Limits</th>
                <th>Used</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {policies.map((policy) => (
                <PolicyRow
                  key={policy.id}
                  policy={policy}
                  onChange={() => setNotice(null)}
                  onEdit={() => {
                    setNotice(null);
                    setEditing(draftOf(policy));
                  }}
                />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function EditorCard({
  draft,
  onDone,
  editorRef,
}: {
  draft: PolicyDraft;
  onDone: (saved?: AutomationPolicy) => void;
  editorRef: React.RefObject<HTMLElement | null>;
}) {
  useLayer(editorRef, { onClose: () => onDone(), focus: 'first-control' });
  return (
    <section className="card policy-editor-card" aria-label="Policy" ref={editorRef}>
      <h2>{draft.id ? `Edit ${visibleText(draft.name)}` : 'New policy'}</h2>
      <PolicyEditor policy={draft} onDone={onDone} />
    </section>
  );
}

function PolicyRow({
  policy,
  onEdit,
  onChange,
}: {
  policy: AutomationPolicy;
  onEdit: () => void;
  /** Before a change from the row: what the last save said may no longer hold. */
  onChange: () => void;
}) {
  const chains = useConfig((state) => state.chains);
  const chain = findChain(chains, policy.chainId);
  const [error, setError] = useState<string | null>(null);
  const name = visibleText(policy.name);
  const setEnabled = async (enabled: boolean) => {
    onChange();
    setError(null);
    const answer = await vigil.call('automation.policies.setEnabled', { id: policy.id, enabled });
    if (answer.ok) useAutomation.getState().applyPolicy(answer.value);
    else setError(answer.error.message);
    return answer;
  };
  const remove = async (): Promise<void> => {
    onChange();
    const answer = await vigil.call('automation.policies.remove', { id: policy.id });
    if (answer.ok) useAutomation.getState().dropPolicy(policy.id);
    else setError(answer.error.message);
  };
  return (
    <tr data-testid="policy-row">
      <td>
        <EnableSwitch
          label={`Enable ${name}`}
          checked={policy.enabled}
          title={policy.enabled ? 'Disable' : 'Enable (needs your approval)'}
          onChange={setEnabled}
        />
      </td>
      <td>
        <div className="policy-name">{name}</div>
        <div className="small muted mono">{policy.id}</div>
        <FieldError message={error} />
      </td>
      <td>{chainName(chains, policy.chainId)}</td>
      <td>
        <Address address={policy.signer} chainId={policy.chainId} />
      </td>
      <td>
        <ul className="plain-list policy-calls">
          {policy.targets.map((target) => (
            <li key={target.address}>
              <Address address={target.address} chainId={policy.chainId} />:{' '}
              {target.functions.map((fn, index) => (
                <span key={fn.signature} title={fn.signature}>
                  {index > 0 && ', '}
                  <span className="mono">{fn.name}</span>
                  {fn.condition && <span className="muted small"> where {fn.condition}</span>}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </td>
      <td>
        <dl className="policy-limits small">
          <dt>value</dt>
          <dd>≤ {nativeLabel(policy.maxValuePerTx, chain)}</dd>
          <dt>fee</dt>
          <dd>≤ {weiToGwei(policy.maxFeePerGas)} gwei</dd>
          <dt>budget</dt>
          <dd>{nativeLabel(policy.dailyBudget, chain)} / 24 h</dd>
          <dt>rate</dt>
          <dd>{policy.maxPerHour} / hour</dd>
        </dl>
      </td>
      <td className="policy-used">
        <BudgetUse policy={policy} />
      </td>
      <td className="actions nowrap">
        <button type="button" className="button-small" onClick={onEdit} aria-label={`Edit ${name}`}>
          Edit
        </button>{' '}
        <ConfirmButton label={`Remove ${name}`} confirmLabel="Confirm remove" onConfirm={remove}>
          Remove
        </ConfirmButton>
      </td>
    </tr>
  );
}

/** What an enabled policy has used: of its signer's daily budget on the chain, and of its rate. */
function BudgetUse({ policy }: { policy: AutomationPolicy }) {
  const budget = useAutomation((state) =>
    state.status?.budgets.find((item) => item.policyId === policy.id),
  );
  const chain = useChain(policy.chainId);
  if (!budget) return <span className="muted small">{policy.enabled ? '…' : 'disabled'}</span>;
  const daily = BigInt(budget.dailyBudget);
  const fraction = daily === 0n ? 1 : Number((BigInt(budget.usedToday) * 10_000n) / daily) / 10_000;
  return (
    <>
      <ProgressBar
        label={`Budget used today by ${visibleText(policy.name)}`}
        fraction={fraction}
        detail={`${nativeLabel(budget.usedToday, chain)} of ${nativeLabel(budget.dailyBudget, chain)} today`}
      />
      <ProgressBar
        label={`Approved in the last hour by ${visibleText(policy.name)}`}
        fraction={budget.maxPerHour === 0 ? 1 : budget.approvedLastHour / budget.maxPerHour}
        detail={`${budget.approvedLastHour} of ${budget.maxPerHour} this hour`}
      />
    </>
  );
}
