// Stored events read with their contract's ABI as it is now. A contract's ABI changes after its
// events are stored: a proxy's new implementation or a diamond's facets are loaded, a project is
// rediscovered with a rebuilt artifact, an ABI is given by hand. Its older rows were stored
// undecoded (no event of the old ABI fitted) or decoded by the old ABI.
//
// They are decoded again here, when they leave the store, rather than rewritten in it: sealed
// segments are immutable files written once (a rewrite would cost as much as the history), and the
// head is rebuilt from its ingest log at start, which keeps the rows as they were first decoded.
// Decoding at read time needs no progress to wait for, and costs a decode only for the rows it
// changes: a row stored with the signature the current ABI gives its topic0 would decode to what
// it holds (the check is a map look-up; a page of 1,000 rows decoded again cost milliseconds). A query for one contract's event by name also asks the store for that
// contract's undecoded rows with the event's topic0 (an event's name is part of its topic0, so a
// row decoded under another name is another event). What is not redone: alerts evaluated when the
// rows arrived, and the segments' per-event counts, which still count these rows as undecoded.
import type { EventRow } from '../../ipc/contract.ts';
import { createLogDecoder, eventSignaturesOf, type LogDecoder } from '../abi/index.ts';
import type { EventsQuery, Store } from '../store/index.ts';

export type CurrentAbiRows = (rows: EventRow[]) => EventRow[];

interface CurrentDecoder {
  decode: LogDecoder;
  /** Each event's canonical signature by its topic0 (lowercase), from the current ABI. */
  signatureByTopic0: Map<string, string>;
}

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
  const decoders = new Map<string, CurrentDecoder & { abiText: string }>();
  const decoderOf = (contractId: string): CurrentDecoder | undefined => {
    const contract = store.findContract(contractId);
    if (!contract) return undefined;
    const abiText = JSON.stringify(contract.abi);
    const cached = decoders.get(contractId);
    if (cached?.abiText === abiText) return cached;
    const decoder = {
      abiText,
      decode: createLogDecoder(contract.abi as never),
      signatureByTopic0: new Map(
        eventSignaturesOf(contract.abi as never).map((event) => [
          event.topic0.toLowerCase(),
          event.signature,
        ]),
      ),
    };
    decoders.set(contractId, decoder);
    return decoder;
  };

  return (rows) => {
    // Contracts are looked up once per page.
    const forPage = new Map<string, CurrentDecoder | undefined>();
    return rows.map((row) => {
      if (!forPage.has(row.contractId)) forPage.set(row.contractId, decoderOf(row.contractId));
      const decoder = forPage.get(row.contractId);
      // The current ABI has no event with this topic0 (decoding finds none), or gives it the
      // signature the row was stored with (decoding gives back the row): the row stands.
      const currentSignature = decoder?.signatureByTopic0.get(row.topics[0]?.toLowerCase() ?? '');
      if (currentSignature === undefined || currentSignature === row.signature) return row;
      const decoded = decoder?.decode({
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
