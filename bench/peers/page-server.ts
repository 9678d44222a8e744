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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serveStatic } from '../../src-main/host/static-files.js';
import { transpile } from '../lib/transpile.mjs';
import { REPO_ROOT } from '../lib/paths.js';

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

const PAGES = path.join(REPO_ROOT, 'bench/pages');
const INDEX_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LAN Party bench</title><script type="module" src="./page.js"></script></head><body></body></html>';

const MOUNTS: Record<string, string> = {
  '/engine/': 'out/p2p',
  '/peerjs-1.5/': 'node_modules/peerjs/dist',
  '/dashboard/': 'out/renderer',
};

export async function startPageServer(): Promise<PageServer> {
  const cache = new Map<string, string>();
  const roots = Object.entries(MOUNTS)
    .filter(([, folder]) => fs.existsSync(path.join(REPO_ROOT, folder)))
    .map(([prefix, folder]) => [prefix, fs.realpathSync(path.join(REPO_ROOT, folder))] as const);
  const server = http.createServer((req, res) => {
    // Cross-origin isolation: performance.now() then ticks in 5 µs instead of 100 µs, which sub-ms RTTs need.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const url = new URL(req.url ?? '/', 'http://bench.invalid');
    if (url.pathname === '/bench/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
      return;
    }
    const page = /^\/bench\/([a-z-]+)\.js$/.exec(url.pathname)?.[1];
    if (page) {
      const file = path.join(PAGES, `${page}.ts`);
      if (!fs.existsSync(file)) {
        res.writeHead(404).end('no such bench module');
        return;
      }
      let js = cache.get(file);
      if (js === undefined) {
        js = transpile(fs.readFileSync(file, 'utf8'), file);
        cache.set(file, js);
      }
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }).end(js);
      return;
    }
    for (const [prefix, root] of roots) {
      if (!url.pathname.startsWith(prefix)) continue;
      const inner = new URL(url.href);
      inner.pathname = url.pathname.slice(prefix.length - 1);
      serveStatic(root, req, res, inner);
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
