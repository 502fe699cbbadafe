// A bounded cache of RPC answers by key, for the fetchers rules use: a request in flight is
// shared, a failure is forgotten (asked again next time), and the oldest answer goes first once
// the cache is full.

export interface PromiseCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  delete(key: string): void;
  /** Drops every answer whose key passes the test (a reorg's blocks). */
  deleteWhere(test: (key: string) => boolean): void;
}

export function createPromiseCache<T>(capacity: number): PromiseCache<T> {
  const cache = new Map<string, Promise<T>>();
  return {
    get(key, load) {
      const known = cache.get(key);
      if (known) return known;
      const loading = load();
      cache.set(key, loading);
      loading.catch(() => {
        if (cache.get(key) === loading) cache.delete(key);
      });
      // Oldest out first: Maps iterate in insertion order.
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return loading;
    },
    delete: (key) => cache.delete(key),
    deleteWhere(test) {
      for (const key of [...cache.keys()]) if (test(key)) cache.delete(key);
    },
  };
}
