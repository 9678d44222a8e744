/**
 * A hosted game is untrusted code (issue 10, item 1 and the framing half of
 * item 10). A real `lan-party host` serves two copies of an evil fixture game
 * (e2e/fixtures/games/evil); the player opens them from the loopback
 * dashboard's Games panel by clicking Play, and each game's script tries:
 * 1. the web bridge with control (`hostGame` on another folder holding a
 *    `.env` secret, `stopBroker`, `updateSettings`);
 * 2. `document.referrer` (the dashboard's URL, with its token);
 * 3. the dashboard as a popup (its document and storage), and its page and
 *    `/api/...` over fetch;
 * 4. another hosted game's localStorage;
 * 5. and the host's port must serve no game any more, the game's pages must
 *    refuse to be framed by another origin.
 * In the old layout (games under `/games/<id>/` on the host's own origin)
 * every one of these succeeded: same origin as the dashboard, so the bridge's
 * control check passed (Origin equal to Host), the popup and the other game's
 * storage were readable, the Referer was the dashboard's full URL, and nothing
 * forbade framing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { HostState } from '../../src-preload/contract.js';
import { recordAttack } from '../fixtures/attack-table.js';
import { callBridge } from '../fixtures/bridge.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-origin.js';
import { REPO_ROOT, type RunningHost } from '../fixtures/host.js';
import { expect, test } from '../fixtures/test.js';

/** What `window.evil` (evil.js) returns. */
interface BridgeAttempt {
  url: string;
  protocols: string[];
  opened: boolean;
  replies: Array<{ method: string; ok: boolean; error: string | null }>;
  closed: string | null;
}
interface WindowRead {
  opened: boolean;
  state: string;
  reads: Record<string, { ok: true; value: string | null } | { ok: false; error: string }>;
}
interface FetchAttempt {
  path: string;
  mode: string;
  status?: number;
  type?: string;
  body?: string;
  error?: string;
}
interface Evil {
  setHost(url: string): void;
  bridge(targetFolder: string): Promise<BridgeAttempt[]>;
  referrer(): { referrer: string; href: string; opener: string | null };
  readDashboard(): Promise<WindowRead>;
  fetchHost(): Promise<FetchAttempt[]>;
  writeStorage(key: string, value: string): string | null;
  readStorage(key: string, otherGameUrl: string): Promise<{ here: string | null; popup: WindowRead }>;
}
declare global {
  interface Window {
    evil?: Evil;
    evilReady?: boolean;
  }
}

const REFUSED = /needs host control/;

const EVIL_GAMES = ['evil-a', 'evil-b'];
/** A folder of the disk the game wants served (in the file's folder): a valid game, with a secret next to its page. */
const targetIn = (fileFolder: string): string => path.join(fileFolder, 'my-project');
const secret = `SECRET_API_KEY=${Math.random().toString(36).slice(2)}${Date.now()}`;

// The file's host serves two copies of the evil game from the file's folder, where the target folder is too. Written
// once: a write under a running host is a change it live-reloads.
test.use({
  hostOptions: async ({ fileFolder }, use) => {
    const target = targetIn(fileFolder);
    if (!fs.existsSync(target)) {
      for (const name of EVIL_GAMES) fs.cpSync(path.join(REPO_ROOT, 'e2e/fixtures/games/evil'), path.join(fileFolder, name), { recursive: true });
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, 'index.html'), '<!doctype html><title>not a game</title>');
      fs.writeFileSync(path.join(target, '.env'), `${secret}\n`);
    }
    await use({ args: EVIL_GAMES.flatMap((name) => ['--game', path.join(fileFolder, name)]) });
  },
});

let elsewhere: FixtureServer;

test.beforeAll(async () => {
  // Another origin on loopback, for the framing attempt (a real server: see fixture-origin.ts).
  elsewhere = await startFixtureServer(undefined, {
    route: (_req, res, url) => {
      if (url.pathname !== '/frame-game.html') return false;
      const game = url.searchParams.get('game') ?? '';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><script>
        window.framedMessages = [];
        window.addEventListener('message', (event) => window.framedMessages.push(String(event.data)));
      </script><iframe id="game" src="${encodeURI(game)}"></iframe>`);
      return true;
    },
  });
});

test.afterAll(async () => {
  await elsewhere.close();
});

async function hostState(host: RunningHost): Promise<HostState> {
  return (await callBridge(host.port, 'getHostState')) as HostState;
}

interface Played {
  dashboard: Page;
  game: Page;
}

/** The player's way in, in `ctx`: the loopback dashboard (with control), Games panel, Play. */
async function play(host: RunningHost, ctx: BrowserContext, name: string): Promise<Played> {
  const dashboard = await ctx.newPage();
  // As `lan-party host` prints it for the host machine's browser: the token in the fragment.
  await dashboard.goto(`${host.url}#token=${host.token}`);
  const listed = dashboard.getByTestId('lan-game').filter({ hasText: name });
  await expect(listed).toHaveCount(1);
  const [game] = await Promise.all([ctx.waitForEvent('page'), listed.getByRole('button', { name: /^Play / }).click()]);
  await expect.poll(() => game.evaluate(() => window.evilReady === true).catch(() => false), { timeout: 15_000 }).toBe(true);
  await game.evaluate((url) => (window.evil as Evil).setHost(url), host.url);
  return { dashboard, game };
}

test('1. the game calls the bridge with control: hostGame on another folder, stopBroker, updateSettings', async ({ fileHost: host, fileFolder, contexts }) => {
  const target = targetIn(fileFolder);
  const before = await hostState(host);
  const { game } = await play(host, await contexts.open(), 'evil-a');
  const attempts = await game.evaluate((folder) => (window.evil as Evil).bridge(folder), target);
  let calls = 0;
  for (const attempt of attempts) {
    for (const reply of attempt.replies) {
      calls += 1;
      expect(reply.ok, `${attempt.url} ${reply.method}`).toBe(false);
      expect(reply.error, `${attempt.url} ${reply.method}`).toMatch(REFUSED);
    }
    // Either the bridge answered every call with a refusal, or it never let the socket in.
    if (attempt.opened) expect(attempt.replies.map((reply) => reply.method).sort(), attempt.url).toEqual(['hostGame', 'stopBroker', 'updateSettings']);
  }
  expect(attempts).toHaveLength(4);

  // The host is as it was: broker running, settings unchanged, no new game.
  const after = await hostState(host);
  expect(after.broker.running).toBe(true);
  expect(after.settings).toEqual(before.settings);
  expect(after.games.map((g) => g.id).sort()).toEqual(before.games.map((g) => g.id).sort());
  expect(after.games.some((g) => g.source === target)).toBe(false);

  // The secret is served nowhere: not on the host's port, not on any game's.
  const places = [
    `http://127.0.0.1:${host.port}/.env`,
    `http://127.0.0.1:${host.port}/my-project/.env`,
    ...after.games.flatMap((g) => [`http://127.0.0.1:${host.port}/games/${g.id}/.env`, `http://127.0.0.1:${g.port}/.env`, `http://127.0.0.1:${g.port}/../my-project/.env`]),
  ];
  for (const url of places) {
    const response = await fetch(url);
    expect(response.status, url).toBe(404);
    expect(await response.text(), url).not.toContain(secret);
  }
  recordAttack(test.info(), {
    attack: 'a hosted game opens the bridge (127.0.0.1 and localhost, with and without the subprotocol): hostGame(~/my-project with .env), stopBroker, updateSettings',
    attempts: `${attempts.length} sockets, ${calls} calls; .env at ${places.length} URLs`,
    outcome: 'refused: the game is its own origin, not the page, so no control; broker, settings and games unchanged; .env served nowhere',
  });
});

test('2. the game reads document.referrer', async ({ fileHost: host, contexts }) => {
  const { game } = await play(host, await contexts.open(), 'evil-a');
  const seen = await game.evaluate(() => (window.evil as Evil).referrer());
  expect(seen.referrer).toBe('');
  expect(seen.opener).toBeNull();
  expect(seen.href).not.toContain(host.token);
  expect(new URL(seen.href).port).not.toBe(String(host.port));
  recordAttack(test.info(), {
    attack: 'a game opened with Play reads document.referrer and window.opener (the dashboard URL, its token)',
    attempts: 1,
    outcome: "empty: Play opens with noopener,noreferrer; the game's URL carries only its own address and port",
  });
});

test('3. the game opens the dashboard as a popup and reads it; fetches its page and /api/...', async ({ fileHost: host, contexts }) => {
  const { game } = await play(host, await contexts.open(), 'evil-a');
  const popup = await game.evaluate(() => (window.evil as Evil).readDashboard());
  expect(popup.opened, 'the popup opened: the test did try').toBe(true);
  for (const [name, read] of Object.entries(popup.reads)) {
    expect(read.ok, `${name}: ${JSON.stringify(read)}`).toBe(false);
  }
  expect(Object.keys(popup.reads).sort()).toEqual(['document', 'localStorage', 'sessionStorage']);

  const fetched = await game.evaluate(() => (window.evil as Evil).fetchHost());
  for (const attempt of fetched) {
    const label = `${attempt.mode} ${attempt.path}`;
    expect(attempt.body ?? '', label).not.toContain(host.token);
    // Nothing readable grants control: the page is never readable, and /api/lan (public, CORS) carries no settings or credentials.
    if (attempt.path === '/' || attempt.path === '/index.html') expect(attempt.body ?? '', label).toBe('');
    if (attempt.path === '/api/lan' && attempt.mode === 'cors') {
      expect(attempt.status, label).toBe(200);
      expect(attempt.body, label).not.toMatch(/iceServers|credential|"settings"/);
    }
  }
  recordAttack(test.info(), {
    attack: 'a game opens the dashboard with window.open and reads its document, localStorage, sessionStorage; fetches /, /api/* (cors and no-cors)',
    attempts: `1 popup x 3 reads, ${fetched.length} fetches`,
    outcome: `blocked: cross-origin (${popup.state.replace(/ \(.*$/, '')}); fetches gave nothing but the public /api/lan`,
  });
});

test("4. a game reads another hosted game's localStorage", async ({ fileHost: host, contexts }) => {
  // One player, both games: one browser context.
  const context = await contexts.open();
  const a = await play(host, context, 'evil-a');
  const key = 'evil-a-save';
  const value = `progress-${Date.now()}`;
  expect(await a.game.evaluate(([k, v]) => (window.evil as Evil).writeStorage(k, v), [key, value] as const)).toBe(value);
  const b = await play(host, context, 'evil-b');
  const stolen = await b.game.evaluate(([k, url]) => (window.evil as Evil).readStorage(k, url), [key, a.game.url()] as const);
  expect(stolen.here).toBeNull();
  expect(new URL(b.game.url()).port).not.toBe(new URL(a.game.url()).port);
  expect(stolen.popup.opened).toBe(true);
  expect(stolen.popup.reads['localStorage']?.ok, JSON.stringify(stolen.popup)).toBe(false);
  expect(stolen.popup.reads['document']?.ok, JSON.stringify(stolen.popup)).toBe(false);
  // Game A still has it: the write was real.
  expect(await a.game.evaluate((k) => localStorage.getItem(k), key)).toBe(value);
  recordAttack(test.info(), {
    attack: "game B reads game A's localStorage (its own storage, and A's page as a popup)",
    attempts: 2,
    outcome: 'nothing: each game is its own origin (own port)',
  });
});

test('5. the host port serves no game; a page of another origin cannot frame a game', async ({ fileHost: host, page }) => {
  const state = await hostState(host);
  let oldPaths = 0;
  for (const g of state.games) {
    for (const file of ['', 'index.html', 'evil.js']) {
      const response = await fetch(`http://127.0.0.1:${host.port}/games/${g.id}/${file}`);
      oldPaths += 1;
      expect(response.status, `/games/${g.id}/${file}`).toBe(404);
      expect(await response.text()).not.toContain('window.evil');
    }
  }
  const gameUrl = `http://127.0.0.1:${state.games[0]?.port ?? 0}/`;
  const served = await fetch(gameUrl);
  expect(served.status).toBe(200);
  // The game's own pages and the host's own pages (the test bench, on the host's port) may frame it; the site elsewhere is not named.
  const framing = served.headers.get('content-security-policy') ?? '';
  expect(framing).toMatch(new RegExp(`^frame-ancestors 'self' lan-party://app http://127\\.0\\.0\\.1:${host.port} `));
  expect(framing.split(' ')).not.toContain(elsewhere.origin);
  expect(served.headers.get('referrer-policy')).toBe('no-referrer');

  await page.goto(`${elsewhere.origin}/frame-game.html?game=${encodeURIComponent(gameUrl)}`);
  const frame = page.locator('#game');
  await expect(frame).toBeAttached();
  // Chromium replaces a frame its framing policy refuses by an error page; the game's script never runs there.
  await expect.poll(() => page.frames().find((f) => f.parentFrame() !== null)?.url() ?? '', { timeout: 10_000 }).toMatch(/^chrome-error:/);
  expect(await page.evaluate(() => (window as unknown as { framedMessages: string[] }).framedMessages)).toEqual([]);
  recordAttack(test.info(), {
    attack: "fetch a game from the host's port (old /games/<id>/ paths); frame a game from another origin",
    attempts: `${oldPaths} paths, 1 frame`,
    outcome: "404 on the host's port; framing refused (frame-ancestors: the game and the host's own pages only)",
  });
});
