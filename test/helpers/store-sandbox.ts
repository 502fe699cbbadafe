// Fresh data directories and stores for tests of the store on real files, cleaned up after each
// test, and a way to "crash" a store: the process is gone without closing, so only what reached
// disk counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type StoreOptions, type Store } from '../../src-main/core/store/index.ts';
import { makeLogger, makeTempDir } from './temp-dir.ts';

export interface StoreSandbox {
  freshDir(): string;
  open(path: string, log?: ReturnType<typeof makeLogger>, options?: StoreOptions): Promise<Store>;
  /** Forgets the store without closing it, and leaves its lock stale as a dead process would. */
  crash(store: Store): void;
  /** Closes the store normally (a final snapshot if anything changed). */
  closeCleanly(store: Store): void;
}

export function useStoreSandbox(): StoreSandbox {
  const dirs: { remove(): void }[] = [];
  const open = new Map<Store, string>();
  afterEach(() => {
    for (const store of open.keys()) store.close({ snapshot: false });
    open.clear();
    dirs.splice(0).forEach((dir) => dir.remove());
  });
  return {
    freshDir() {
      const dir = makeTempDir();
      dirs.push(dir);
      return dir.path;
    },
    async open(path, log = makeLogger(), options = {}) {
      const store = await openStore(path, log, options);
      open.set(store, path);
      return store;
    },
    crash(store) {
      const path = open.get(store)!;
      open.delete(store);
      writeFileSync(join(path, 'vigil.lock'), '999999999');
    },
    closeCleanly(store) {
      open.delete(store);
      store.close();
    },
  };
}
