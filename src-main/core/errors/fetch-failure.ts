// What an HTTP service's failure says, for the rooms that call one (verified sources, the Safe
// Transaction Service): how long it asks to wait, and why a connection failed.

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), when it says. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Why a fetch failed, as the socket said (ECONNREFUSED, ENOTFOUND …), not "fetch failed". */
export function fetchFailureReason(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  const cause = (
    error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }
  ).cause;
  return (
    cause?.code ??
    cause?.errors?.[0]?.code ??
    cause?.message ??
    (error as Error).message ??
    'failed'
  );
}
