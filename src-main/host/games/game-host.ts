/**
 * Hosts web games (a folder with an index.html, or a .zip of one) for the
 * whole LAN, each on a port of its own (see game-origin.ts: a game is its own
 * origin, never the dashboard's or the bridge's, nor another game's). The
 * host's own port serves no game. Port choice: from the host's port + 1
 * upward when the host's port is fixed (a LAN firewall rule can cover a small
 * range), an ephemeral port when it is not; on the host's bind address.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ArchiveLimits, GdevelopRuntime, HostedGame } from '../../../src-preload/contract.js';
import { extractGameArchive } from './game-archive.js';
import { FolderWatcher } from './folder-watcher.js';
import { gdevelopSubstitutes, usesGdevelopP2P } from './gdevelop-dropin.js';
import { GameOrigin, SHIM_PATH } from './game-origin.js';
import { sendText, type HostHttpServer, type RequestRoute, type UpgradeRoute } from '../http-server.js';

/** Advertised in a small mDNS record: a LAN party hosts a handful of games at most. */
export const MAX_HOSTED_GAMES = 8;

export class GameError extends Error {}

interface Entry {
  game: HostedGame;
  origin: GameOrigin;
  /** Temporary folder to delete when hosting stops (unpacked zips). */
  temporary: string | null;
  /** Live reload: a folder game's folder is watched; a zip game is not (its files never change). */
  watcher: FolderWatcher | null;
}

/** The framers' list is recomputed at most this often (addresses come and go; every game response carries it). */
const FRAMERS_CACHE_MS = 2_000;

export interface GameHostOptions {
  /** The built shim (`out/shim/broker-shim.js`). */
  shimFile: string;
  /** The engine's classic builds for the GDevelop drop-in; default: `out/p2p` beside the shim's folder. */
  p2pBuildDir?: string;
  /** The host's bind address; games listen on the same one. */
  bindHost?: string;
  /** First port to try for a game: the host's port + 1 when that port is fixed, 0 (ephemeral) when not. */
  firstGamePort(): number;
  /** The current settings' limits on a game .zip (read at each host, so a change applies to the next zip). */
  archiveLimits(): ArchiveLimits;
  /** The game agent's routes on a game's origin (relay and agent socket); `game()` is null until the game is listed. */
  agentRoutes?(game: () => HostedGame | null): { request: RequestRoute; upgrade: UpgradeRoute };
  /** Origins of the host's own pages, allowed to frame games (game-origin.ts hostPageOrigins); none when absent. */
  framers?(): readonly string[];
  /** Live reload: a file of this folder game's folder changed (debounced; dotfiles and editor temporaries ignored). */
  onFilesChanged?(gameId: string): void;
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

function gameName(source: string): string {
  const base = path.basename(source).replace(/\.zip$/i, '');
  const clean = base.replace(/[\p{Cc}]/gu, '').trim().slice(0, 40);
  return clean || 'Game';
}

export class GameHost {
  private readonly games = new Map<string, Entry>();
  /** Games between the checks of `host` and their listener being up (they count against MAX_HOSTED_GAMES). */
  private starting = 0;
  private closed = false;
  private shimSource: string | null = null;
  private framersCache: { at: number; origins: readonly string[] } | null = null;

  constructor(
    hostHttp: HostHttpServer,
    private readonly options: GameHostOptions,
  ) {
    // An old `/games/<id>/` link (or a game asking the host's port for the shim) gets a clear answer, never a game.
    hostHttp.addRequestRoute((_req, res, url) => {
      if (url.pathname !== SHIM_PATH && url.pathname !== '/games' && !url.pathname.startsWith('/games/')) return false;
      sendText(res, 404, 'No game is served on this port: every hosted game has a port of its own (open it from the Games panel).');
      return true;
    });
  }

  list(): HostedGame[] {
    return [...this.games.values()].map((entry) => ({ ...entry.game }));
  }

  /**
   * Starts hosting a folder or .zip on a port of its own; throws GameError with a message for the user.
   * A GDevelop export using the P2P extension runs on our engine unless `gdevelopRuntime` is 'original'.
   */
  async host(source: string, gdevelopRuntime: GdevelopRuntime = 'lan-party'): Promise<HostedGame> {
    const resolved = path.resolve(source);
    if (this.closed) throw new GameError('The host is stopping: no game can be hosted now.');
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new GameError(`No game at ${resolved}: that folder or .zip does not exist.`);
    }
    if (this.games.size + this.starting >= MAX_HOSTED_GAMES) throw new GameError(`This host already serves ${MAX_HOSTED_GAMES} games; stop one first.`);
    this.starting += 1;
    let temporary: string | null = null;
    try {
      let folder: string;
      if (stat.isDirectory()) {
        folder = resolved;
      } else if (stat.isFile() && resolved.toLowerCase().endsWith('.zip')) {
        temporary = await extractGameArchive(resolved, this.options.archiveLimits()).catch((error: unknown) => {
          throw new GameError((error as Error).message);
        });
        folder = temporary;
      } else {
        throw new GameError(`${resolved} is not a game: pick a folder with an index.html, or a .zip of one.`);
      }
      const root = findGameRoot(folder);
      if (!root) throw new GameError(`${resolved} is not a web game: it has no index.html (a GDevelop HTML5 export has one at its top).`);
      const realRoot = fs.realpathSync(root);
      const gdevelop = usesGdevelopP2P(realRoot);
      const p2pBuildDir = this.options.p2pBuildDir ?? path.join(path.dirname(this.options.shimFile), '../p2p');
      let listed: HostedGame | null = null;
      const origin = new GameOrigin({
        root: realRoot,
        shim: () => this.shim(),
        substitutes: gdevelop && gdevelopRuntime === 'lan-party' ? gdevelopSubstitutes(p2pBuildDir) : undefined,
        ...this.options.agentRoutes?.(() => listed),
        framers: () => this.framers(),
      });
      let port: number;
      try {
        port = await origin.listen(this.options.firstGamePort(), this.options.bindHost);
      } catch (error) {
        throw new GameError(`Could not give the game a port of its own: ${(error as Error).message}`);
      }
      if (this.closed) {
        await origin.close();
        throw new GameError('The host is stopping: no game can be hosted now.');
      }
      const game: HostedGame = {
        id: randomBytes(4).toString('hex'),
        name: gameName(resolved),
        source: resolved,
        kind: temporary ? 'zip' : 'folder',
        port,
        startedAt: Date.now(),
        ...(gdevelop ? { gdevelopRuntime } : {}),
      };
      const onFilesChanged = this.options.onFilesChanged;
      const watcher = !temporary && onFilesChanged ? new FolderWatcher(realRoot, () => onFilesChanged(game.id)) : null;
      this.games.set(game.id, { game, origin, temporary, watcher });
      listed = game;
      temporary = null;
      this.options.onChange();
      return { ...game };
    } finally {
      this.starting -= 1;
      if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
    }
  }

  /** Withdraws the game at once, then resolves when its port is closed (false when no such game). */
  async stop(id: string): Promise<boolean> {
    const entry = this.games.get(id);
    if (!entry) return false;
    this.games.delete(id);
    entry.watcher?.close();
    this.options.onChange();
    await entry.origin.close();
    if (entry.temporary) fs.rmSync(entry.temporary, { recursive: true, force: true });
    return true;
  }

  /** Stops every game and refuses new ones; resolves when no game port is open any more. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.games.keys()].map((id) => this.stop(id)));
  }

  private framers(): readonly string[] {
    if (!this.options.framers) return [];
    const now = Date.now();
    if (!this.framersCache || now - this.framersCache.at > FRAMERS_CACHE_MS) this.framersCache = { at: now, origins: this.options.framers() };
    return this.framersCache.origins;
  }

  /**
   * The agent script, the same for every page: it names no broker, since the
   * signaling relay on each game's origin resolves the LAN default broker when
   * a game connects, not when its page was served.
   */
  private shim(): string | Error {
    if (this.shimSource === null) {
      try {
        this.shimSource = fs.readFileSync(this.options.shimFile, 'utf8');
      } catch {
        return new Error(`The game agent script is missing (${this.options.shimFile}): run \`npm run build\`.`);
      }
    }
    return this.shimSource;
  }
}
