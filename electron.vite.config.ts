import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three builds, one per runtime:
 * - main: the Electron entry AND the Electron-free headless CLI (both Node, ESM);
 * - preload: ONE CommonJS file that requires only `electron` (sandboxed renderers
 *   cannot load ESM preloads nor node_modules), so zod and the contract are bundled;
 * - renderer: the page served to the Electron window and, unchanged, to browsers.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Dependencies bundled in: resolving express's, peer's and zod's many small
      // files dominated start-up (`lan-party host` ready in ~320 ms instead of
      // ~550 ms, same machine and load), and the packaged app needs no node_modules.
      externalizeDeps: false,
      chunkSizeWarningLimit: 4096,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/index.ts'),
          cli: resolve(import.meta.dirname, 'src-main/headless/cli.ts'),
        },
        // ws tries these optional native speed-ups and falls back when they are absent.
        external: ['electron', 'bufferutil', 'utf-8-validate'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    // The dashboard is React (JSX through the React plugin; no Fast Refresh needed in the built app).
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      emptyOutDir: true,
      // Browser players load it over the LAN: ship it minified (electron-vite does not by default).
      minify: true,
      // Two pages: the dashboard, and the test bench (`bench.html?game=<id>&count=<N>`, issue 12).
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-renderer/index.html'),
          bench: resolve(import.meta.dirname, 'src-renderer/bench.html'),
        },
      },
    },
  },
});
