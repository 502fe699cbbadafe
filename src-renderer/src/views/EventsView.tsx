// The live events table: filters, a virtualized list that stays smooth at 100k+ rows, a detail
// pane for the selected row, and paging of older rows from the store.
import { visibleText } from '@contract';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { EventRow, WatchedContract } from '@contract';
import { chainName, useConfig } from '../stores/config.ts';
import { eventKey, useEvents, type EventFilter } from '../stores/events.ts';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { EventDetail } from '../components/EventDetail.tsx';
import { VirtualRow } from '../components/VirtualRow.tsx';
import { VirtualTable } from '../components/VirtualTable.tsx';
import { argBrief, clockTime, formatCount, shortHex } from '../format.ts';
import { hrefFor } from '../route.ts';

const ROW_HEIGHT = 32;

export function EventsView() {
  const { rows, loaded, loading, error, reload } = useEvents();
  const { contracts, loaded: configLoaded } = useConfig();
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const selected = useMemo(
    () => (selectedKey ? (rows.find((row) => eventKey(row) === selectedKey) ?? null) : null),
    [rows, selectedKey],
  );

  let body;
  if (error && !loaded) body = <ErrorState message={error} onRetry={() => void reload()} />;
  else if (loading && rows.length === 0) body = <Loading what="events" />;
  else if (configLoaded && contracts.length === 0 && rows.length === 0) {
    body = (
      <EmptyState
        action={
          <a className="button" href={hrefFor('contracts')}>
            Add a contract
          </a>
        }
      >
        No contracts watched yet — events appear here once one is added.
      </EmptyState>
    );
  } else {
    body = <EventTable rows={rows} selectedKey={selectedKey} onSelect={setSelectedKey} />;
  }

  return (
    <section className="view view-fill">
      <header className="view-header">
        <h1>Events</h1>
        <EventFilters />
      </header>
      <div className="events-layout">
        <div className="events-main">{body}</div>
        {selected && <EventDetail row={selected} onClose={() => setSelectedKey(null)} />}
      </div>
    </section>
  );
}

function EventFilters() {
  const { filter, setFilter, rows } = useEvents();
  const { chains, contracts } = useConfig();
  const contractsOnChain = contracts.filter(
    (contract) => filter.chainId === undefined || contract.chainId === filter.chainId,
  );
  const eventNames = useMemo(() => {
    const names = new Set<string>();
    for (const contract of contractsOnChain) {
      if (filter.contractId === undefined || contract.id === filter.contractId)
        contract.eventNames.forEach((name) => names.add(name));
    }
    return [...names].sort();
  }, [contractsOnChain, filter.contractId]);

  const update = (change: Partial<EventFilter>): void => {
    const next: EventFilter = { ...filter, ...change };
    for (const key of Object.keys(next) as (keyof EventFilter)[])
      if (next[key] === undefined) delete next[key];
    setFilter(next);
  };

  return (
    <div className="filters" role="search" aria-label="Event filters">
      <label htmlFor="filter-chain">Chain</label>
      <select
        id="filter-chain"
        value={filter.chainId ?? ''}
        onChange={(e) =>
          update({
            chainId: e.target.value === '' ? undefined : Number(e.target.value),
            contractId: undefined,
            eventName: undefined,
          })
        }
      >
        <option value="">All chains</option>
        {chains.map((chain) => (
          <option key={chain.chainId} value={chain.chainId}>
            {visibleText(chain.name)}
          </option>
        ))}
      </select>
      <label htmlFor="filter-contract">Contract</label>
      <select
        id="filter-contract"
        value={filter.contractId ?? ''}
        onChange={(e) =>
          update({
            contractId: e.target.value === '' ? undefined : e.target.value,
            eventName: undefined,
          })
        }
      >
        <option value="">All contracts</option>
        {contractsOnChain.map((contract) => (
          <option key={contract.id} value={contract.id}>
            {contract.name || shortHex(contract.address)}
          </option>
        ))}
      </select>
      <label htmlFor="filter-event">Event</label>
      <select
        id="filter-event"
        value={filter.eventName ?? ''}
        onChange={(e) => update({ eventName: e.target.value === '' ? undefined : e.target.value })}
      >
        <option value="">All events</option>
        {eventNames.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <span className="muted row-count" data-testid="event-count">
        {formatCount(rows.length)} rows
      </span>
    </div>
  );
}

interface EventTableProps {
  rows: EventRow[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
}

function EventTable({ rows, selectedKey, onSelect }: EventTableProps) {
  const { filter, hasOlder, loadingOlder, loadOlder, error } = useEvents();
  const { chains, contracts } = useConfig();
  const scrollRef = useRef<HTMLDivElement>(null);
  const contractNames = useMemo(
    () =>
      new Map(
        contracts.map((contract: WatchedContract) => [
          contract.id,
          contract.name || shortHex(contract.address),
        ]),
      ),
    [contracts],
  );
  useKeepReadingPosition(rows, scrollRef);

  const filtered =
    filter.chainId !== undefined ||
    filter.contractId !== undefined ||
    filter.eventName !== undefined;
  return (
    <VirtualTable
      label="Events"
      rowCount={rows.length}
      items={rows}
      itemKey={eventKey}
      rowHeight={ROW_HEIGHT}
      gridClassName="event-grid"
      columns={['Time · block', 'Chain', 'Contract', 'Event', 'Key args', 'Tx', 'Status']}
      scrollRef={scrollRef}
      empty={
        filtered
          ? 'No events match these filters.'
          : 'No events yet. They appear here as soon as a watched contract emits one.'
      }
      renderRow={(row, top) => {
        const key = eventKey(row);
        return (
          <EventTableRow
            row={row}
            top={top}
            selected={key === selectedKey}
            chainLabel={chainName(chains, row.chainId)}
            contractLabel={contractNames.get(row.contractId) ?? shortHex(row.address)}
            onSelect={() => onSelect(key)}
          />
        );
      }}
      footer={
        <>
          {error && <span className="field-error">{error}</span>}
          {hasOlder ? (
            <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? 'Loading older…' : 'Load older'}
            </button>
          ) : (
            rows.length > 0 && <span className="muted">Start of history.</span>
          )}
        </>
      }
    />
  );
}

interface EventTableRowProps {
  row: EventRow;
  top: number;
  selected: boolean;
  chainLabel: string;
  contractLabel: string;
  onSelect: () => void;
}

function EventTableRow({
  row,
  top,
  selected,
  chainLabel,
  contractLabel,
  onSelect,
}: EventTableRowProps) {
  return (
    <VirtualRow
      className={`event-grid status-${row.status}`}
      testId="event-row"
      top={top}
      selected={selected}
      onSelect={onSelect}
    >
      <span role="cell" className="mono">
        {row.blockTimestamp === null ? (
          ''
        ) : (
          <span className="muted">{clockTime(row.blockTimestamp * 1000)} · </span>
        )}
        {formatCount(row.blockNumber)}
      </span>
      <span role="cell">{chainLabel}</span>
      <span role="cell">{contractLabel}</span>
      <span role="cell" className={row.eventName ? 'event-name' : 'muted'}>
        {row.eventName ?? 'undecoded'}
      </span>
      <span role="cell" className="mono small ellipsis">
        {keyArgs(row)}
      </span>
      <span role="cell" className="mono small">
        {shortHex(row.transactionHash)}
      </span>
      <span role="cell">
        <span className={`badge badge-${row.status}`}>{row.status}</span>
      </span>
    </VirtualRow>
  );
}

/** The first few decoded arguments as "name=value", addresses shortened. */
function keyArgs(row: EventRow): string {
  if (!row.args) return row.topics[0] ? shortHex(row.topics[0]) : '';
  return Object.entries(row.args)
    .slice(0, 3)
    .map(([name, value]) => {
      const text = argBrief(value, 4);
      return `${name}=${text.length > 28 ? `${text.slice(0, 27)}…` : text}`;
    })
    .join('  ');
}

/**
 * New rows arrive at the top. When the operator has scrolled down to read something, shift the
 * scroll position by the rows added above, so what they are reading does not move.
 */
function useKeepReadingPosition(
  rows: EventRow[],
  scrollRef: React.RefObject<HTMLDivElement | null>,
): void {
  const previousTopKey = useRef<string | null>(null);
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    const previousKey = previousTopKey.current;
    previousTopKey.current = rows[0] ? eventKey(rows[0]) : null;
    if (!scroller || !previousKey || scroller.scrollTop === 0) return;
    // New rows are few and at the front, so this search ends early.
    const limit = Math.min(rows.length, 50_000);
    for (let index = 0; index < limit; index++) {
      if (eventKey(rows[index]!) === previousKey) {
        if (index > 0) scroller.scrollTop += index * ROW_HEIGHT;
        return;
      }
    }
  }, [rows, scrollRef]);
}
