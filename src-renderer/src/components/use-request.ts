// A request made from a button: busy while it runs, the server's refusal if there is one, and
// what to do with the answer when it is accepted.
import { useState } from 'react';
import type { Envelope } from '@contract';

export interface Request {
  busy: boolean;
  error: string | null;
  run: () => Promise<void>;
}

export function useRequest<Value>(
  send: () => Promise<Envelope<Value>>,
  onAccepted?: (value: Value) => void,
): Request {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const answer = await send();
    setBusy(false);
    if (!answer.ok) setError(answer.error.message);
    else onAccepted?.(answer.value);
  };
  return { busy, error, run };
}
