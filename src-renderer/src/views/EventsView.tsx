// The live events table: filters, a virtualized list that stays smooth at 100k+ rows, a detail
// pane for the selected row, and paging of older rows from the store.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { visibleText, type EventRow, type RequestOutput, type WatchedContract } from '@contract';
import { vigil } from '../client/index.ts';
import { ProblemLine } from '../components/RuleEditor.tsx';
import { chainName, useConfig } from '../stores/config.ts';
import { eventKey, isSearch, useEvents, type EventFilter } from '../stores/events.ts';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { EventDetail } from '../components/EventDetail.tsx';
import { VirtualRow } from '../components/VirtualRow.tsx';
import { VirtualTable, type RowPlacement } from '../components/VirtualTable.tsx';
import { argBrief, argText, formatCount, shortHex, type AddressNamer } from '../format.ts';
import { useAddressNamer } from '../components/Address.tsx';
import { Time } from '../components/Time.tsx';
import { hrefFor } from '../route.ts';
import { amountText } from '../amounts.ts';

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
      <EventSearch />
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
  const nameOf = useAddressNamer();
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
  const contractsById = useMemo(
    () => new Map(contracts.map((contract) => [contract.id, contract])),
    [contracts],
  );
  useKeepReadingPosition(rows, scrollRef);

  const filtered =
    filter.chainId !== undefined ||
    filter.contractId !== undefined ||
    filter.eventName !== undefined ||
    isSearch(filter) ||
    filter.transactionHash !== undefined;
  return (
    <VirtualTable
      label="Events"
      rowCount={rows.length}
      items={rows}
      itemKey={eventKey}
      rowHeight={ROW_HEIGHT}
      gridClassName="event-grid"
      // Dropped in this order as the table narrows (styles.css): Tx (the detail has it), then
      // Chain (most workspaces watch one), then Key args.
      columns={[
        'Time · block',
        'Chain|col-chain',
        'Contract',
        'Event',
        'Key args|col-args',
        'Tx|col-tx',
        'Status',
      ]}
      scrollRef={scrollRef}
      empty={
        filtered
          ? isSearch(filter) && hasOlder
            ? 'Nothing found yet in the history searched so far: load older to search further back.'
            : 'No events match these filters.'
          : 'No events yet. They appear here as soon as a watched contract emits one.'
      }
      renderRow={(row, placement) => {
        const key = eventKey(row);
        return (
          <EventTableRow
            row={row}
            placement={placement}
            selected={key === selectedKey}
            chainLabel={chainName(chains, row.chainId)}
            contractLabel={contractNames.get(row.contractId) ?? shortHex(row.address)}
            contract={contractsById.get(row.contractId)}
            nameOf={nameOf}
            onSelect={() => onSelect(key)}
          />
        );
      }}
      footer={
        <>
          {error && <span className="field-error">{error}</span>}
          {hasOlder ? (
            <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder
                ? 'Loading older…'
                : isSearch(filter)
                  ? 'Search further back'
                  : 'Load older'}
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
  placement: RowPlacement;
  selected: boolean;
  chainLabel: string;
  contractLabel: string;
  contract: WatchedContract | undefined;
  nameOf: AddressNamer;
  onSelect: () => void;
}

function EventTableRow({
  row,
  placement,
  selected,
  chainLabel,
  contractLabel,
  contract,
  nameOf,
  onSelect,
}: EventTableRowProps) {
  return (
    <VirtualRow
      className={`event-grid status-${row.status}`}
      testId="event-row"
      placement={placement}
      copy={{ text: row.transactionHash, what: 'transaction hash' }}
      selected={selected}
      onSelect={onSelect}
    >
      <span role="cell" className="mono">
        {row.blockTimestamp !== null && (
          <span className="muted">
            <Time ms={row.blockTimestamp * 1000} relative /> ·{' '}
          </span>
        )}
        {formatCount(row.blockNumber)}
      </span>
      <span role="cell" className="col-chain" title={chainLabel}>
        {chainLabel}
      </span>
      <span role="cell" title={`${contractLabel} — ${row.address}`}>
        {contractLabel}
      </span>
      <span role="cell" className={row.eventName ? undefined : 'muted'}>
        {row.eventName ?? 'undecoded'}
      </span>
      <span role="cell" className="mono small col-args" title={argsSummaryFull(row, contract)}>
        {keyArgs(row, contract, nameOf)}
      </span>
      <span role="cell" className="mono small col-tx" title={row.transactionHash}>
        {shortHex(row.transactionHash)}
      </span>
      <span role="cell">
        <span className={`badge badge-${row.status}`}>{row.status}</span>
      </span>
    </VirtualRow>
  );
}

/** Every decoded argument in full, amounts with every digit, for the Key args cell's title. */
function argsSummaryFull(row: EventRow, contract: WatchedContract | undefined): string {
  if (!row.args) return row.topics.join(' ');
  return Object.entries(row.args)
    .map(([name, value]) => {
      const amount = amountText(contract, row, name, value);
      return `${name}=${amount ? `${amount.exact} (${argText(value)})` : argText(value)}`;
    })
    .join(', ');
}

/** The first few decoded arguments as "name=value", addresses named or shortened, amounts read. */
function keyArgs(
  row: EventRow,
  contract: WatchedContract | undefined,
  nameOf: AddressNamer,
): string {
  if (!row.args) return row.topics[0] ? shortHex(row.topics[0]) : '';
  return Object.entries(row.args)
    .slice(0, 3)
    .map(([name, value]) => {
      const text = amountText(contract, row, name, value)?.text ?? argBrief(value, 4, nameOf);
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

type SearchKind = 'address' | 'transaction' | 'condition' | 'none';

/** What the search box holds: an address, a transaction hash, or a condition. */
export function searchKindOf(text: string): SearchKind {
  const trimmed = text.trim();
  if (trimmed === '') return 'none';
  if (/^0x[0-9a-fA-F]{40}$/.test(trimmed)) return 'address';
  if (/^0x[0-9a-fA-F]{64}$/.test(trimmed)) return 'transaction';
  return 'condition';
}

type ConditionCheck = RequestOutput<'alerts.conditions.check'>;

/**
 * One box for the three searches an operator asks: "everything that touched this address", "this
 * transaction", and a condition in the alert rules' language over the chosen contract's event,
 * checked live against its ABI as it is typed. Main does the searching.
 */
function EventSearch() {
  const { filter, setFilter, searchedThrough, rows, loading } = useEvents();
  const [text, setText] = useState(
    () => filter.where ?? filter.touches ?? filter.transactionHash ?? '',
  );
  // The last answer, with what it was about: an answer for other text or another event is stale.
  const [checked, setChecked] = useState<{ about: string; result: ConditionCheck } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const kind = searchKindOf(text);
  const needsEvent = kind === 'condition' && (!filter.contractId || !filter.eventName);

  const about = `${filter.contractId}|${filter.eventName}|${text}`;
  const check = checked?.about === about ? checked.result : null;
  useEffect(() => {
    if (kind !== 'condition' || !filter.contractId || !filter.eventName) return;
    let current = true;
    const timer = setTimeout(() => {
      void vigil
        .call('alerts.conditions.check', {
          contractId: filter.contractId!,
          eventName: filter.eventName!,
          text,
        })
        .then((result) => {
          if (current && result.ok)
            setChecked({
              about: `${filter.contractId}|${filter.eventName}|${text}`,
              result: result.value,
            });
        });
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, kind, filter.contractId, filter.eventName]);

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    const next: EventFilter = { ...filter };
    delete next.where;
    delete next.touches;
    delete next.transactionHash;
    setProblem(null);
    const trimmed = text.trim();
    if (kind === 'address') next.touches = trimmed;
    else if (kind === 'transaction') next.transactionHash = trimmed;
    else if (kind === 'condition') {
      if (needsEvent) {
        setProblem(
          'Choose a contract and one of its events first: a condition reads that event’s arguments.',
        );
        return;
      }
      if (check && !check.ok) return;
      next.where = trimmed;
    }
    setFilter(next);
  };
  const clear = (): void => {
    setText('');
    setProblem(null);
    const next: EventFilter = { ...filter };
    delete next.where;
    delete next.touches;
    delete next.transactionHash;
    setFilter(next);
  };
  const active = isSearch(filter) || filter.transactionHash !== undefined;
  const hintId = 'event-search-hint';
  const errorId = 'event-search-error';
  const showProblems = kind === 'condition' && check !== null && !check.ok;

  return (
    <form className="event-search" role="search" aria-label="Search events" onSubmit={apply}>
      <div className="event-search-row">
        <label htmlFor="event-search">Search</label>
        <input
          id="event-search"
          className="mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="0x… address or transaction, or a condition: value > 10000e18 and to == 0x…"
          aria-describedby={`${hintId}${problem || showProblems ? ` ${errorId}` : ''}`}
          aria-invalid={problem !== null || showProblems}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={kind === 'none' && !active}>
          Search
        </button>
        {active && (
          <button type="button" onClick={clear}>
            Clear search
          </button>
        )}
      </div>
      <p id={hintId} className="muted small">
        {kind === 'address'
          ? 'Every event with this address in an argument, or as its transaction’s sender or target.'
          : kind === 'transaction'
            ? 'The events of this transaction.'
            : kind === 'condition'
              ? needsEvent
                ? 'A condition needs a contract and an event chosen above.'
                : `A condition over ${filter.eventName}: the alert rules’ language (tx.from, tx.to, tx.value too).`
              : 'An address, a transaction hash, or a condition over the chosen event.'}
        {isSearch(filter) && ' Live events are paused while a search is shown.'}
      </p>
      {(problem || showProblems) && (
        <div id={errorId} className="check check-bad" role="alert">
          {problem}
          {showProblems &&
            check.problems.map((item, index) => (
              <ProblemLine key={index} text={text} problem={item} />
            ))}
        </div>
      )}
      {isSearch(filter) && !loading && (
        <p className="muted small" role="status">
          {formatCount(rows.length)} found
          {searchedThrough !== null &&
            ` — searched back to block ${formatCount(searchedThrough)} so far`}
        </p>
      )}
    </form>
  );
}
