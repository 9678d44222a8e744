/** Which URLs the Electron app opens as a game window: a real LanHost (discovery off) hosting a real game. */
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach, gameFolder } from '../../testing/cleanups.js';
import { startLoopbackHost } from '../../testing/loopback-host.js';
import { isLanGameUrl } from './lan-game-url.js';

const cleanups = cleanupsAfterEach();

describe('isLanGameUrl', () => {
  it("accepts this host's games at their own port, and nothing else on the host", async () => {
    const folder = gameFolder(cleanups, 'lan-party-game-url-test-', 'game', '<!doctype html>');
    const host = await startLoopbackHost(cleanups, { mode: 'electron' });
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
