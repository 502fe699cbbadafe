// The selected event in full: decoded arguments with copy buttons, or the raw topics and data
// of a log no ABI entry decodes.
import { DetailPane } from './DetailPane.tsx';
import type { EventRow } from '@contract';
import { useConfig, chainName } from '../stores/config.ts';
import { formatCount } from '../format.ts';
import { eventKey } from '../stores/events.ts';
import { CopyButton } from './CopyButton.tsx';
import { ArgList, DetailItem } from './DetailItem.tsx';
import { amountText } from '../amounts.ts';

export function EventDetail({ row, onClose }: { row: EventRow; onClose: () => void }) {
  const chains = useConfig((state) => state.chains);
  return (
    <DetailPane
      label="Event detail"
      title={row.eventName ?? 'Undecoded log'}
      aside={<span className={`badge badge-${row.status}`}>{row.status}</span>}
      onClose={onClose}
      itemKey={eventKey(row)}
    >
      {row.signature && <p className="mono small muted signature">{row.signature}</p>}
      <dl className="detail-list">
        <DetailItem label="Chain" value={`${chainName(chains, row.chainId)} (#${row.chainId})`} />
        <DetailItem
          label="Block"
          value={formatCount(row.blockNumber)}
          copy={String(row.blockNumber)}
          explorer={{ chainId: row.chainId, kind: 'block', value: row.blockNumber }}
        />
        <DetailItem label="Block hash" value={row.blockHash} copy={row.blockHash} mono />
        <DetailItem
          label="Transaction"
          value={row.transactionHash}
          copy={row.transactionHash}
          mono
          explorer={{ chainId: row.chainId, kind: 'tx', value: row.transactionHash }}
        />
        <DetailItem label="Log index" value={String(row.logIndex)} />
        <DetailItem
          label="Contract"
          value={row.address}
          copy={row.address}
          mono
          explorer={{ chainId: row.chainId, kind: 'address', value: row.address }}
        />
      </dl>
      {row.args ? <DecodedArgs row={row} args={row.args} /> : <RawLog row={row} />}
    </DetailPane>
  );
}

function DecodedArgs({ row, args }: { row: EventRow; args: Record<string, unknown> }) {
  const contract = useConfig((state) =>
    state.contracts.find((candidate) => candidate.id === row.contractId),
  );
  const allArgs = JSON.stringify(args, null, 2);
  return (
    <section>
      <div className="section-title">
        <h3>Arguments</h3>
        <CopyButton text={allArgs} label="Copy all" />
      </div>
      {Object.keys(args).length === 0 ? (
        <p className="muted">This event has no arguments.</p>
      ) : (
        <ArgList args={args} amountOf={(name, value) => amountText(contract, row, name, value)} />
      )}
    </section>
  );
}

function RawLog({ row }: { row: EventRow }) {
  return (
    <section>
      <h3>Raw log</h3>
      <p className="muted small">No ABI entry of this contract decodes this log.</p>
      <dl className="detail-list">
        {row.topics.map((topic, index) => (
          <DetailItem key={index} label={`topic ${index}`} value={topic} copy={topic} mono />
        ))}
        <DetailItem label="data" value={row.data} copy={row.data} mono />
      </dl>
    </section>
  );
}
