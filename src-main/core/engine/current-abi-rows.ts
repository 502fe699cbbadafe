// Stored events read with their contract's ABI as it is now. A contract's ABI changes after its
// events are stored: a proxy's new implementation or a diamond's facets are loaded, a project is
// rediscovered with a rebuilt artifact, an ABI is given by hand. Its older rows were stored
// undecoded (no event of the old ABI fitted) or decoded by the old ABI.
//
// They are decoded again here, when they leave the store, rather than rewritten in it: sealed
// segments are immutable files written once (a rewrite would cost as much as the history), and the
// head is rebuilt from its ingest log at start, which keeps the rows as they were first decoded.
// Decoding at read time costs a decode per row of a page (a few microseconds) and needs no
// progress to wait for. What it cannot do: a query filtered by event name is answered by the store
// from the stored names, so a row stored undecoded is not found by the name its new ABI gives it
// (it shows, decoded, in the contract's unfiltered list).
import type { EventRow } from '../../ipc/contract.ts';
import { createLogDecoder, type LogDecoder } from '../abi/index.ts';
import type { Store } from '../store/index.ts';

export type CurrentAbiRows = (rows: EventRow[]) => EventRow[];

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
