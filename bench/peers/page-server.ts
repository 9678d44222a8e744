/**
 * The loopback origin of the Chromium bench pages: a real HTTP server (not
 * Playwright routing: Chromium's Local Network Access checks would refuse the
 * pages' WebSockets to a loopback broker), serving
 *   /bench/       bench/pages/*.ts transpiled on request, and index.html
 *   /engine/      the engine's standalone bundle (out/p2p), as a game loads it
 *   /peerjs-1.5/  stock PeerJS's browser build
 *   /dashboard/   the built renderer (out/renderer), for the dashboard scenario
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../../e2e/fixtures/fixture-origin.js';
import { transpile } from '../lib/transpile.mjs';
import { REPO_ROOT } from '../lib/paths.js';

export type PageServer = FixtureServer;

const PAGES = path.join(REPO_ROOT, 'bench/pages');
/** The bench page (also written into the bench game folder, bench-game.ts). */
export const INDEX_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LAN Party bench</title><script type="module" src="./page.js"></script></head><body></body></html>';

const MOUNTS: Record<string, string> = {
  '/engine/': 'out/p2p',
  '/peerjs-1.5/': 'node_modules/peerjs/dist',
  '/dashboard/': 'out/renderer',
};

export function startPageServer(): Promise<PageServer> {
  const cache = new Map<string, string>();
  return startFixtureServer(MOUNTS, {
    optionalMounts: true,
    // Cross-origin isolation: performance.now() then ticks in 5 µs instead of 100 µs, which sub-ms RTTs need.
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
    route: (_req, res, url) => {
      if (url.pathname === '/bench/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
        return true;
      }
      const page = /^\/bench\/([a-z-]+)\.js$/.exec(url.pathname)?.[1];
      if (!page) return false;
      const file = path.join(PAGES, `${page}.ts`);
      if (!fs.existsSync(file)) {
        res.writeHead(404).end('no such bench module');
        return true;
      }
      let js = cache.get(file);
      if (js === undefined) {
        js = transpile(fs.readFileSync(file, 'utf8'), file);
        cache.set(file, js);
      }
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }).end(js);
      return true;
    },
  });
}
