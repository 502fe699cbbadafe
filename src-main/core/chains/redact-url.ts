// A URL as it may be written down: in the audit log, an export, a workspace file, a log line or a
// push. Providers put API keys in the URL (Infura `/v3/<key>`, Alchemy `/v2/<key>`, `?apikey=`,
// `https://user:pass@host`); what looks like one is replaced with ***. The URL still says which
// provider and endpoint it is; the key lives only where the chain is reached from.

const REDACTED = '***';
/** Query parameter names that carry credentials. */
const SECRET_PARAM = /key|token|secret|auth|pass|sig|credential/i;

/** A path segment that looks like a key: long, of key characters, with letters and digits both. */
function looksLikeKey(segment: string): boolean {
  return (
    segment.length >= 16 &&
    /^[A-Za-z0-9_.~-]+$/.test(segment) &&
    /\d/.test(segment) &&
    /[A-Za-z]/.test(segment)
  );
}

export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL we can take apart: keep nothing of it that could be a key.
    return REDACTED;
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = '';
    changed = true;
  }
  const segments = url.pathname.split('/');
  const path = segments.map((segment) => (looksLikeKey(segment) ? REDACTED : segment));
  if (path.some((segment, index) => segment !== segments[index])) {
    url.pathname = path.join('/');
    changed = true;
  }
  for (const [name, value] of [...url.searchParams]) {
    if (SECRET_PARAM.test(name) || looksLikeKey(value)) {
      url.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // The URL class writes *** in the path and query percent-encoded; a person reads it plainly.
  return changed ? url.toString().replaceAll('%2A%2A%2A', REDACTED) : text;
}

/** Every http(s) and ws(s) URL inside a text (an error message, a log line) redacted. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>),]+/gi, (url) => redactUrl(url));
}
