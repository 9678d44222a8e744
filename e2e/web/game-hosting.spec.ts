/**
 * Hosting a web game for the LAN: an unmodified PeerJS game (stock 1.4.6,
 * `new Peer()` with no options) served by `lan-party host --game`, played by
 * two Chromium pages that see each other's moves through the LAN broker, with
 * no request ever leaving for the public PeerJS cloud.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { dotsState, expectMovesSeen, joinTwoPlayers, recordTraffic } from '../fixtures/games/dots-driver.js';
import { REPO_ROOT, runCli, type RunningHost } from '../fixtures/host.js';
import { expect, test as base } from '../fixtures/test.js';

interface HostedGame {
  url: string;
  /** The game's own port: each hosted game is its own origin. */
  port: number;
}

/** `game`: the dots game (a fresh copy) as `host` hosts it, at its own origin. */
const test = base.extend<{ game: HostedGame }>({
  game: async ({ host }, use) => {
    expect(host.ready.games, host.output()).toHaveLength(1);
    const url = host.ready.games[0]?.url ?? '';
    const port = Number(new URL(url).port);
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect(port).not.toBe(host.port);
    await use({ url, port });
  },
});

test.use({ hostOptions: async ({ dotsGame }, use) => use({ args: ['--game', dotsGame.folder] }) });

const gameState = dotsState;

async function playTogether(host: RunningHost, game: HostedGame, a: Page, b: Page, query: string): Promise<void> {
  const { idA, idB } = await joinTwoPlayers(a, b, game.url, query);
  await expectMovesSeen(a, b, idA, idB);
  // The game's players are the LAN broker's clients.
  const peers = (await (await fetch(`http://127.0.0.1:${host.port}/peerjs/peers`)).json()) as string[];
  expect(peers.sort()).toEqual([idA, idB].sort());
}

function expectOnlyLanTraffic(game: HostedGame, urls: string[]): void {
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    expect(url, 'no request may leave for a public broker').not.toMatch(/peerjs\.com|google\.com/);
    expect(new URL(url).hostname, url).toBe('127.0.0.1');
  }
  // Signaling went through the relay on the game's own origin (which registers on the LAN default broker: see playTogether).
  expect(urls.some((url) => url.startsWith(`ws://127.0.0.1:${game.port}/lan-party/broker/peerjs?key=peerjs`))).toBe(true);
}

for (const [title, mode] of [
  ['an unmodified PeerJS game with `new Peer()` plays on the LAN broker', 'plain'],
  ['a GDevelop-style "connect to the default broker server" lands on the LAN broker', 'gdevelop'],
] as const) {
  test(title, async ({ host, game, browser }) => {
    const context = await browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    const urlsA = recordTraffic(a);
    const urlsB = recordTraffic(b);
    await playTogether(host, game, a, b, `mode=${mode}`);
    expectOnlyLanTraffic(game, [...urlsA, ...urlsB]);
    await context.close();
  });
}

test('a game that names its own broker keeps it', async ({ host, game, hosts, page }) => {
  const other = await hosts.start();
  const urls = recordTraffic(page);
  await page.goto(`${game.url}?mode=explicit&broker=127.0.0.1:${other.port}`);
  await expect.poll(async () => (await gameState(page)).id, { timeout: 15_000 }).not.toBe('');
  const id = (await gameState(page)).id;
  const onOther = (await (await fetch(`http://127.0.0.1:${other.port}/peerjs/peers`)).json()) as string[];
  const onLan = (await (await fetch(`http://127.0.0.1:${host.port}/peerjs/peers`)).json()) as string[];
  expect(onOther).toEqual([id]);
  expect(onLan).toEqual([]);
  expect(urls.some((url) => url.startsWith(`ws://127.0.0.1:${other.port}/peerjs`))).toBe(true);
});

/** A raw GET, so `..` and encodings reach the server as written (fetch would normalise them). */
function rawGet(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, headers }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

test('serving is read-only and confined to the game folder', async ({ host, game, dotsGame }) => {
  const gamePort = game.port;
  const base = new URL(game.url).pathname;
  const outside = path.join(REPO_ROOT, 'package.json');
  fs.symlinkSync(outside, path.join(dotsGame.folder, 'escape.json'));
  const attempts = [
    `${base}../../package.json`,
    `${base}%2e%2e/%2e%2e/package.json`,
    `${base}..%2f..%2fpackage.json`,
    `${base}%2E%2E%5C%2E%2E%5Cpackage.json`,
    `${base}${encodeURIComponent(outside)}`,
    `${base}/${outside}`,
    `${base}escape.json`,
  ];
  for (const attempt of attempts) {
    const response = await rawGet(gamePort, attempt);
    expect([403, 404], attempt).toContain(response.status);
    expect(response.body, attempt).not.toContain('"name": "lan-party"');
  }

  // The page is served with the shim first in <head>; the file on disk is untouched.
  const onDisk = fs.readFileSync(path.join(dotsGame.folder, 'index.html'), 'utf8');
  const served = await rawGet(gamePort, base);
  expect(served.status).toBe(200);
  expect(served.body).toMatch(/<head><script src="\/lan-party\/broker-shim\.js"><\/script>/);
  expect(fs.readFileSync(path.join(dotsGame.folder, 'index.html'), 'utf8')).toBe(onDisk);
  expect(onDisk).not.toContain('broker-shim');

  // Correct types and byte ranges (media).
  const script = await rawGet(gamePort, `${base}peerjs.min.js`, { Range: 'bytes=0-9' });
  expect(script.status).toBe(206);
  expect(script.headers['content-type']).toMatch(/^text\/javascript/);
  expect(script.headers['content-range']).toMatch(/^bytes 0-9\/\d+$/);
  expect(script.body).toHaveLength(10);
  // The game's responses forbid framing by any origin but its own and the host's own pages (the test bench), and send no Referer.
  expect(served.headers['content-security-policy']).toBe(
    `frame-ancestors 'self' lan-party://app http://127.0.0.1:${host.port} http://localhost:${host.port}`,
  );
  expect(served.headers['referrer-policy']).toBe('no-referrer');
  // The host's port serves no game (nor the shim): the old layout's paths answer a clear 404.
  for (const oldPath of ['/games/00000000/', '/games/00000000/index.html', '/lan-party/broker-shim.js']) {
    const old = await rawGet(host.port, oldPath);
    expect(old.status, oldPath).toBe(404);
    expect(old.body, oldPath).toContain('every hosted game has a port of its own');
  }
});

test('a missing or non-game folder gives a clear error from the CLI', () => {
  const run = (target: string) => runCli(['host', '--port', '0', '--host', '127.0.0.1', '--no-discovery', '--game', target]);
  const missing = run('/nonexistent/game-folder');
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('No game at /nonexistent/game-folder: that folder or .zip does not exist.');
  const notAGame = run(path.join(REPO_ROOT, 'e2e', 'web'));
  expect(notAGame.status).toBe(1);
  expect(notAGame.stderr).toMatch(/is not a web game: it has no index\.html/);
});

test('a .zip of a game (a zipped export folder) is hosted the same way', async ({ dotsGame, hosts, page }) => {
  const zip = path.join(path.dirname(dotsGame.folder), `${path.basename(dotsGame.folder)}-export.zip`);
  // Zipped with its folder at the top, as people usually zip an export.
  const zipped = spawnSync('/usr/bin/python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], "zip", sys.argv[2], sys.argv[3])', zip, path.dirname(dotsGame.folder), path.basename(dotsGame.folder)], { encoding: 'utf8' });
  expect(zipped.status, zipped.stderr).toBe(0);
  try {
    const zipHost = await hosts.start({ args: ['--game', zip] });
    const hosted = zipHost.ready.games[0];
    expect(hosted?.name).toBe(`${path.basename(dotsGame.folder)}-export`);
    await page.goto(`${hosted?.url ?? ''}?mode=plain`);
    await expect.poll(async () => (await gameState(page)).id, { timeout: 15_000 }).not.toBe('');
    const peers = (await (await fetch(`http://127.0.0.1:${zipHost.port}/peerjs/peers`)).json()) as string[];
    expect(peers).toEqual([(await gameState(page)).id]);
  } finally {
    fs.rmSync(zip, { force: true });
  }
});
