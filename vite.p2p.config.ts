import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The standalone P2P engine for games, one file per build in `out/p2p/`,
 * PeerJS bundled in (a game uses it as is, no bundler needed):
 * - default mode: `lan-party-p2p.js`, ONE ES module. Its types: `tsc -p
 *   tsconfig.p2p.json` writes `out/p2p/types/**` and the entry
 *   `out/p2p/lan-party-p2p.d.ts` re-exports them (see tsconfig.p2p.json);
 * - `--mode engine`: `lan-party-p2p.global.js`, the same engine as a classic
 *   script (IIFE) defining the global `LanPartyP2P`, for pages that load
 *   scripts with a plain `<script src>`;
 * - `--mode gdevelop`: `lan-party-gdevelop-p2p.js`, GDevelop's
 *   `gdjs.evtTools.p2p` on that engine (src-renderer/gdevelop/), served by the
 *   host in place of the P2P extension's files.
 * Vite's IIFE output takes one entry per build, hence the modes.
 */
const BUILDS = {
  production: { entry: 'src-renderer/p2p/lan-party-p2p.ts', format: 'es', name: undefined, file: 'lan-party-p2p.js' },
  engine: { entry: 'src-renderer/p2p/lan-party-p2p.ts', format: 'iife', name: 'LanPartyP2P', file: 'lan-party-p2p.global.js' },
  gdevelop: { entry: 'src-renderer/gdevelop/install-gdevelop.ts', format: 'iife', name: 'LanPartyGDevelopP2P', file: 'lan-party-gdevelop-p2p.js' },
} as const;

export default defineConfig(({ mode }) => {
  const build = Object.hasOwn(BUILDS, mode) ? BUILDS[mode as keyof typeof BUILDS] : undefined;
  if (!build) throw new Error(`vite.p2p.config.ts: --mode must be one of ${Object.keys(BUILDS).join(', ')}`);
  return {
    // Nothing from the renderer's public dir or index.html: a library build.
    publicDir: false,
    build: {
      outDir: resolve(import.meta.dirname, 'out/p2p'),
      // The builds and the .d.ts files (written by tsc, possibly first) share the folder.
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: {
        entry: resolve(import.meta.dirname, build.entry),
        formats: [build.format],
        name: build.name,
        fileName: () => build.file,
      },
    },
  };
});
