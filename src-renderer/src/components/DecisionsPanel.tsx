// What each policy decided on the proposals executed under it: approved (with every limit and
// the value it was checked against) or left for a person, with the limit that stopped it and why.
import { useState } from 'react';
import {
  visibleText,
  type AutomationPolicy,
  type Chain,
  type PolicyCheck,
  type PolicyDecision,
} from '@contract';
import { callOrThrow } from '../client/index.ts';
import { findChain, useConfig } from '../stores/config.ts';
import { hrefFor } from '../route.ts';
import { nativeLabel, weiToGwei } from '../units.ts';
import { LabelledSelect } from './LabelledSelect.tsx';
import { EmptyState, Loadable } from './StateViews.tsx';
import { TableScroll } from './TableScroll.tsx';
import { Time } from './Time.tsx';
import { useAutomationList } from './use-automation-list.ts';

const LIMIT_LABELS: Record<string, string> = {
  policy: 'Policy',
  switch: 'Switch',
  enabled: 'Enabled',
  chain: 'Chain',
  signer: 'Signer',
  target: 'Target',
  function: 'Function',
  condition: 'Condition',
  maxValuePerTx: 'Max value',
  maxFeePerGas: 'Max fee per gas',
  dailyBudget: 'Daily budget',
  maxPerHour: 'Per hour',
  simulation: 'Simulation',
};

/** A limit's value or allowance as people read it: wei limits in the chain's unit or gwei. */
function limitValue(limit: string, value: string, chain: Chain | undefined): string {
  if (!/^\d+$/.test(value)) return value;
  if (limit === 'maxFeePerGas') return `${weiToGwei(value)} gwei`;
  if (limit === 'maxValuePerTx' || limit === 'dailyBudget') return nativeLabel(value, chain);
  return value;
}

function CheckText({ check, chain }: { check: PolicyCheck; chain: Chain | undefined }) {
  return (
    <>
      <strong>{LIMIT_LABELS[check.limit] ?? check.limit}</strong>:{' '}
      {limitValue(check.limit, check.value, chain)}
      <span className="muted"> (allowed: {limitValue(check.limit, check.allowed, chain)})</span>
    </>
  );
}

/** Why a policy decided as it did: the limit that stopped it and why, or every limit it was within. */
export function DecisionWhy({
  decision,
  chain,
}: {
  decision: PolicyDecision;
  chain: Chain | undefined;
}) {
  if (decision.stoppedBy)
    return (
      <>
        <CheckText check={decision.stoppedBy} chain={chain} />
        <div>{visibleText(decision.stoppedBy.reason)}</div>
      </>
    );
  return (
    <details>
      <summary>Within all {decision.checks.length} limits</summary>
      <ul className="plain-list">
        {decision.checks.map((check) => (
          <li key={check.limit}>
            <CheckText check={check} chain={chain} />
          </li>
        ))}
      </ul>
    </details>
  );
}

export function DecisionsPanel({ policies }: { policies: AutomationPolicy[] }) {
  const [chosen, setPolicyId] = useState('');
  // The filter shows with two policies or more; a removed policy's filter falls back to all.
  const policyId = policies.length > 1 && policies.some((p) => p.id === chosen) ? chosen : '';
  const decisions = useAutomationList(policyId, async () => {
    const answer = await callOrThrow('automation.decisions.list', {
      limit: 100,
      ...(policyId ? { policyId } : {}),
    });
    return answer.decisions;
  });
  const chains = useConfig((state) => state.chains);
  const policyOf = (id: string) => policies.find((policy) => policy.id === id);
  return (
    <section className="automation-panel" aria-labelledby="decisions-title">
      <div className="card-header">
        <h2 id="decisions-title">Decisions</h2>
        {policies.length > 1 && (
          <div className="panel-filter">
            <LabelledSelect
              id="decisions-policy"
              label="Policy"
              value={policyId}
              options={[
                { value: '', label: 'All policies' },
                ...policies.map((policy) => ({ value: policy.id, label: policy.name })),
              ]}
              onChange={setPolicyId}
            />
          </div>
        )}
      </div>
      <Loadable
        what="decisions"
        loaded={decisions.loaded}
        error={decisions.error}
        onRetry={decisions.reload}
        empty={
          decisions.items.length === 0 ? (
            <EmptyState>
              No decisions yet. A proposal from a rule or a schedule that names a policy is decided
              here: approved within every limit, or left for a person with the reason.
            </EmptyState>
          ) : null
        }
      >
        <TableScroll label="Decisions">
          <table className="table decisions-table" aria-label="Decisions">
            <thead>
              <tr>
                <th>When</th>
                <th>Policy</th>
                <th>Decision</th>
                <th>Why</th>
                <th>Transaction</th>
              </tr>
            </thead>
            <tbody>
              {decisions.items.map((decision) => {
                const policy = policyOf(decision.policyId);
                const chain = policy ? findChain(chains, policy.chainId) : undefined;
                return (
                  <tr key={`${decision.txId}-${decision.at}`} data-testid="decision-row">
                    <td className="small nowrap">
                      <Time ms={decision.at} />
                    </td>
                    <td className="nowrap">
                      {policy ? visibleText(policy.name) : decision.policyId}
                    </td>
                    <td className="nowrap">
                      <span
                        className={`badge ${decision.approved ? 'badge-approved' : 'badge-refused'}`}
                      >
                        {decision.approved ? 'approved' : 'left for a person'}
                      </span>
                    </td>
                    <td className="small decision-why">
                      <DecisionWhy decision={decision} chain={chain} />
                    </td>
                    <td className="nowrap">
                      <a href={hrefFor('transactions', { id: decision.txId })}>#{decision.txId}</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      </Loadable>
    </section>
  );
}
