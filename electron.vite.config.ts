import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for the three processes. Main carries extra entries: the store's worker threads
// and headless mode, so the packaged app and `npm run serve` share one bundle layout.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Bundled rather than loaded from node_modules at start: viem's full entry is hundreds of
      // ES modules of which the engine uses a few functions, yaml and csv-parse are CommonJS
      // spread over many files; together they took ~450 ms of the engine thread's CPU to load.
      // The rest stays external: sql.js finds its wasm with require.resolve, keytar is native,
      // ws has optional native add-ons.
      externalizeDeps: { exclude: ['viem', 'abitype', 'zod', 'yaml', 'csv-parse'] },
      rollupOptions: {
        input: {
          electron: resolve('src-main/electron/main.ts'),
          serve: resolve('src-main/serve.ts'),
          'engine-worker': resolve('src-main/core/engine/worker.ts'),
          // The store's segment builder runs on a thread of its own (segment-build-thread.ts).
          'segment-builder': resolve('src-main/core/store/segment-build-worker.ts'),
        },
        output: {
          // The errors room on its own, so starting the engine thread does not first evaluate the
          // contract's schemas: headless mode loads those while the thread starts.
          manualChunks: (id) => (id.includes('/src-main/core/errors/') ? 'errors' : undefined),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        // Sandboxed preloads cannot load ES modules: emit one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
    resolve: {
      alias: {
        '@contract': resolve('src-main/ipc/contract.ts'),
        // How amounts read, the same in main's messages and in the renderer.
        '@amounts': resolve('src-main/ipc/amounts.ts'),
      },
    },
    plugins: [react()],
  },
});
