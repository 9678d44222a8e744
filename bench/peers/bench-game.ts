/**
 * The bench page as a game folder, so the game agent can be measured on the
 * exact code the other scenarios run: the `stock` kind (PeerJS 1.5.5 with
 * GDevelop's settings, `{eventName, data}` messages, the broker named
 * explicitly) and the same measuring loops (pages/routines.ts).
 *
 * The folder is served two ways in one run, and only the agent differs:
 * - hosted: `lan-party host --game <folder>`, on the game's own origin, where
 *   the host injects the agent into every page;
 * - plain: a loopback static server (the host's own static file code) with no
 *   injected script and, like a game origin, no cross-origin isolation.
 *
 * Layout: `index.html` (a game folder needs one), `bench/index.html` +
 * `bench/{page,drivers,routines}.js` (transpiled from bench/pages), and
 * `peerjs-1.5/peerjs.min.js`, the absolute paths page.ts loads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../../e2e/fixtures/fixture-origin.js';
import { startHost, type RunningHost } from '../../e2e/fixtures/host.js';
import { serveStatic } from '../../src-main/host/static-files.js';
import type { BenchContext } from '../lib/context.js';
import { REPO_ROOT } from '../lib/paths.js';
import { transpile } from '../lib/transpile.mjs';
import { INDEX_HTML } from './page-server.js';

const PAGE_MODULES = ['page', 'drivers', 'routines'];

export interface BenchGame {
  folder: string;
  remove(): void;
}

export function assembleBenchGame(): BenchGame {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-bench-game-'));
  fs.mkdirSync(path.join(folder, 'bench'));
  fs.mkdirSync(path.join(folder, 'peerjs-1.5'));
  fs.writeFileSync(path.join(folder, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LAN Party bench game</title></head><body><a href="bench/index.html">bench</a></body></html>');
  fs.writeFileSync(path.join(folder, 'bench/index.html'), INDEX_HTML);
  for (const name of PAGE_MODULES) {
    const source = path.join(REPO_ROOT, 'bench/pages', `${name}.ts`);
    fs.writeFileSync(path.join(folder, 'bench', `${name}.js`), transpile(fs.readFileSync(source, 'utf8'), source));
  }
  fs.copyFileSync(path.join(REPO_ROOT, 'node_modules/peerjs/dist/peerjs.min.js'), path.join(folder, 'peerjs-1.5/peerjs.min.js'));
  return { folder, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

export interface HostedBenchGame {
  host: RunningHost;
  /** The game's own origin on the host (agent injected), e.g. `http://127.0.0.1:41235`. */
  origin: string;
  folder: string;
}

/**
 * A `lan-party host` of its own hosting the bench game (`--game`, loopback,
 * no discovery); `extraArgs` e.g. `--network`. Stopped, and the folder
 * removed, by the scenario's cleanup.
 */
export async function hostBenchGame(ctx: BenchContext, extraArgs: string[] = []): Promise<HostedBenchGame> {
  const game = assembleBenchGame();
  ctx.defer(() => game.remove());
  const host = await startHost({ args: ['--game', game.folder, ...extraArgs] });
  ctx.defer(async () => void (await host.stop()));
  const url = host.ready.games[0]?.url;
  if (!url) throw new Error(`the host printed no game URL:\n${host.output()}`);
  return { host, origin: new URL(url).origin, folder: game.folder };
}

/** The same folder on a plain loopback static server: no agent. Closed by the scenario's cleanup. */
export async function servePlain(ctx: BenchContext, folder: string): Promise<FixtureServer> {
  const server = await startFixtureServer(
    {},
    {
      route: (req, res, url) => {
        serveStatic(folder, req, res, url);
        return true;
      },
    },
  );
  ctx.defer(() => server.close());
  return server;
}
