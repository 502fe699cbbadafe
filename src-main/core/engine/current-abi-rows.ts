// Stored events read with their contract's ABI as it is now. A contract's ABI changes after its
// events are stored: a proxy's new implementation or a diamond's facets are loaded, a project is
// rediscovered with a rebuilt artifact, an ABI is given by hand. Its older rows were stored
// undecoded (no event of the old ABI fitted) or decoded by the old ABI.
//
// They are decoded again here, when they leave the store, rather than rewritten in it: sealed
// segments are immutable files written once (a rewrite would cost as much as the history), and the
// head is rebuilt from its ingest log at start, which keeps the rows as they were first decoded.
// Decoding at read time costs a decode per row of a page (a few microseconds) and needs no
// progress to wait for. A query for one contract's event by name also asks the store for that
// contract's undecoded rows with the event's topic0 (an event's name is part of its topic0, so a
// row decoded under another name is another event). What is not redone: alerts evaluated when the
// rows arrived, and the segments' per-event counts, which still count these rows as undecoded.
import type { EventRow } from '../../ipc/contract.ts';
import { createLogDecoder, eventSignaturesOf, type LogDecoder } from '../abi/index.ts';
import type { EventsQuery, Store } from '../store/index.ts';

export type CurrentAbiRows = (rows: EventRow[]) => EventRow[];

/** store.queryEvents, with rows decoded by their contract's current ABI. */
export function queryWithCurrentAbi(
  store: Pick<Store, 'findContract' | 'queryEvents'>,
  currentAbiRows: CurrentAbiRows,
): Store['queryEvents'] {
  return (query: EventsQuery) => {
    const contract =
      query.eventName !== undefined && query.contractId !== undefined
        ? store.findContract(query.contractId)
        : undefined;
    const topic0s = contract
      ? eventSignaturesOf(contract.abi as never)
          .filter((event) => event.eventName === query.eventName)
          .map((event) => event.topic0)
      : [];
    const page = store.queryEvents(
      topic0s.length > 0 ? { ...query, undecodedTopic0s: topic0s } : query,
    );
    const rows = currentAbiRows(page.rows);
    return {
      ...page,
      // An undecoded row whose topic0 fits but whose data does not stays out of the page.
      rows: topic0s.length > 0 ? rows.filter((row) => row.eventName === query.eventName) : rows,
    };
  };
}

export function createCurrentAbiRows(store: Pick<Store, 'findContract'>): CurrentAbiRows {
  // One decoder per contract and ABI, built again only when the ABI changes.
  const decoders = new Map<string, { abiText: string; decode: LogDecoder }>();
  const decoderOf = (contractId: string): LogDecoder | undefined => {
    const contract = store.findContract(contractId);
    if (!contract) return undefined;
    const abiText = JSON.stringify(contract.abi);
    const cached = decoders.get(contractId);
    if (cached?.abiText === abiText) return cached.decode;
    const decode = createLogDecoder(contract.abi as never);
    decoders.set(contractId, { abiText, decode });
    return decode;
  };

  return (rows) => {
    // Contracts are looked up once per page.
    const forPage = new Map<string, LogDecoder | undefined>();
    return rows.map((row) => {
      if (!forPage.has(row.contractId)) forPage.set(row.contractId, decoderOf(row.contractId));
      const decode = forPage.get(row.contractId);
      const decoded = decode?.({
        topics: row.topics as `0x${string}`[],
        data: row.data as `0x${string}`,
      });
      // An event the current ABI no longer has keeps the decoding it was stored with.
      if (!decoded || decoded.signature === row.signature) return row;
      return {
        ...row,
        eventName: decoded.eventName,
        signature: decoded.signature,
        args: decoded.args,
      };
    });
  };
}
