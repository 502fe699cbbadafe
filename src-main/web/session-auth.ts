// Who may speak to the headless server. Scripts send the token in an Authorization header; a
// browser page is opened with the token in the URL's fragment (never sent to any server, kept out
// of logs and Referer), posts it once to /session, and from then on holds an HttpOnly,
// SameSite=Strict cookie that scripts in the page cannot read and other sites cannot send.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_PATH = '/session';
const COOKIE_NAME = 'vigil_session';

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The cookie is derived from the token rather than being it: the browser never stores the token,
 * and a cookie still works after a restart with the same fixed token (VIGIL_TOKEN, --token-file).
 */
function sessionValue(token: string): string {
  return createHmac('sha256', token).update('vigil headless session v1').digest('base64url');
}

export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

function sessionCookie(request: IncomingMessage): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE_NAME) return rest.join('=');
  }
  return null;
}

/** How a request proved it may speak here, if it did. */
export function authenticate(request: IncomingMessage, token: string): 'bearer' | 'cookie' | null {
  const bearer = bearerToken(request);
  if (bearer !== null && sameText(bearer, token)) return 'bearer';
  const cookie = sessionCookie(request);
  if (cookie !== null && sameText(cookie, sessionValue(token))) return 'cookie';
  return null;
}

export function sessionCookieHeader(token: string, secure: boolean): string {
  return `${COOKIE_NAME}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}
