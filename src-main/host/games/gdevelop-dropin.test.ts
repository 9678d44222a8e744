import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GameHost } from './game-host.js';
import { GDEVELOP_P2P_REPLACEMENTS, usesGdevelopP2P } from './gdevelop-dropin.js';
import { HostHttpServer } from '../http-server.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../settings.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-gdevelop-test-')));
  temps.push(dir);
  return dir;
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const EXPORT_INDEX = `<!doctype html><html><head>
<script src="pixi-renderers/pixi.js"></script>
<script src="Extensions/P2P/A_peer.js"></script>
<script src="Extensions/P2P/B_p2ptools.js"></script>
<script src="code0.js"></script>
</head><body></body></html>`;

/** A folder shaped like a GDevelop HTML5 export using the P2P extension (its own files say "original"). */
function gdevelopExport(index = EXPORT_INDEX): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'Extensions/P2P'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), index);
  fs.writeFileSync(path.join(root, 'Extensions/P2P/A_peer.js'), '/* original PeerJS */');
  fs.writeFileSync(path.join(root, 'Extensions/P2P/B_p2ptools.js'), '/* original p2ptools */');
  return root;
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, type: response.headers['content-type'] }));
      })
      .on('error', reject);
  });
}

async function startGames(): Promise<GameHost> {
  const hostHttp = new HostHttpServer();
  await hostHttp.listen({ port: 0, host: '127.0.0.1' });
  const build = tempDir();
  fs.mkdirSync(path.join(build, 'shim'));
  fs.mkdirSync(path.join(build, 'p2p'));
  fs.writeFileSync(path.join(build, 'shim/broker-shim.js'), '/* the shim */');
  // The layout of out/: the drop-in's scripts are found beside the shim's folder.
  for (const file of Object.values(GDEVELOP_P2P_REPLACEMENTS)) fs.writeFileSync(path.join(build, 'p2p', file), `/* ours: ${file} */`);
  const games = new GameHost(hostHttp, {
    shimFile: path.join(build, 'shim/broker-shim.js'),
    bindHost: '127.0.0.1',
    firstGamePort: () => 0,
    archiveLimits: () => DEFAULT_ARCHIVE_LIMITS,
    onChange: () => undefined,
  });
  closers.push(async () => {
    await games.close();
    await hostHttp.close();
  });
  return games;
}

describe('usesGdevelopP2P', () => {
  it('needs both extension files and an index.html that loads them', () => {
    expect(usesGdevelopP2P(gdevelopExport())).toBe(true);
    // Shipped but not loaded (the extension was removed from the project): left alone.
    expect(usesGdevelopP2P(gdevelopExport('<html><head><script src="code0.js"></script></head></html>'))).toBe(false);
    const partial = gdevelopExport();
    fs.rmSync(path.join(partial, 'Extensions/P2P/A_peer.js'));
    expect(usesGdevelopP2P(partial)).toBe(false);
    const plain = tempDir();
    fs.writeFileSync(path.join(plain, 'index.html'), EXPORT_INDEX);
    expect(usesGdevelopP2P(plain)).toBe(false);
  });
});

describe('GameHost: the GDevelop drop-in', () => {
  it("serves our engine and adapter in place of the extension's files by default; files on disk untouched", async () => {
    const games = await startGames();
    const root = gdevelopExport();
    const game = await games.host(root);
    expect(game.gdevelopRuntime).toBe('lan-party');
    const peer = await get(game.port, '/Extensions/P2P/A_peer.js');
    expect(peer).toMatchObject({ status: 200, body: '/* ours: lan-party-p2p.global.js */', type: 'text/javascript; charset=utf-8' });
    expect((await get(game.port, '/Extensions/P2P/B_p2ptools.js')).body).toBe('/* ours: lan-party-gdevelop-p2p.js */');
    // The rest of the export is the game's own, and the page still gets the shim.
    expect((await get(game.port, '/')).body).toContain('<script src="/lan-party/broker-shim.js"></script>');
    expect(fs.readFileSync(path.join(root, 'Extensions/P2P/B_p2ptools.js'), 'utf8')).toBe('/* original p2ptools */');
  });

  it("keeps GDevelop's own runtime when asked ('original')", async () => {
    const games = await startGames();
    const game = await games.host(gdevelopExport(), 'original');
    expect(game.gdevelopRuntime).toBe('original');
    expect((await get(game.port, '/Extensions/P2P/A_peer.js')).body).toBe('/* original PeerJS */');
    expect((await get(game.port, '/Extensions/P2P/B_p2ptools.js')).body).toBe('/* original p2ptools */');
  });

  it('leaves games without the extension alone (no runtime field, their own files at those paths)', async () => {
    const games = await startGames();
    const root = gdevelopExport('<html><head><script src="code0.js"></script></head></html>');
    const game = await games.host(root);
    expect('gdevelopRuntime' in game).toBe(false);
    expect((await get(game.port, '/Extensions/P2P/B_p2ptools.js')).body).toBe('/* original p2ptools */');
  });
});
