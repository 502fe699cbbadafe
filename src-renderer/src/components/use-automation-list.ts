// A list an Automation panel reads on its own (decisions, schedules): loaded when the panel
// shows, and again at each cue the automation store counts (an audited change, a reconnect,
// a policy's decision arriving on a transaction).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAutomation } from '../stores/automation.ts';

export interface AutomationList<Item> {
  items: Item[];
  loaded: boolean;
  error: string | null;
  reload: () => void;
}

/** `key` names what `read` reads (a filter's value): a new key reads again. */
export function useAutomationList<Item>(
  key: string,
  read: () => Promise<Item[]>,
): AutomationList<Item> {
  const readRef = useRef(read);
  useEffect(() => {
    readRef.current = read;
  });
  const revision = useAutomation((state) => state.revision);
  const [items, setItems] = useState<Item[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const reload = useCallback(() => setAsked((count) => count + 1), []);
  useEffect(() => {
    let current = true;
    readRef.current().then(
      (answer) => {
        if (!current) return;
        setItems(answer);
        setLoaded(true);
        setError(null);
      },
      (failure: unknown) => {
        if (current) setError((failure as Error).message);
      },
    );
    return () => {
      current = false;
    };
  }, [revision, asked, key]);
  return { items, loaded, error, reload };
}
