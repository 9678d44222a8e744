import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupsAfterEach, tempFolder } from '../../testing/cleanups.js';
import { GameHost, findGameRoot } from './game-host.js';
import { hostPageOrigins, injectShim } from './game-origin.js';
import { HostHttpServer } from '../http-server.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../settings.js';

const cleanups = cleanupsAfterEach();
const tempDir = (): string => tempFolder(cleanups, 'lan-party-games-test-');

describe('injectShim', () => {
  it('puts the shim first in <head>, else after <html>, else after the doctype, else first', () => {
    expect(injectShim('<html><head lang="x"><script src="a.js"></script></head></html>')).toBe(
      '<html><head lang="x"><script src="/lan-party/broker-shim.js"></script><script src="a.js"></script></head></html>',
    );
    expect(injectShim('<!DOCTYPE html><HTML><body></body></HTML>')).toBe('<!DOCTYPE html><HTML><script src="/lan-party/broker-shim.js"></script><body></body></HTML>');
    expect(injectShim('<!doctype html><script src="a.js"></script>')).toBe('<!doctype html><script src="/lan-party/broker-shim.js"></script><script src="a.js"></script>');
    expect(injectShim('<p>hi')).toBe('<script src="/lan-party/broker-shim.js"></script><p>hi');
    // <header> is not <head>.
    expect(injectShim('<html><header></header>')).toBe('<html><script src="/lan-party/broker-shim.js"></script><header></header>');
  });
});

describe('findGameRoot', () => {
  it('accepts a folder with index.html or a single subfolder with one', () => {
    const flat = tempDir();
    fs.writeFileSync(path.join(flat, 'index.html'), '');
    expect(findGameRoot(flat)).toBe(flat);
    const nested = tempDir();
    fs.mkdirSync(path.join(nested, 'MyGame'));
    fs.writeFileSync(path.join(nested, 'MyGame', 'index.html'), '');
    fs.mkdirSync(path.join(nested, '__MACOSX'));
    expect(findGameRoot(nested)).toBe(path.join(nested, 'MyGame'));
    expect(findGameRoot(tempDir())).toBeNull();
  });
});

/** A GET on loopback that resolves with what came back, or with the socket error's code (ECONNREFUSED) when nothing listens. */
function get(port: number, urlPath: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders } | { error: string }> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

describe('GameHost: every game on a listener of its own', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function gameFolder(title: string): string {
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'index.html'), `<!doctype html><html><head><title>${title}</title></head></html>`);
    fs.writeFileSync(path.join(folder, 'game.js'), `// ${title}`);
    return folder;
  }

  /** A real host server and GameHost; `hostPort` 0 = ephemeral, like the host's own setting. */
  async function startGames(hostPort = 0) {
    const hostHttp = new HostHttpServer();
    const port = await hostHttp.listen({ port: hostPort, host: '127.0.0.1' });
    const shimFile = path.join(tempDir(), 'broker-shim.js');
    fs.writeFileSync(shimFile, '/* the shim */');
    const games = new GameHost(hostHttp, {
      shimFile,
      bindHost: '127.0.0.1',
      firstGamePort: () => (hostPort === 0 ? 0 : port + 1),
      archiveLimits: () => DEFAULT_ARCHIVE_LIMITS,
      framers: () => hostPageOrigins(port, ['127.0.0.1', '192.168.1.20']),
      onChange: () => undefined,
    });
    closers.push(async () => {
      await games.close();
      await hostHttp.close();
    });
    return { games, hostPort: port };
  }

  it("serves the game at the root of its own port with the shim and the framing policy; the host's port serves no game", async () => {
    const { games, hostPort } = await startGames();
    const game = await games.host(gameFolder('Dots'));
    expect(game.port).not.toBe(hostPort);
    expect('path' in game).toBe(false);

    const page = await get(game.port, '/');
    if ('error' in page) throw new Error(page.error);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<head><script src="/lan-party/broker-shim.js"></script><title>Dots</title>');
    // Framed by its own pages and the host's (the test bench), on the host's port only, and by the Electron app's page.
    const framing = `frame-ancestors 'self' lan-party://app http://127.0.0.1:${hostPort} http://localhost:${hostPort} http://192.168.1.20:${hostPort}`;
    expect(page.headers['content-security-policy']).toBe(framing);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // Every response of the origin carries them, errors included.
    const missing = await get(game.port, '/nope.js');
    expect('status' in missing && missing.status).toBe(404);
    expect('headers' in missing && missing.headers['content-security-policy']).toBe(framing);

    // The agent script, on the game's origin, names no broker: the relay there resolves the default when a game connects.
    const shim = await get(game.port, '/lan-party/broker-shim.js');
    if ('error' in shim) throw new Error(shim.error);
    expect(shim.body).toBe('/* the shim */');

    // Nothing of the host is on the game's port.
    for (const hostPath of ['/api/lan', '/lan-party/bridge', '/peerjs/id']) {
      const answer = await get(game.port, hostPath);
      expect('status' in answer && answer.status, hostPath).toBe(404);
    }
    // No game, nor the shim, on the host's port: the old layout's paths answer a clear 404.
    for (const oldPath of [`/games/${game.id}/`, `/games/${game.id}/game.js`, '/games', '/lan-party/broker-shim.js']) {
      const answer = await get(hostPort, oldPath);
      if ('error' in answer) throw new Error(answer.error);
      expect(answer.status, oldPath).toBe(404);
      expect(answer.body, oldPath).toMatch(/every hosted game has a port of its own/);
    }
  });

  it('gives two games two origins, and closes a game\'s port when hosting stops and when the host closes', async () => {
    const { games } = await startGames();
    const a = await games.host(gameFolder('A'));
    const b = await games.host(gameFolder('B'));
    expect(a.port).not.toBe(b.port);
    expect(await get(a.port, '/game.js')).toMatchObject({ status: 200, body: '// A' });
    expect(await get(b.port, '/game.js')).toMatchObject({ status: 200, body: '// B' });

    expect(await games.stop(a.id)).toBe(true);
    expect(await get(a.port, '/')).toEqual({ error: 'ECONNREFUSED' });
    expect(games.list().map((game) => game.id)).toEqual([b.id]);

    await games.close();
    expect(await get(b.port, '/')).toEqual({ error: 'ECONNREFUSED' });
    expect(games.list()).toEqual([]);
    await expect(games.host(gameFolder('C'))).rejects.toThrow(/host is stopping/);
  });

  /**
   * A host on a fixed port below the kernel's ephemeral range (32768-60999 on
   * Linux): a port in that range can be handed to any socket of the test files
   * running beside this one, and CI once saw host port + 3 taken that way (the
   * second game rightly skipped to + 4, and the test failed).
   */
  async function startGamesOnFixedPort(): Promise<Awaited<ReturnType<typeof startGames>>> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const port = 20_000 + Math.floor(Math.random() * 10_000);
      try {
        return await startGames(port);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    throw new Error('no free host port between 20000 and 30000 in 20 tries');
  }

  it('takes the first free ports after a fixed host port, skipping a taken one', async () => {
    // Games from host port + 1 upward.
    const { games, hostPort } = await startGamesOnFixedPort();
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(hostPort + 1, '127.0.0.1', () => resolve());
    });
    closers.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const first = await games.host(gameFolder('First'));
    const second = await games.host(gameFolder('Second'));
    expect([first.port, second.port]).toEqual([hostPort + 2, hostPort + 3]);
    // A port freed by a stopped game is taken again by the next one.
    await games.stop(first.id);
    expect((await games.host(gameFolder('Third'))).port).toBe(hostPort + 2);
  });
});
