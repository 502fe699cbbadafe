// What the headless server checks before it looks at a request's meaning: that the Host header
// names this server (DNS rebinding), that a browser's Origin is this server's own, that the
// target parses, and that a JSON message is small and shallow enough to parse at all. Each check
// is a pure function, so it is tested without a server; server.ts applies them to every request.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return bare === 'localhost' || bare === '::1' || /^127\./.test(bare);
}

/**
 * The console URL to print and open, the token in its fragment (never sent to a server). Bound to
 * loopback it names `localhost`: a passkey's RP ID must be a host name, never an IP address, and
 * browsers treat http://localhost as a secure context, so WebAuthn works there without TLS.
 */
export function consoleUrlFor(
  scheme: 'http' | 'https',
  boundHost: string,
  port: number,
  token: string,
): string {
  const bare = boundHost.replace(/^\[|\]$/g, '');
  const shownHost = ['127.0.0.1', '::1', 'localhost'].includes(bare.toLowerCase())
    ? 'localhost'
    : bracketed(bare);
  return `${scheme}://${shownHost}:${port}/#token=${encodeURIComponent(token)}`;
}

/** True for a bind address that listens on every interface. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function bracketed(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The host names (without port) a request may address this server by: loopback names, the bound
 * address, and, when bound to every interface, this machine's own addresses. Any other name (a
 * DNS name an attacker points at 127.0.0.1) is refused, so a page elsewhere cannot rebind onto us.
 */
export function allowedHostNames(boundHost: string, extraNames: readonly string[] = []): string[] {
  const names = new Set([...LOOPBACK_NAMES, bracketed(boundHost), ...extraNames]);
  if (isWildcard(boundHost)) {
    for (const addresses of Object.values(networkInterfaces()))
      for (const address of addresses ?? []) names.add(bracketed(address.address));
  }
  return [...names].map((name) => name.toLowerCase());
}

/** The Host header must be `<allowed name>:<our port>` (browsers always send the port we serve). */
export function hostAllowed(
  hostHeader: string | undefined,
  allowedNames: readonly string[],
  port: number,
): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  const givenPort = match[2] === undefined ? null : Number(match[2]);
  // A default port is left out of Host; we never listen on 80 or 443 in tests, but an operator may.
  if (givenPort !== port && !(givenPort === null && (port === 80 || port === 443))) return false;
  return allowedNames.includes(name);
}

/**
 * Browsers always send Origin on WebSocket upgrades and POSTs; scripts usually do not, and are
 * held to the token alone. A browser's Origin must be this server by an allowed name.
 */
export function originAllowed(
  origin: string | undefined,
  allowedNames: readonly string[],
  port: number,
  scheme: 'http' | 'https',
): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return (
      url.protocol === `${scheme}:` &&
      allowedNames.includes(url.hostname.toLowerCase()) &&
      Number(url.port || (scheme === 'https' ? 443 : 80)) === port
    );
  } catch {
    return false;
  }
}

/**
 * The request target as a path and query, or null when it is not an origin-form target we serve
 * (`//`, `http://…`, `*`, a stray percent sign). `new URL('//', base)` throws; this never does.
 */
export function parseTarget(
  target: string | undefined,
): { pathname: string; query: URLSearchParams } | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null;
  if (target.length > 4096) return null;
  try {
    const url = new URL(target, 'http://target.invalid');
    if (url.host !== 'target.invalid') return null;
    decodeURIComponent(url.pathname);
    return { pathname: url.pathname, query: url.searchParams };
  } catch {
    return null;
  }
}

export interface MessageLimits {
  /** Largest message in bytes of UTF-16 text (ws enforces the same in bytes on the wire). */
  maxLength: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
}

export const defaultMessageLimits: MessageLimits = {
  // An export sent to audit.verifyExport is the largest honest message.
  maxLength: 64 * 1024 * 1024,
  // The contract's deepest honest input (an ABI's tuple components, a condition) is far shallower.
  maxDepth: 64,
};

/**
 * How deep a JSON text nests, by one pass over its characters, so a message nested a million deep
 * is refused before JSON.parse or zod recurse into it (both would overflow the stack).
 * Stops counting once past `limit`.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth--;
  }
  return false;
}
