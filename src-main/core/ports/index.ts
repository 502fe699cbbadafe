// What the composition root hands every room: where to log and where to send pushes. Types only,
// depending on nothing but the IPC contract, so any room can take them without importing app.ts
// (which imports the engine, which imports the rooms).
import type { PushName, PushPayload } from '../../ipc/contract.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type PushListener = <N extends PushName>(name: N, payload: PushPayload<N>) => void;

// Who is on the other end of a request, as the transport that carried it knows: the desktop app's
// own window, or a web client with the origins it may have signed a WebAuthn assertion for.
export type Caller =
  | { kind: 'desktop' }
  | {
      kind: 'web';
      /** `http://localhost:4780` …: origins a genuine assertion from our own page names. */
      origins: string[];
      /** Host names a passkey may be scoped to (WebAuthn refuses IP addresses). */
      rpIds: string[];
      /** The page's own origin, when a browser opened the connection. */
      origin?: string;
      /** The peer is this machine. */
      loopback: boolean;
      /** The connection is TLS. */
      tls: boolean;
    };

/** Who approved, as stored with the approval and its audit entry. */
export interface ApprovedBy {
  /** The passkey's credential id, or `desktop:<profile>` for the desktop dialog. */
  credentialId: string;
  name: string;
  /** The digest of the subject this person approved. */
  digest: `0x${string}`;
}

/**
 * A keyed MAC (HMAC-SHA256 under the data directory's key from the OS keychain), so any room can
 * seal what it writes and check what it reads without holding the key. `domain` keeps a seal made
 * for one kind of record from passing for another.
 */
export interface RecordMac {
  /** 64 hex digits. */
  sign(domain: string, data: string | Uint8Array): string;
  verify(domain: string, data: string | Uint8Array, mac: string): boolean;
}
