// Operator-originated data: chains and watched contracts. Every change is a command that is
// applied inside a transaction and journaled before that transaction commits (see commands.ts).
import type { Database } from 'sql.js';
import type { ContractProxy, Retention, TokenDisplayInfo } from '../../ipc/contract.ts';
import { selectAll, selectOne } from './database.ts';

export interface ChainRecord {
  chainId: number;
  name: string;
  rpcUrls: string[];
  confirmations: number;
  /** The chain's block explorer, without a trailing slash. */
  explorerUrl?: string;
}

export interface ContractRecord {
  id: string;
  chainId: number;
  address: string;
  name: string;
  abi: unknown[];
  startBlock: number;
  indexedThrough: number | null;
  /** How much of its history is kept (absent: everything; see ChainStore.applyRetention). */
  retention?: Retention;
  /** Set when the address is a proxy (see intake/detect-proxy.ts). */
  proxy?: ContractProxy;
  /** How its amounts read; absent until read from the chain or set by the operator. */
  token?: TokenDisplayInfo;
}

export type WatchConfigCommand =
  | { type: 'chain.add'; chain: ChainRecord }
  | { type: 'chain.update'; chain: ChainRecord }
  | { type: 'chain.remove'; chainId: number }
  | { type: 'contract.add'; contract: Omit<ContractRecord, 'indexedThrough'> }
  // retention: null clears it; absent (a command journaled before it existed) leaves it.
  | { type: 'contract.update'; id: string; name: string; retention?: Retention | null }
  | { type: 'contract.remove'; id: string }
  // A new ABI (a proxy's new implementation, a project's rebuilt artifact) and what the proxy
  // delegates to now; proxy null: not a proxy.
  | { type: 'contract.definition'; id: string; abi: unknown[]; proxy: ContractProxy | null }
  // token: null forgets it, so it is read from the chain again.
  | { type: 'contract.token'; id: string; token: TokenDisplayInfo | null };

export function applyWatchConfigCommand(
  db: Database,
  command: WatchConfigCommand,
  at: number,
): void {
  switch (command.type) {
    case 'chain.add': {
      const { chainId, name, rpcUrls, confirmations, explorerUrl } = command.chain;
      db.run(
        'INSERT INTO chains (chain_id, name, rpc_urls, confirmations, explorer_url, added_at) VALUES (?, ?, ?, ?, ?, ?)',
        [chainId, name, JSON.stringify(rpcUrls), confirmations, explorerUrl ?? null, at],
      );
      return;
    }
    case 'chain.update': {
      // Stored data stays: the chain is the same chain, only how it is reached or named changed.
      const { chainId, name, rpcUrls, confirmations, explorerUrl } = command.chain;
      db.run(
        'UPDATE chains SET name = ?, rpc_urls = ?, confirmations = ?, explorer_url = ? WHERE chain_id = ?',
        [name, JSON.stringify(rpcUrls), confirmations, explorerUrl ?? null, chainId],
      );
      return;
    }
    case 'chain.remove':
      // Its chain data is dropped by the chain-data store (see Store.execute).
      db.run('DELETE FROM contracts WHERE chain_id = ?', [command.chainId]);
      db.run('DELETE FROM safes WHERE chain_id = ?', [command.chainId]);
      db.run('DELETE FROM chains WHERE chain_id = ?', [command.chainId]);
      return;
    case 'contract.add': {
      const { id, chainId, address, name, abi, startBlock, retention, proxy } = command.contract;
      db.run(
        'INSERT INTO contracts (id, chain_id, address, name, abi, start_block, indexed_through, added_at, retention, proxy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          id,
          chainId,
          address,
          name,
          JSON.stringify(abi),
          startBlock,
          startBlock - 1,
          at,
          retention ? JSON.stringify(retention) : null,
          proxy ? JSON.stringify(proxy) : null,
        ],
      );
      return;
    }
    case 'contract.update':
      db.run('UPDATE contracts SET name = ? WHERE id = ?', [command.name, command.id]);
      if (command.retention !== undefined)
        db.run('UPDATE contracts SET retention = ? WHERE id = ?', [
          command.retention === null ? null : JSON.stringify(command.retention),
          command.id,
        ]);
      return;
    case 'contract.remove':
      db.run('DELETE FROM contracts WHERE id = ?', [command.id]);
      return;
    case 'contract.token':
      db.run('UPDATE contracts SET token = ? WHERE id = ?', [
        command.token === null ? null : JSON.stringify(command.token),
        command.id,
      ]);
      return;
    case 'contract.definition':
      db.run('UPDATE contracts SET abi = ?, proxy = ? WHERE id = ?', [
        JSON.stringify(command.abi),
        command.proxy ? JSON.stringify(command.proxy) : null,
        command.id,
      ]);
      return;
  }
}

interface ChainRow {
  chain_id: number;
  name: string;
  rpc_urls: string;
  confirmations: number;
  explorer_url: string | null;
}

export function listChains(db: Database): ChainRecord[] {
  return selectAll<ChainRow>(
    db,
    'SELECT chain_id, name, rpc_urls, confirmations, explorer_url FROM chains ORDER BY added_at, chain_id',
  ).map((row) => ({
    chainId: row.chain_id,
    name: row.name,
    rpcUrls: JSON.parse(row.rpc_urls) as string[],
    confirmations: row.confirmations,
    ...(row.explorer_url === null ? {} : { explorerUrl: row.explorer_url }),
  }));
}

interface ContractRow {
  id: string;
  chain_id: number;
  address: string;
  name: string;
  abi: string;
  start_block: number;
  indexed_through: number | null;
  retention: string | null;
  proxy: string | null;
  token: string | null;
}

function toContractRecord(row: ContractRow): ContractRecord {
  return {
    id: row.id,
    chainId: row.chain_id,
    address: row.address,
    name: row.name,
    abi: JSON.parse(row.abi) as unknown[],
    startBlock: row.start_block,
    // A cursor below the start block means nothing is indexed yet.
    indexedThrough:
      row.indexed_through === null || row.indexed_through < row.start_block
        ? null
        : row.indexed_through,
    ...(row.retention === null ? {} : { retention: JSON.parse(row.retention) as Retention }),
    ...(row.proxy === null ? {} : { proxy: JSON.parse(row.proxy) as ContractProxy }),
    ...(row.token === null ? {} : { token: JSON.parse(row.token) as TokenDisplayInfo }),
  };
}

export function listContracts(db: Database, chainId?: number): ContractRecord[] {
  const sql = `SELECT id, chain_id, address, name, abi, start_block, indexed_through, retention, proxy, token FROM contracts ${
    chainId === undefined ? '' : 'WHERE chain_id = ?'
  } ORDER BY added_at, id`;
  return selectAll<ContractRow>(db, sql, chainId === undefined ? [] : [chainId]).map(
    toContractRecord,
  );
}

/** The raw cursor (start block - 1 when nothing is indexed yet) of each contract on a chain. */
export function contractCursors(
  db: Database,
  chainId: number,
): { id: string; address: string; startBlock: number; cursor: number }[] {
  return selectAll<{ id: string; address: string; start_block: number; indexed_through: number }>(
    db,
    'SELECT id, address, start_block, indexed_through FROM contracts WHERE chain_id = ? ORDER BY id',
    [chainId],
  ).map((row) => ({
    id: row.id,
    address: row.address,
    startBlock: row.start_block,
    cursor: row.indexed_through,
  }));
}

export function findChain(db: Database, chainId: number): ChainRecord | undefined {
  return listChains(db).find((chain) => chain.chainId === chainId);
}

export function findContract(db: Database, id: string): ContractRecord | undefined {
  const row = selectOne<ContractRow>(
    db,
    'SELECT id, chain_id, address, name, abi, start_block, indexed_through, retention, proxy, token FROM contracts WHERE id = ?',
    [id],
  );
  return row ? toContractRecord(row) : undefined;
}
