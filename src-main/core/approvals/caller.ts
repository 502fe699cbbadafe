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
