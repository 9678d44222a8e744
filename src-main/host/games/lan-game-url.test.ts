/** Which URLs the Electron app opens as a game window: a real LanHost (discovery off) hosting a real game. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLanGameUrl } from './lan-game-url.js';
import { LanHost } from '../lan-host.js';
import { defaultSettings } from '../settings.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('isLanGameUrl', () => {
  it("accepts this host's games at their own port, and nothing else on the host", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-game-url-test-'));
    cleanups.push(() => fs.rmSync(folder, { recursive: true, force: true }));
    fs.writeFileSync(path.join(folder, 'index.html'), '<!doctype html>');
    const settings = { ...defaultSettings(), discovery: false, broker: { ...defaultSettings().broker, port: 0 } };
    const host = new LanHost({ mode: 'electron', settings, bindHost: '127.0.0.1', shimFile: '/nonexistent/shim.js' });
    cleanups.push(() => host.stop());
    await host.start();
    const game = await host.hostGame(folder);

    for (const url of [`http://127.0.0.1:${game.port}/`, `http://localhost:${game.port}/`, `http://127.0.0.1:${game.port}/level/2.html?x=1`]) {
      expect(isLanGameUrl(url, host), url).toBe(true);
    }
    for (const url of [
      `http://127.0.0.1:${host.port}/`, // the host's own port: broker, /api/lan
      `http://127.0.0.1:${host.port}/games/${game.id}/`, // the old layout
      `http://127.0.0.1:${game.port + 1}/`, // a port no game has
      `https://127.0.0.1:${game.port}/`,
      `http://user:pass@127.0.0.1:${game.port}/`,
      `http://10.99.0.1:${game.port}/`, // an address of no instance
      'http://127.0.0.1/',
      'lan-party://app/',
      'not a url',
    ]) {
      expect(isLanGameUrl(url, host), url).toBe(false);
    }
    await host.stopHostingGame(game.id);
    expect(isLanGameUrl(`http://127.0.0.1:${game.port}/`, host)).toBe(false);
  });
});
