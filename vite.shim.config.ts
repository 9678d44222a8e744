import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The broker shim injected into hosted games' pages: one classic script
 * (IIFE), since it must run before the game's own scripts, module or not.
 */
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'out/shim'),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src-renderer/game-shim/broker-shim.ts'),
      formats: ['iife'],
      name: 'LanPartyBrokerShim',
      fileName: () => 'broker-shim.js',
    },
  },
});
