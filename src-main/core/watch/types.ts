export type { ChainRecord, Store, StoredEvent } from '../store/index.ts';
export type { EventRow } from '../../ipc/contract.ts';
