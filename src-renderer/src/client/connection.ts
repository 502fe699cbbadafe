// The state of the link to main, shown by the connection banner. In Electron the link is an
// in-process IPC channel and is always "open"; in headless mode it is a WebSocket that can drop.
import { create } from 'zustand';

export type ConnectionState = 'connecting' | 'open' | 'disconnected' | 'bad-token';

interface ConnectionStore {
  state: ConnectionState;
  /** Why the last attempt failed, for the banner. */
  detail: string | null;
  /** When the next reconnect attempt is due (ms since epoch), while disconnected. */
  retryAt: number | null;
  /** Bumped on every (re)connect, so stores know to refetch what they may have missed. */
  sessionCount: number;
  retryNow: () => void;
}

export const useConnection = create<ConnectionStore>(() => ({
  state: 'connecting',
  detail: null,
  retryAt: null,
  sessionCount: 0,
  retryNow: () => {},
}));
