import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The standalone P2P engine for games: ONE ES module with peerjs bundled in,
 * `out/p2p/lan-party-p2p.js` (a game imports it as is, no bundler needed).
 * Its types: `tsc -p tsconfig.p2p.json` writes `out/p2p/types/**` and the entry
 * `out/p2p/lan-party-p2p.d.ts` re-exports them (see tsconfig.p2p.json).
 */
export default defineConfig({
  // Nothing from the renderer's public dir or index.html: a library build.
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'out/p2p'),
    // The .d.ts files live in the same folder and are written by tsc, possibly first.
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src-renderer/p2p/lan-party-p2p.ts'),
      formats: ['es'],
      fileName: () => 'lan-party-p2p.js',
    },
  },
});
