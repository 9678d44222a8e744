/**
 * One hosted game on an HTTP listener of its own, so the game is its own
 * origin (`http://<address>:<port>/`). It shares no origin with the dashboard,
 * the web bridge or another game: the browser's same-origin policy keeps it
 * out of their storage and documents, and a WebSocket it opens to the bridge
 * carries the game's Origin, which the bridge's control check refuses.
 *
 * Served on a game's port, and nothing else (no bridge, page, broker or
 * `/api/lan`; those stay on the host's port): the shim at SHIM_PATH, then the
 * game's files from `/`, confined to its folder by static-files.ts, with the
 * shim injected into every HTML page at serve time (files on disk are never
 * modified).
 */
import fs from 'node:fs';
import type http from 'node:http';
import { APP_ORIGIN } from '../../app-origin.js';
import { HostHttpServer, sendText, type RequestRoute, type UpgradeRoute } from '../http-server.js';
import { resolveInside, serveStatic } from '../static-files.js';

/** On the game's own origin; takes precedence over a game file of the same path. */
export const SHIM_PATH = '/lan-party/broker-shim.js';
const MAX_INJECTED_HTML_BYTES = 16 * 1024 * 1024;
/**
 * Ports tried from the first one (the host's port + 1 when that port is fixed):
 * MAX_HOSTED_GAMES games plus room for ports other programs hold, so a LAN
 * firewall rule for games covers a small, known range.
 */
export const GAME_PORT_ATTEMPTS = 32;

/**
 * Sent with every response of a game's origin (HostHttpServer adds
 * `Referrer-Policy: no-referrer` to every answer, a game's included).
 * Only the game's own pages and the host's own pages (`framers`: the test
 * bench frames N instances of a game) may frame it; no other site can overlay
 * and click-jack it.
 */
export function gameResponseHeaders(framers: readonly string[] = []): Record<string, string> {
  return { 'Content-Security-Policy': ["frame-ancestors 'self'", ...framers].join(' ') };
}

/**
 * The origins of the host's own pages (dashboard, test bench): its port on
 * the loopback names and on each address it is reached at on the LAN, and the
 * Electron app's page. A framer's origin is matched exactly (scheme, host,
 * port), so a site on another port or name never matches.
 */
export function hostPageOrigins(hostPort: number | null, addresses: readonly string[]): string[] {
  const origins: string[] = [APP_ORIGIN];
  if (hostPort === null) return origins;
  // IPv4 and names only: CSP host-sources cannot spell an IPv6 literal (Chromium logs a console error for
  // `http://[::1]:port` in frame-ancestors on every framed page), so a bench reached over IPv6 cannot frame games.
  const names = new Set(['127.0.0.1', 'localhost']);
  for (const address of addresses) if (/^[0-9.]+$/.test(address)) names.add(address);
  for (const name of names) origins.push(`http://${name}:${hostPort}`);
  return origins;
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

export interface GameOriginOptions {
  /** Real path of the folder served. */
  root: string;
  /** The injected script (the game agent); an Error when it cannot be served. */
  shim(): string | Error;
  /** Scripts served in place of the game's own (URL path -> file): the GDevelop drop-in (gdevelop-dropin.ts). */
  substitutes?: ReadonlyMap<string, string>;
  /** The game agent's routes (game-agent/game-agent-routes.ts): the signaling relay's REST paths, taking precedence over game files. */
  request?: RequestRoute;
  /** The game agent's sockets (agent and signaling relay); any other upgrade is a 404. */
  upgrade?: UpgradeRoute;
  /** Origins besides the game's own that may frame its pages (hostPageOrigins); none when absent. */
  framers?(): readonly string[];
}

export class GameOrigin {
  private readonly http = new HostHttpServer();

  constructor(private readonly options: GameOriginOptions) {
    this.http.addRequestRoute((req, res, url) => this.route(req, res, url));
    if (options.upgrade) this.http.addUpgradeRoute(options.upgrade);
  }

  get port(): number | null {
    return this.http.port;
  }

  /** Listens on `firstPort` or the next free one (an ephemeral port when 0), on the host's address. */
  listen(firstPort: number, host: string | undefined): Promise<number> {
    return this.http.listen({ port: firstPort, host, attempts: GAME_PORT_ATTEMPTS });
  }

  /** Stops listening and drops the game's open connections. */
  close(): Promise<void> {
    return this.http.close();
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    for (const [name, value] of Object.entries(gameResponseHeaders(this.options.framers?.() ?? []))) res.setHeader(name, value);
    if (url.pathname === SHIM_PATH) {
      this.serveShim(req, res);
      return true;
    }
    if (this.options.request?.(req, res, url)) return true;
    const substitute = this.options.substitutes?.get(url.pathname);
    if (substitute !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      serveScript(req, res, substitute);
      return true;
    }
    const resolved = resolveInside(this.options.root, url.pathname);
    if (resolved.ok && /\.html?$/i.test(resolved.file) && (req.method === 'GET' || req.method === 'HEAD')) {
      serveHtml(req, res, resolved.file);
      return true;
    }
    serveStatic(this.options.root, req, res, url);
    return true;
  }

  private serveShim(req: http.IncomingMessage, res: http.ServerResponse): void {
    const body = this.options.shim();
    if (body instanceof Error) {
      sendText(res, 500, body.message);
      return;
    }
    sendGenerated(req, res, 'text/javascript; charset=utf-8', Buffer.from(body, 'utf8'));
  }
}

/**
 * A response we make rather than a file of the game's (the shim, our builds, a
 * page with the shim injected): never cached, since the default broker and the
 * runtime switch apply at the next load, and never content-sniffed.
 */
function sendGenerated(req: http.IncomingMessage, res: http.ServerResponse, contentType: string, body: Buffer): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** One of our built scripts, served under a game's URL (never cached: switching the runtime applies at the next load). */
function serveScript(req: http.IncomingMessage, res: http.ServerResponse, file: string): void {
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch {
    sendText(res, 500, `LAN Party's P2P build is missing (${file}): run \`npm run build\`.`);
    return;
  }
  sendGenerated(req, res, 'text/javascript; charset=utf-8', body);
}

function serveHtml(req: http.IncomingMessage, res: http.ServerResponse, file: string): void {
  let html: string;
  try {
    if (fs.statSync(file).size > MAX_INJECTED_HTML_BYTES) throw new Error('page too large');
    html = fs.readFileSync(file, 'utf8');
  } catch (error) {
    sendText(res, 500, `Could not read the page: ${(error as Error).message}`);
    return;
  }
  const body = Buffer.from(injectShim(html), 'utf8');
  sendGenerated(req, res, 'text/html; charset=utf-8', body);
}
