/**
 * Hosts web games (a folder with an index.html, or a .zip of one) for the
 * whole LAN on the host's port, under `/games/<id>/`: read-only, confined to
 * the game's folder (see static-files.ts), with the broker shim injected into
 * every HTML page at serve time. Files on disk are never modified.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { BrokerEndpoint, HostedGame } from '../../src-preload/contract.js';
import { extractGameArchive } from './game-archive.js';
import { sendText, type HostHttpServer } from './http-server.js';
import { resolveInside, serveStatic } from './static-files.js';

export const SHIM_PATH = '/lan-party/broker-shim.js';
const GAMES_PREFIX = '/games/';
const MAX_INJECTED_HTML_BYTES = 16 * 1024 * 1024;
/** Advertised in a small mDNS record: a LAN party hosts a handful of games at most. */
export const MAX_HOSTED_GAMES = 8;

export class GameError extends Error {}

interface Entry {
  game: HostedGame;
  /** Real path of the folder served. */
  root: string;
  /** Temporary folder to delete when hosting stops (unpacked zips). */
  temporary: string | null;
}

export interface GameHostOptions {
  /** The built shim (`out/shim/broker-shim.js`). */
  shimFile: string;
  /** The LAN default broker as the requesting browser can reach it, null when none. */
  brokerFor(req: http.IncomingMessage): BrokerEndpoint | null;
  onChange(): void;
}

/** Where the game's entry page is: the folder itself, or its only subfolder (a zipped folder). */
export function findGameRoot(folder: string): string | null {
  if (fs.existsSync(path.join(folder, 'index.html'))) return folder;
  const children = fs.readdirSync(folder, { withFileTypes: true }).filter((d) => !d.name.startsWith('.') && d.name !== '__MACOSX');
  const only = children.length === 1 ? children[0] : undefined;
  if (only?.isDirectory() && fs.existsSync(path.join(folder, only.name, 'index.html'))) return path.join(folder, only.name);
  return null;
}

/** Adds the shim as the first script of the page, so it runs before the game's own. */
export function injectShim(html: string): string {
  const tag = `<script src="${SHIM_PATH}"></script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return `${html.slice(0, head.index + head[0].length)}${tag}${html.slice(head.index + head[0].length)}`;
  const root = /<html(\s[^>]*)?>/i.exec(html);
  if (root) return `${html.slice(0, root.index + root[0].length)}${tag}${html.slice(root.index + root[0].length)}`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctype) return `${doctype[0]}${tag}${html.slice(doctype[0].length)}`;
  return `${tag}${html}`;
}

function gameName(source: string): string {
  const base = path.basename(source).replace(/\.zip$/i, '');
  const clean = base.replace(/[\p{Cc}]/gu, '').trim().slice(0, 40);
  return clean || 'Game';
}

export class GameHost {
  private readonly games = new Map<string, Entry>();
  private shimSource: string | null = null;

  constructor(
    http: HostHttpServer,
    private readonly options: GameHostOptions,
  ) {
    http.addRequestRoute((req, res, url) => this.route(req, res, url));
  }

  list(): HostedGame[] {
    return [...this.games.values()].map((entry) => ({ ...entry.game }));
  }

  /** Starts hosting a folder or .zip; throws GameError with a message for the user. */
  async host(source: string): Promise<HostedGame> {
    const resolved = path.resolve(source);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new GameError(`No game at ${resolved}: that folder or .zip does not exist.`);
    }
    if (this.games.size >= MAX_HOSTED_GAMES) throw new GameError(`This host already serves ${MAX_HOSTED_GAMES} games; stop one first.`);
    let folder: string;
    let temporary: string | null = null;
    if (stat.isDirectory()) {
      folder = resolved;
    } else if (stat.isFile() && resolved.toLowerCase().endsWith('.zip')) {
      temporary = await extractGameArchive(resolved).catch((error: unknown) => {
        throw new GameError((error as Error).message);
      });
      folder = temporary;
    } else {
      throw new GameError(`${resolved} is not a game: pick a folder with an index.html, or a .zip of one.`);
    }
    const root = findGameRoot(folder);
    if (!root) {
      if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
      throw new GameError(`${resolved} is not a web game: it has no index.html (a GDevelop HTML5 export has one at its top).`);
    }
    const id = randomBytes(4).toString('hex');
    const game: HostedGame = {
      id,
      name: gameName(resolved),
      source: resolved,
      kind: temporary ? 'zip' : 'folder',
      path: `${GAMES_PREFIX}${id}/`,
      startedAt: Date.now(),
    };
    this.games.set(id, { game, root: fs.realpathSync(root), temporary });
    this.options.onChange();
    return { ...game };
  }

  stop(id: string): boolean {
    const entry = this.games.get(id);
    if (!entry) return false;
    this.games.delete(id);
    if (entry.temporary) fs.rmSync(entry.temporary, { recursive: true, force: true });
    this.options.onChange();
    return true;
  }

  stopAll(): void {
    for (const id of [...this.games.keys()]) this.stop(id);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    if (url.pathname === SHIM_PATH) {
      this.serveShim(req, res);
      return true;
    }
    if (!url.pathname.startsWith(GAMES_PREFIX)) return false;
    const [id = '', ...rest] = url.pathname.slice(GAMES_PREFIX.length).split('/');
    const entry = this.games.get(id);
    if (!entry) {
      sendText(res, 404, 'No such game on this host (it may have stopped being hosted).');
      return true;
    }
    if (rest.length === 0) {
      // Relative URLs inside the game need the trailing slash.
      res.writeHead(301, { Location: `${GAMES_PREFIX}${id}/${url.search}` });
      res.end();
      return true;
    }
    const inner = new URL(url.href);
    inner.pathname = `/${rest.join('/')}`;
    const resolved = resolveInside(entry.root, inner.pathname);
    if (resolved.ok && /\.html?$/i.test(resolved.file) && (req.method === 'GET' || req.method === 'HEAD')) {
      this.serveHtml(req, res, resolved.file);
      return true;
    }
    serveStatic(entry.root, req, res, inner);
    return true;
  }

  private serveHtml(req: http.IncomingMessage, res: http.ServerResponse, file: string): void {
    let html: string;
    try {
      if (fs.statSync(file).size > MAX_INJECTED_HTML_BYTES) throw new Error('page too large');
      html = fs.readFileSync(file, 'utf8');
    } catch (error) {
      sendText(res, 500, `Could not read the page: ${(error as Error).message}`);
      return;
    }
    const body = Buffer.from(injectShim(html), 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** The shim with the current default broker, computed per request: new pages follow the election. */
  private serveShim(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.shimSource === null) {
      try {
        this.shimSource = fs.readFileSync(this.options.shimFile, 'utf8');
      } catch {
        sendText(res, 500, `The broker shim is missing (${this.options.shimFile}): run \`npm run build\`.`);
        return;
      }
    }
    const broker = this.options.brokerFor(req);
    // JSON is valid JS; `<` is escaped so the value can never close a script element.
    const config = JSON.stringify(broker).replace(/</g, '\\u003c');
    const body = `window.__LAN_PARTY_BROKER__=${config};\n${this.shimSource}`;
    res.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
