// The added Safes, read once and then kept current by the safes.changed push, for every view that
// shows them (the Signers view's Safes panel, the compose form, Safe proposals).
import { useCallback, useEffect, useState } from 'react';
import type { Safe } from '@contract';
import { vigil } from '../client/index.ts';

const listSafes = () => vigil.call('safes.list', undefined);

export function useSafes(): {
  safes: Safe[];
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
} {
  const [safes, setSafes] = useState<Safe[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const apply = useCallback((result: Awaited<ReturnType<typeof listSafes>>) => {
    if (result.ok) {
      setSafes(result.value);
      setLoaded(true);
      setError(null);
    } else setError(result.error.message);
  }, []);
  const load = useCallback(async () => apply(await listSafes()), [apply]);
  useEffect(() => {
    let current = true;
    void listSafes().then((result) => {
      if (current) apply(result);
    });
    const unsubscribe = vigil.subscribe('safes.changed', (payload) => {
      setSafes(payload.safes);
      setLoaded(true);
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [apply]);
  return { safes, loaded, error, load };
}

/** The added Safe at `address` on `chainId` (any letter case), if any. */
export function findSafe(safes: Safe[], chainId: number, address: string): Safe | undefined {
  return safes.find(
    (safe) => safe.chainId === chainId && safe.address.toLowerCase() === address.toLowerCase(),
  );
}
