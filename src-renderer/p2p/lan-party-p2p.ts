/**
 * Entry of the standalone bundle `out/p2p/lan-party-p2p.js` (vite.p2p.config.ts)
 * and, through tsc (tsconfig.p2p.json), of its `out/p2p/lan-party-p2p.d.ts`.
 * The same names as `./index.ts`: one public surface.
 */
export * from './index.js';
