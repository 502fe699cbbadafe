// Tells the operator when the headless link is down, still coming up, or refused the token.
import { useEffect, useState } from 'react';
import { useConnection } from '../client/index.ts';

export function ConnectionBanner() {
  const { state, detail, retryAt, retryNow } = useConnection();
  if (state === 'open') return null;
  if (state === 'connecting') {
    return (
      <div className="banner banner-info" role="status">
        Connecting to Vigil…
      </div>
    );
  }
  if (state === 'bad-token') {
    return (
      <div className="banner banner-error" role="alert">
        <strong>Access token refused.</strong> {detail} Open the full address (with{' '}
        <code>#token=</code>) that <code>npm run serve</code> printed.
      </div>
    );
  }
  return (
    <div className="banner banner-warn" role="alert">
      <strong>Disconnected from Vigil.</strong> <RetryCountdown retryAt={retryAt} /> Data shown may
      be stale.{' '}
      <button type="button" className="button-small" onClick={retryNow}>
        Retry now
      </button>
    </div>
  );
}

function RetryCountdown({ retryAt }: { retryAt: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  if (retryAt === null) return null;
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return <span>Retrying in {seconds} s.</span>;
}
